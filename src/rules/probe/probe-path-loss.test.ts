import { RuleTester } from '../../engine/rule-tester.js';
import { probeFacts } from '../../../test/fixtures/evidence/probes/load.js';
import rule from './probe-path-loss.js';

new RuleTester().run(rule, {
  valid: [
    { name: 'healthy lab', facts: probeFacts('healthy') },
    // Both losses are bad checksums (our probes dropped at the peer; in the reverse direction our
    // answers dropped at the peer): udp-checksum-drop says them, this rule stays quiet.
    { name: 'lab bad-udp-checksum on n1: every loss is a checksum drop, judged by udp-checksum-drop', facts: probeFacts('bad-udp-checksum') },
  ],
  invalid: [
    {
      name: 'lab firewall-vxlan-port on n1 (this node): the answers die at our NIC before flannel.1; the peer\'s probes die in our kernel',
      facts: probeFacts('firewall-vxlan-port'),
      errors: [
        { messageId: 'receiver', data: { from: '192.168.77.12', to: 'this node', label: 'underlay' } },
        { messageId: 'returnPathBeforeDecap', data: { from: 'this node', label: 'overlay', nic: 'eth0', overlayDev: 'flannel.1', overlayRx: 0 }, evidence: [/this node: eth0 rx_packets \+\d+, flannel\.1 rx_packets \+0/] },
        { messageId: 'receiverDecap', data: { from: '192.168.77.12', to: 'this node', label: 'overlay', overlayDev: 'flannel.1', overlayRx: 0 }, evidence: [/flannel\.1 rx_packets \+0/] },
      ],
    },
  ],
  skipped: [{ name: 'no probes', facts: {}, reason: 'no probes' }],
});
