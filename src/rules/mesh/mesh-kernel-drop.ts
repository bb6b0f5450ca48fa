// `mesh --trace`: the failing cells' losses in the kernel's own word. Each cell's loss is placed by
// the drop traces of its two nodes over the round it ran in (shared/mesh-drops.ts, the logic of
// `doctor --peer --trace`), and the cells are grouped by the node, reason, place and firewall
// verdict that dropped them: "n4 drops the pod-plane probes: NETFILTER_DROP in table ip filter,
// chain FORWARD, policy drop". Cells both kernels let pass are the underlay's.
import { defineRule, type MessageData } from '../../engine/types.js';
import type { MeshCell, PlanePair } from '../../evidence/mesh-matrix.js';
import { VERDICT_WORDS, verdictPhrase, verdictSaid, type TracedDrop } from '../shared/drop-place.js';
import { cellNode, placeCell } from '../shared/mesh-drops.js';
import { cellSource, cellText, MESH_PHRASES, morePairs, pairsOf, quote, QUOTED_CELLS } from '../shared/mesh-quote.js';
import type { ReportLine } from '../../engine/types.js';
import { symptomOf } from '../shared/mesh-pattern.js';

interface Group { drop?: TracedDrop; node?: string; cells: MeshCell[]; planes: Set<PlanePair>; count: Map<string, number>; lost: number }

/** Which probes: the pod plane only, the underlay only, or both. */
function planesPhrase(planes: Set<PlanePair>): 'podPlane' | 'underlay' | 'anyPlane' {
  if (!planes.has('host->host')) return 'podPlane';
  return planes.size === 1 ? 'underlay' : 'anyPlane';
}

