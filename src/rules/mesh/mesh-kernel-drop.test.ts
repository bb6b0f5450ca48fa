import { RuleTester } from '../../engine/rule-tester.js';
import type { MeshMatrix } from '../../evidence/mesh-matrix.js';
import rule from './mesh-kernel-drop.js';
import { editCells, loadMesh } from '../../../test/helpers/mesh-fixtures.js';

/** Every cell delivered in full (the traces left as recorded). */
const healed = (m: MeshMatrix) => editCells(m, () => true, (c) => {
  if (c.udp) c.udp = { ...c.udp, received: c.udp.sent, arrivedAtPeer: c.udp.sent, lossPct: 0 };
  if (c.tcp) c.tcp = { ...c.tcp, connected: c.tcp.attempts, failures: {} };
  return c;
});

/** The traces as recorded, with what `edit` does to each one's trace. */
function editTraces(m: MeshMatrix, edit: (t: MeshMatrix['traces'][number]) => void): MeshMatrix {
  const copy = structuredClone(m);
  copy.traces.forEach(edit);
  return copy;
}

/** No drop in any window of any trace: both kernels let everything pass. */
const noDrops = (m: MeshMatrix) => editTraces(m, (t) => {
  for (const w of t.trace?.windows ?? []) Object.assign(w, { drops: [], events: 0 });
  if (t.trace?.ruleTrace) t.trace.ruleTrace.verdicts = [];
});

new RuleTester().run(rule, {
  valid: [
    { name: 'edited from the forward-drop --trace recording: every cell delivered, the traces as recorded', evidence: { mesh: healed(loadMesh('forward-drop-n4-trace-rules')) } },
  ],
  invalid: [
    {
      name: 'recorded forward-drop on n4 with --trace --trace-rules: n4\'s FORWARD policy named for every pod-plane cell into and out of n4',
      evidence: { mesh: loadMesh('forward-drop-n4-trace-rules') },
      errors: [{
        messageId: 'verdict',
        data: { node: 'n4', reason: 'NETFILTER_DROP', symbol: 'nft_do_chain', failing: 12, planes: 'host->pod, pod->host, pod->pod' },
        phrases: { what: 'podPlane', verdict: 'verdictPolicy' },
        message: /^n4 drops the pod-plane probes: NETFILTER_DROP in table ip filter, chain FORWARD, policy drop \(at nft_do_chain; \d+ drops while 12 failing cells ran: /,
        messageZh: /^n4 丢弃了Pod 平面探测报文:表 ip filter,链 FORWARD,默认策略 drop 中的 NETFILTER_DROP/,
        evidence: [/host->pod n1 -> n4 \(10\.244\.4\.2\): UDP 0\/3 back/, /n4: NETFILTER_DROP at nft_do_chain\+0x[0-9a-f]+\/0x[0-9a-f]+: \d+ in the rounds of the failing cells, came in on /, /^table ip filter, chain FORWARD, policy drop: drop \d+ traced packet/, /share one kernel/],
      }],
    },
    {
      name: 'recorded forward-drop on n4 with --trace only: n4 named first (by the direction of the lost packets and where they came in), the table and chain left to --trace-rules',
      evidence: { mesh: loadMesh('forward-drop-n4-trace') },
      errors: [
        { messageId: 'kernel', data: { node: 'n4', reason: 'NETFILTER_DROP', symbol: 'nft_do_chain', failing: 9 }, message: /^n4 drops the pod-plane probes: NETFILTER_DROP at nft_do_chain /, evidence: [/share one kernel/] },
        // One kernel, one row for a whole round: a round where n4's pod sent while others sent to it
        // mixes both directions, and the direction of the lost packets names the receiver.
        { messageId: 'kernel', data: { node: 'n1', failing: 1 } },
        { messageId: 'kernel', data: { node: 'n2', failing: 1 } },
        { messageId: 'kernel', data: { node: 'n3', failing: 1 } },
      ],
    },
    {
      name: 'edited from the forward-drop --trace recording: no drop in either kernel, both traces whole: the underlay',
      evidence: { mesh: noDrops(loadMesh('forward-drop-n4-trace-rules')) },
      errors: [{ messageId: 'underlay', data: { failing: 12 }, message: /^Neither node's kernel dropped the pod-plane probes of n1 -> n4, /, evidence: [/neither node's kernel dropped about 36 lost echoes/] }],
    },
  ],
  skipped: [
    { name: 'recorded forward-drop on n4 without --trace', evidence: { mesh: loadMesh('forward-drop-n4') }, reason: 'without --trace' },
    {
      name: 'edited: every trace failed to start on the agents',
      evidence: { mesh: editTraces(loadMesh('forward-drop-n4-trace-rules'), (t) => { delete t.trace; t.error = { code: 'E_TRACEFS', message: 'no tracefs' }; }) },
      reason: /not traced on both nodes \(n\d: traceFailed: E_TRACEFS: no tracefs\)/,
    },
    {
      name: 'edited: the traces lost events (overrun): an absence proves nothing',
      evidence: { mesh: editTraces(noDrops(loadMesh('forward-drop-n4-trace-rules')), (t) => { t.trace!.read.overrun = 40; }) },
      reason: /traceIncomplete: 40 events overwritten/,
    },
  ],
});
