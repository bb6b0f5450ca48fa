import { RuleTester } from '../../engine/rule-tester.js';
import { probeFacts } from '../../../test/fixtures/evidence/probes/load.js';
import rule from './udp-checksum-drop.js';

new RuleTester().run(rule, {
  valid: [
    { name: 'healthy lab', facts: probeFacts('healthy') },
    { name: 'firewall on the VXLAN port: lost before decapsulation, not a checksum', facts: probeFacts('firewall-vxlan-port') },
  ],
  invalid: [
    {
      name: 'lab bad-udp-checksum on n1: overlay probes to n2 dropped by its kernel, InCsumErrors rising',
      facts: probeFacts('bad-udp-checksum'),
      errors: [
        { messageId: 'overlay', data: { from: 'this node', to: '192.168.77.12' }, evidence: [/Udp InCsumErrors \+1\d/] },
        // n2 probes n1's overlay: n1's answers carry the bad checksum and n2's kernel drops them.
        { messageId: 'answersOverlay', data: { from: '192.168.77.12', to: 'this node' }, evidence: [/192\.168\.77\.12: \/proc\/net\/snmp Udp InCsumErrors \+\d+/] },
      ],
    },
  ],
  skipped: [{ name: 'no probes', facts: {}, reason: 'no probes' }],
});
