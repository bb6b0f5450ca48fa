import { RuleTester } from '../../engine/rule-tester.js';
import { probe, recordedTrace, traced } from '../../../test/fixtures/drops/load.js';
import rule from './drop-not-in-kernel.js';

const incompleteBoth = () => {
  const p = probe({ sent: 3 });
  const t = recordedTrace({ from: 'quiet', incomplete: true });
  return { node: { probes: [p] }, drops: [{ node: 'local' as const, probe: p.source, trace: t }, { node: 'peer' as const, probe: p.source, trace: t }] };
};

new RuleTester().run(rule, {
  valid: [
    { name: 'the receiver\'s kernel dropped them', evidence: traced(probe({ sent: 3 }), 'peer', { from: 'udp-csum' }) },
    { name: 'delivered', evidence: traced(probe({ sent: 3, received: 3 }), 'peer', { from: 'quiet' }) },
  ],
  invalid: [
    {
      name: 'lost, both kernels traced whole, nothing that matches',
      evidence: traced(probe({ sent: 3, label: 'underlay', counters: { 'peer:dev.eth0.rxPackets': 0 } }), 'peer', { from: 'quiet' }),
      errors: [{ messageId: 'underlay', data: { lost: 3 }, evidence: [/neither node's kernel dropped/] }],
    },
    {
      name: 'a drop far below the loss does not account for it (3 checksum drops, 40 lost)',
      evidence: traced(probe({ sent: 40 }), 'peer', { from: 'udp-csum' }),
      errors: [{ messageId: 'underlay', data: { lost: 40 } }],
    },
    {
      name: 'one kernel (lab): a drop in the switch between the nodes (came in on a device of neither node) is the underlay',
      evidence: traced(probe({ sent: 2 }), 'shared', { from: 'netfilter-drop-rule', ownDevices: /^ppfx[ab]/, lines: /nft_do_chain|netif_receive_skb/ }),
      errors: [{ messageId: 'underlay', data: { lost: 2 } }],
    },
  ],
  skipped: [
    { name: 'a trace that lost events cannot prove an absence', evidence: incompleteBoth(), reason: /traceIncomplete: 120 events overwritten/ },
    { name: 'the peer\'s agent could not trace', evidence: { node: { probes: [probe({ sent: 3 })] }, drops: [{ node: 'local', probe: probe({ sent: 3 }).source, trace: recordedTrace({ from: 'quiet' }) }, { node: 'peer', probe: probe({ sent: 3 }).source, error: { code: 'E_TRACE_EVENT', message: 'no kfree_skb' } }] }, reason: /traceFailed: E_TRACE_EVENT/ },
  ],
});
