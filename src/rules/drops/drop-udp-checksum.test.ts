import { RuleTester } from '../../engine/rule-tester.js';
import { probe, traced } from '../../../test/fixtures/drops/load.js';
import rule from './drop-udp-checksum.js';

// Recorded on 6.18 (test/fixtures/tracefs/6.18-live/udp-csum, vxlan-udp-csum) and CentOS 7's 3.10 text.
new RuleTester().run(rule, {
  valid: [
    { name: 'every echo came back', evidence: traced(probe({ sent: 3, received: 3 }), 'peer', { from: 'udp-csum' }) },
    { name: 'lost in the underlay: both traces quiet', evidence: traced(probe({ sent: 3 }), 'peer', { from: 'quiet' }) },
    { name: 'the same drops in the baseline: not the probe\'s', evidence: traced(probe({ sent: 3 }), 'peer', { from: 'udp-csum', seconds: 1, baselineCopies: 3 }) },
  ],
  invalid: [
    {
      name: 'UDP_CSUM at the receiver (peer), none in the baseline',
      evidence: traced(probe({ sent: 3 }), 'peer', { from: 'udp-csum', baselineCopies: 0 }),
      errors: [{ messageId: 'reason', data: { node: '192.168.77.12', reason: 'UDP_CSUM', symbol: '__udp4_lib_rcv', count: 3, baseline: 0 }, evidence: ['UDP_CSUM at __udp4_lib_rcv+0x1eb/0xd00: 3 in 2.0 s during the probe, 0 in the 1.0 s baseline, came in on ppfxb0 3'] }],
    },
    {
      name: 'VXLAN outer checksum at the tunnel socket (udp_queue_rcv_one_skb)',
      evidence: traced(probe({ sent: 6 }), 'peer', { from: 'vxlan-udp-csum' }),
      errors: [{ messageId: 'reason', data: { symbol: 'udp_queue_rcv_one_skb', count: 6 } }],
    },
    {
      name: 'one kernel (lab): the node is the receiver, said so',
      evidence: traced(probe({ sent: 3 }), 'shared', { from: 'udp-csum' }),
      errors: [{ messageId: 'reason', data: { node: '192.168.77.12' }, evidence: [/share one kernel/] }],
    },
    {
      name: 'CentOS 7 (no reason): __udp4_lib_rcv while InCsumErrors rose',
      evidence: traced(probe({ sent: 2, counters: { 'peer:Udp.InCsumErrors': 2 } }), 'peer', { from: 'centos7' }),
      errors: [{ messageId: 'location', data: { symbol: '__udp4_lib_rcv', count: 2 }, evidence: [/counters alone placed it: receiver-kernel-checksum/] }],
    },
  ],
  skipped: [
    { name: 'the peer was not traced', evidence: { node: { probes: [probe({ sent: 3 })] }, drops: [] }, reason: /not traced on both nodes/ },
  ],
});