export default defineRule({
  meta: {
    id: 'mesh-kernel-drop',
    kind: 'mesh',
    title: { en: 'The kernel names where the mesh probes died', zh: '内核指出网格探测报文丢弃的位置' },
    severity: 'error',
    needs: ['mesh'],
    messages: {
      ...MESH_PHRASES,
      ...VERDICT_WORDS,
      verdict: {
        en: '{node} drops the {what}: {reason} in {verdict} (at {symbol}; {count} drops while {failing} failing cells ran: {pairs})',
        zh: '{node} 丢弃了{what}:{verdict} 中的 {reason}(位置 {symbol};{failing} 个失败单元格运行期间丢弃 {count} 次:{pairs})',
      },
      kernel: {
        en: '{node} drops the {what}: {reason} at {symbol} ({count} drops while {failing} failing cells ran: {pairs})',
        zh: '{node} 丢弃了{what}:{symbol} 处的 {reason}({failing} 个失败单元格运行期间丢弃 {count} 次:{pairs})',
      },
      underlay: {
        en: 'Neither node\'s kernel dropped the {what} of {pairs} ({failing} failing cells, both traces complete): they were lost in the underlay between the nodes',
        zh: '{pairs} 的{what}没有被任何一个节点的内核丢弃({failing} 个失败单元格,两端跟踪完整):它们丢失在节点之间的底层网络中',
      },
      podPlane: { en: 'pod-plane probes', zh: 'Pod 平面探测报文' },
      underlayPlane: { en: 'underlay probes', zh: '底层网络探测报文' },
      anyPlane: { en: 'probes', zh: '探测报文' },
      nextRules: {
        en: 'Run the mesh again with --trace --trace-rules to name the table, chain and rule',
        zh: '加上 --trace --trace-rules 重新运行 mesh,可得到表、链和规则',
      },
      nextNode: {
        en: 'On {node}: `podpath doctor`, and `podpath probe --trace` to one peer of a failing cell',
        zh: '在 {node} 上:运行 `podpath doctor`,并对一个失败单元格的对端运行 `podpath probe --trace`',
      },
      nextUnderlay: {
        en: 'Look between the nodes: the switch, router or cloud network (`tracepath -n` from the sender)',
        zh: '检查节点之间:交换机、路由器或云网络(在发送端运行 `tracepath -n`)',
      },
    },
    reasons: {
      notTraced: { en: 'the mesh ran without --trace', zh: 'mesh 运行时没有使用 --trace' },
      untraced: { en: 'the failing cells were not traced on both nodes ({node}: {why})', zh: '失败的单元格没有在两个节点上都被跟踪({node}:{why})' },
    },
    explanation: {
      en: 'With --trace every node\'s agent traces its kernel\'s packet drops (skb:kfree_skb through tracefs; with --trace-rules also its packet filter for the probe ports) around every round. A failing cell\'s lost echoes are matched to the drops of its two nodes in the round it ran in, beyond what a baseline would explain, as `doctor --peer --trace` does for one probe: the reason (5.17+) or the function that freed the packets, and for the packet filter the table, chain and rule or policy. Both traces complete and no matching drop: the packets died between the nodes. Lab nodes share one kernel: a drop is then given to a node by its own counters or the direction of the lost packets, and a firewall verdict by the namespace whose filter traced it.',
      zh: '使用 --trace 时,每个节点的代理在每一轮前后跟踪其内核的丢包(通过 tracefs 的 skb:kfree_skb;加 --trace-rules 时还跟踪包过滤对探测端口的处理)。失败单元格丢失的回显与其两个节点在该轮中的丢包(超出基线的部分)匹配,做法与 `doctor --peer --trace` 对单个探测相同:得到原因(5.17+)或释放报文的函数,包过滤则给出表、链以及规则或策略。两端跟踪完整但没有匹配的丢包:报文丢失在节点之间。实验环境的节点共享一个内核:此时按节点自身的计数器或丢失报文的方向归属节点,防火墙裁决按跟踪到它的网络命名空间归属。',
    },
    remediation: [
      {
        description: { en: 'On the node the kernel named, look at the rule it named', zh: '在内核指出的节点上,检查它指出的规则' },
        commands: ['nft -a list ruleset', 'iptables -L -n -v --line-numbers'],
        undo: ['# nothing to undo: read-only'],
      },
    ],
    references: ['issue:13', 'issue:14'],
  },
  check(ctx) {
    const m = ctx.evidence.mesh!;
    if (!m.cells.some((c) => c.traces)) return ctx.skip('notTraced');
    const groups = new Map<string, Group>();
    let judged = 0;
    let untraced: { node: string; why: string } | undefined;
    for (const c of m.cells) {
      if (symptomOf(c, 'reach') !== 'fail') continue;
      const placed = placeCell(m, c);
      if (!placed || placed.place === 'delivered') continue;
      if (placed.place === 'untraced') {
        untraced ??= { node: cellNode(c, placed.node), why: placed.detail ? `${placed.why}: ${placed.detail}` : placed.why };
        continue;
      }
      judged++;
      const d = placed.place === 'kernel' ? placed.drop : undefined;
      const node = d ? cellNode(c, d.verdict?.node ?? d.node) : undefined;
      const key = d ? `${node}|${d.row.reason ?? d.kind}|${d.row.symbol ?? d.row.location}|${d.verdict ? JSON.stringify(verdictPhrase(d.verdict)) : ''}` : 'underlay';
      const g = groups.get(key) ?? { drop: d, node, cells: [], planes: new Set<PlanePair>(), count: new Map<string, number>(), lost: 0 };
      groups.set(key, g);
      g.cells.push(c);
      g.planes.add(c.plane);
      g.lost += placed.lost;
      // A round's trace holds every cell of that round: its count once per round.
      if (d) g.count.set(`${c.round}`, Math.max(g.count.get(`${c.round}`) ?? 0, d.during));
    }
    if (judged === 0 && untraced) return ctx.skip('untraced', untraced);
    for (const g of groups.values()) {
      const pairs = [...new Set(g.cells.map((c) => `${c.from} -> ${c.to}`))];
      const data: MessageData = {
        failing: g.cells.length, lost: g.lost, planes: [...g.planes].join(', '),
        pairs: pairsOf(pairs).pairs,
      };
      const what = { id: planesPhrase(g.planes) === 'underlay' ? 'underlayPlane' : planesPhrase(g.planes) };
      const evidence: ReportLine[] = g.cells.slice(0, QUOTED_CELLS).map((c) => ({ source: cellSource(c), text: cellText(c, 'reach') }));
      if (!g.drop) {
        ctx.report({ messageId: 'underlay', detailId: 'nextUnderlay', data, phrases: { what, ...morePairs(pairs) }, evidence: [...evidence, { source: quote('sourceTraces'), text: quote('traceUnderlay', { lost: g.lost }) }] });
        continue;
      }
      const d = g.drop;
      const r = d.row;
      const count = [...g.count.values()].reduce((a, b) => a + b, 0);
      Object.assign(data, {
        node: g.node!, reason: r.reason ?? (r.reasonCode !== undefined ? `#${r.reasonCode}` : 'NOT_SPECIFIED'), symbol: r.symbol ?? r.location, location: r.location, count,
      });
      const traceData = { node: g.node!, reason: data.reason!, location: r.location, count };
      const traceLine: ReportLine = { source: quote('sourceTraces'), text: r.devices.length ? quote('traceDropDevices', { ...traceData, devices: r.devices.slice(0, 3).map((x) => `${x.device} ${x.count}`).join(', ') }) : quote('traceDrop', traceData) };
      const shared: ReportLine[] = d.sharedKernel ? [{ source: quote('sourceTraces'), text: quote('sharedKernel') }] : [];
      if (d.verdict) {
        const v = d.verdict;
        ctx.report({
          messageId: 'verdict', detailId: 'nextNode', data, phrases: { what, verdict: verdictPhrase(v), ...morePairs(pairs) },
          evidence: [...evidence, traceLine, { source: quote('sourceRuleTrace', { node: g.node! }), text: quote('traceVerdict', { verdict: v.verdict, packets: v.packets }, { verdictText: verdictSaid(v) }) }, ...shared],
        });
      } else {
        ctx.report({ messageId: 'kernel', detailId: d.kind === 'netfilter' ? 'nextRules' : 'nextNode', data, phrases: { what, ...morePairs(pairs) }, evidence: [...evidence, traceLine, ...shared] });
      }
    }
  },
});
