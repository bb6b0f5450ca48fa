import { RuleTester } from '../engine/rule-tester.js';
import { probeFacts } from '../../test/fixtures/evidence/probes/load.js';
import rule from './probe-path-loss.js';

new RuleTester().run(rule, {
  valid: [{ name: 'healthy lab', facts: probeFacts('healthy') }],
  invalid: [
    {
      name: 'lab firewall-vxlan-port on n2: VXLAN reaches its NIC, never flannel.1; its answers to our probes die the same way',
      facts: probeFacts('firewall-vxlan-port'),
      errors: [
        { messageId: 'receiver', data: { to: '192.168.77.12', label: 'overlay' }, evidence: [/flannel\.1 rx_packets \+0/] },
        { messageId: 'returnPath', data: { from: '192.168.77.12', to: 'this node', label: 'overlay' } },
      ],
    },
    {
      name: 'lab bad-udp-checksum on n1: the peer\'s probes reach us, our answers are dropped at the peer',
      facts: probeFacts('bad-udp-checksum'),
      errors: [{ messageId: 'returnPath', data: { from: '192.168.77.12', label: 'overlay' } }],
    },
  ],
  skipped: [{ name: 'no probes', facts: {}, reason: 'no probes' }],
});
