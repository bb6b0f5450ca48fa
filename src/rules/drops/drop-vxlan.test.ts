import { RuleTester } from '../../engine/rule-tester.js';
import { probe, traced } from '../../../test/fixtures/drops/load.js';
import rule from './drop-vxlan.js';

// Recorded on 6.18 (6.18-live/vxlan-wrong-vni) and CentOS 7 (vxlan_rcv [vxlan]).
new RuleTester().run(rule, {
  valid: [
    { name: 'no socket on the port is drop-no-socket\'s', evidence: traced(probe({ sent: 7 }), 'peer', { from: 'vxlan-no-socket' }) },
  ],
  invalid: [
    {
      name: 'VNI not found at the receiver',
      evidence: traced(probe({ sent: 2 }), 'peer', { from: 'vxlan-wrong-vni' }),
      errors: [{ messageId: 'vni', data: { reason: 'VXLAN_VNI_NOT_FOUND', symbol: 'vxlan_rcv' } }],
    },
    {
      name: 'CentOS 7: vxlan_rcv, the place alone',
      evidence: traced(probe({ sent: 1 }), 'peer', { from: 'centos7', lines: /ffffffffc05b3be9/ }),
      errors: [{ messageId: 'location', data: { symbol: 'vxlan_rcv' } }],
    },
  ],
});
