import { RuleTester } from '../../engine/rule-tester.js';
import { probeFacts } from '../../../test/fixtures/evidence/probes/load.js';
import rule from './service-probe-fails.js';

const healthy = probeFacts('healthy');
const first = healthy.probes![0]!;

new RuleTester().run(rule, {
  valid: [
    {
      name: 'handshakes and DNS answered',
      facts: { probes: [{ ...first, tcp: { target: '10.96.0.10:53', attempts: 3, connected: 3, failures: {} }, dns: [{ server: '10.96.0.10:53', name: 'kubernetes.default', transport: 'udp', ok: true, rcode: 0 }] }] },
    },
  ],
  invalid: [
    {
      name: 'seed 001: handshakes time out, DNS over UDP and TCP time out',
      facts: {
        probes: [{
          ...first,
          tcp: { target: '10.187.0.3:53', attempts: 3, connected: 0, failures: { TIMEOUT: 3 } },
          dns: [
            { server: '10.96.0.10:53', name: 'kubernetes.default.svc.cluster.local', transport: 'udp', ok: false, error: 'TIMEOUT' },
            { server: '10.96.0.10:53', name: 'kubernetes.default.svc.cluster.local', transport: 'tcp', ok: false, error: 'TIMEOUT' },
          ],
        }],
      },
      errors: [
        { messageId: 'tcp', data: { failed: 3, causes: 'TIMEOUT x3' } },
        { messageId: 'dns', data: { transport: 'udp' } },
        { messageId: 'dns', data: { transport: 'tcp' } },
      ],
    },
  ],
  skipped: [{ name: 'probes without TCP or DNS', facts: healthy, reason: 'no TCP or DNS probe' }],
});
