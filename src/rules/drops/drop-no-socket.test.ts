import { RuleTester } from '../../engine/rule-tester.js';
import { probe, traced } from '../../../test/fixtures/drops/load.js';
import rule from './drop-no-socket.js';

// Recorded on 6.18: vxlan-no-socket (VXLAN datagrams to a node with no device on 4789), no-socket.
new RuleTester().run(rule, {
  valid: [
    { name: 'a VNI mismatch is drop-vxlan\'s', evidence: traced(probe({ sent: 2 }), 'peer', { from: 'vxlan-wrong-vni' }) },
  ],
  invalid: [
    {
      name: 'overlay: no VXLAN device on the port at the receiver',
      evidence: traced(probe({ sent: 7 }), 'peer', { from: 'vxlan-no-socket' }),
      errors: [{ messageId: 'vxlanPort', data: { node: '192.168.77.12', reason: 'NO_SOCKET', symbol: '__udp4_lib_rcv', count: 7 } }],
    },
    {
      name: 'underlay: nothing on the probe port',
      evidence: traced(probe({ sent: 3, label: 'underlay' }), 'peer', { from: 'no-socket' }),
      errors: [{ messageId: 'port' }],
    },
    {
      name: 'CentOS 7: __udp4_lib_rcv while NoPorts rose',
      evidence: traced(probe({ sent: 2, counters: { 'peer:Udp.NoPorts': 2 } }), 'peer', { from: 'centos7', lines: /8155e5a8/ }),
      errors: [{ messageId: 'vxlanPort', data: { symbol: '__udp4_lib_rcv' } }],
    },
  ],
});
