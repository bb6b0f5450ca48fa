import { RuleTester } from '../../engine/rule-tester.js';
import { probeFacts } from '../../../test/fixtures/evidence/probes/load.js';
import rule from './probe-path-loss.js';

new RuleTester().run(rule, {
  valid: [{ name: 'healthy lab', facts: probeFacts('healthy') }],
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
    {
      name: 'lab bad-udp-checksum on n1: the peer\'s probes reach us, our answers are dropped at the peer',
      facts: probeFacts('bad-udp-checksum'),
      errors: [{ messageId: 'returnPathBeforeDecap', data: { from: '192.168.77.12', label: 'overlay', nicRx: 16 } }],
    },
  ],
  skipped: [{ name: 'no probes', facts: {}, reason: 'no probes' }],
});
