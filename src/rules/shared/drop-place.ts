// Where did the probes die, in the kernel's own word? Judged from the drop traces (skb:kfree_skb,
// and the packet filter's trace) of both nodes, taken around each probe run. A row counts for a
// probe when, beyond its rate in the baseline window, it dropped about as many packets as the
// probe lost. Pure: the drops rules say the place in words; this finds it.
import type { NodeDropTrace } from '../../evidence/drop-evidence.js';
import type { DropRow, DropTrace, RuleVerdict } from '../../evidence/drop-trace.js';
import type { Evidence } from '../../evidence/evidence.js';
import type { Localized, MessageData, ReportLine, Said } from '../../engine/types.js';
import type { ProbeEvidence, ProbeNode } from '../../evidence/probe-evidence.js';
import { placeLoss } from './loss-place.js';

/** What the kernel dropped the probes for, grouped as the drops rules judge it. */
export type DropKind = 'udp-checksum' | 'netfilter' | 'rp-filter' | 'no-socket' | 'vxlan' | 'transmit' | 'socket-buffer' | 'other' | 'unrelated';

/**
 * Drops that are never a lost UDP probe: a socket closed with data still queued (its own
 * receive queue purged, TCP's queues killed), TCP's and unix sockets' own reasons. The probes'
 * own HTTP connections to the agent make some of these during every probe. ICMP is never the UDP
 * echo whose loss is placed (the lab's rate blackhole showed NO_SOCKET in ping_rcv, echo replies
 * for a ping socket already closed, counted as the lost UDP probes).
 */
const UNRELATED_REASON = /^(SOCKET_CLOSE|QUEUE_PURGE|TCP_\w+|UNIX_\w+|SOCKET_BACKLOG|PROTO_MEM)$/;
const UNRELATED_SYMBOL = /^(sk_stream_kill_queues|udp_destruct_common|inet_sock_destruct|skb_queue_purge\w*|tcp_\w+|__tcp_\w+|unix_\w+|ping_rcv|icmp_\w+)$/;

const BY_REASON: Record<string, DropKind> = {
  UDP_CSUM: 'udp-checksum',
  NETFILTER_DROP: 'netfilter',
  IP_RPFILTER: 'rp-filter',
  NO_SOCKET: 'no-socket',
  VXLAN_INVALID_HDR: 'vxlan',
  VXLAN_VNI_NOT_FOUND: 'vxlan',
  VXLAN_INVALID_SMAC: 'vxlan',
  PKT_TOO_BIG: 'transmit',
  NEIGH_FAILED: 'transmit',
  NEIGH_CREATEFAIL: 'transmit',
  NEIGH_QUEUEFULL: 'transmit',
  NEIGH_DEAD: 'transmit',
  QDISC_DROP: 'transmit',
  QDISC_OVERLIMIT: 'transmit',
  QDISC_CONGESTED: 'transmit',
  TC_EGRESS: 'transmit',
  FULL_RING: 'transmit',
  SOCKET_RCVBUFF: 'socket-buffer',
};

/** Kinds of drop that happen where a packet leaves a node (the others where it enters one). */
const TRANSMIT: ReadonlySet<DropKind> = new Set(['transmit']);

/** The per-namespace counter each kind of drop raises (telling nodes of one kernel apart). */
const KIND_COUNTER: Partial<Record<DropKind, string>> = {
  'udp-checksum': 'Udp.InCsumErrors',
  'rp-filter': 'Netstat.IPReversePathFilter',
  'no-socket': 'Udp.NoPorts',
  'socket-buffer': 'Udp.RcvbufErrors',
};

/** The counters of one node while the probe ran: deciding what a bare location means (pre-5.17). */
type CounterOf = (name: string) => number;

/**
 * A drop row's kind. With a reason (5.17+) the reason says it; without one (or NOT_SPECIFIED) the
 * function that freed the packet does, helped where it frees for several causes by the counters
 * of the node that dropped it (__udp4_lib_rcv: a bad checksum or no socket).
 */
export function classifyDrop(row: DropRow, counter: CounterOf = () => 0): { kind: DropKind; byLocation: boolean } {
  if ((row.reason !== undefined && UNRELATED_REASON.test(row.reason)) || UNRELATED_SYMBOL.test(row.symbol ?? '')) return { kind: 'unrelated', byLocation: row.reason === undefined };
  if (row.reason !== undefined && row.reason !== 'NOT_SPECIFIED') return { kind: BY_REASON[row.reason] ?? 'other', byLocation: false };
  const sym = row.symbol ?? '';
  const at = (kind: DropKind) => ({ kind, byLocation: true });
  if (/^(nf_hook_slow|nf_hook_slow_list|nft_do_chain|ipt_do_table|ip6t_do_table|nf_hook)$/.test(sym)) return at('netfilter');
  if (/^vxlan_rcv$/.test(sym)) return at('vxlan');
  if (/^(ip_rcv_finish|ip_rcv_finish_core|ip_route_input_noref|ip_route_input_slow)$/.test(sym)) return at(counter('Netstat.IPReversePathFilter') > 0 ? 'rp-filter' : 'other');
  if (/^(__udp4_lib_rcv|udp_queue_rcv_one_skb|udp_queue_rcv_skb|__udp_queue_rcv_skb|udp_recvmsg)$/.test(sym)) {
    if (counter('Udp.InCsumErrors') > 0) return at('udp-checksum');
    if (counter('Udp.RcvbufErrors') > 0) return at('socket-buffer');
    if (sym === '__udp4_lib_rcv' && counter('Udp.NoPorts') > 0) return at('no-socket');
    return at('other');
  }
  if (/^(__dev_queue_xmit|dev_queue_xmit|__qdisc_run|pfifo_fast_enqueue|qdisc_drop|ip_fragment|ip_finish_output2|ip_do_fragment|neigh_\w+|__neigh_event_send)$/.test(sym)) return at('transmit');
  return at('other');
}

export interface TracedDrop {
  kind: DropKind;
  /** Named by the function alone (no reason field in this kernel, or NOT_SPECIFIED). */
  byLocation: boolean;
  /** The node whose kernel dropped the packets. */
  node: ProbeNode;
  row: DropRow;
  /** Drops in the probe window, and in the baseline window before it (same reason and place). */
  during: number;
  baseline: number;
  baselineSeconds: number;
  seconds: number;
  /** The firewall rule or policy the filter's own trace names (netfilter drops, with --trace-rules). */
  verdict?: RuleVerdict & { node: ProbeNode };
  /** Both traces read one kernel (lab nodes in namespaces): the node was inferred from the packet's direction. */
  sharedKernel: boolean;
}

export type DropPlacement =
  | { place: 'kernel'; drop: TracedDrop; lost: number }
  /** Probes were lost, both traces ran whole and saw nothing that matches: not either node's kernel. */
  | { place: 'underlay'; lost: number }
  /** The traces cannot judge it: one is missing, failed or incomplete (the reason). */
  | { place: 'untraced'; why: 'noTrace' | 'traceFailed' | 'traceIncomplete'; node: ProbeNode; detail: string }
  | { place: 'delivered' };

/** The traces taken around a probe, by node. */
export function tracesOf(evidence: Evidence, p: ProbeEvidence): { local?: NodeDropTrace; peer?: NodeDropTrace } {
  const all = (evidence.drops ?? []).filter((d) => d.probe === p.source);
  return { local: all.find((d) => d.node === 'local'), peer: all.find((d) => d.node === 'peer') };
}

/**
 * One kernel, several nodes (the lab): a drop whose packets all came in on devices of neither
 * node's namespace (a switch port between them) was not dropped by either node. Only with device
 * attribution; a device counts as a node's when either trace found it in its own namespace.
 */
function foreign(row: DropRow, other: DropTrace): boolean {
  if (row.devices.length === 0 || row.unattributed > 0) return false;
  const twin = other.windows.find((w) => w.label === 'main')?.drops.find((r) => keyOf(r) === keyOf(row));
  const owned = (dev: string) => row.devices.some((d) => d.device === dev && d.netnsInode !== undefined) || (twin?.devices.some((d) => d.device === dev && d.netnsInode !== undefined) ?? false);
  return row.devices.every((d) => !owned(d.device));
}

function windowOf(t: DropTrace, label: 'baseline' | 'main') {
  return t.windows.find((w) => w.label === label);
}

const keyOf = (r: DropRow) => `${r.reason ?? r.reasonCode ?? ''}|${r.location}`;

/** Why a trace cannot prove an absence: it stopped early, lost events or was interrupted. */
export function incomplete(t: DropTrace): string | undefined {
  if (t.read.stoppedBy) return `stopped by ${t.read.stoppedBy}`;
  if (t.read.overrun) return `${t.read.overrun} events overwritten before they were read`;
  if (t.read.interrupted) return 'interrupted';
  if (!windowOf(t, 'main')) return 'no probe window';
  return undefined;
}

/** Drops, rules and policies that decided against the probes, busiest first. */
function dropVerdicts(t: DropTrace): RuleVerdict[] {
  return (t.ruleTrace?.verdicts ?? []).filter((v) => /^(drop|reject)/.test(v.verdict) && v.packets > 0).sort((a, b) => b.packets - a.packets);
}

/**
 * The place of a probe's echo loss by the drop traces of both nodes; undefined when the probe has
 * no UDP echo. `missing` is what the traces must account for: the requests that never reached the
 * responder, or, when all reached it, the answers that never came back.
 */
export function placeByTrace(evidence: Evidence, p: ProbeEvidence): DropPlacement | undefined {
  const e = p.echo;
  if (!e) return undefined;
  const lost = e.sent - e.received;
  if (lost <= 0) return { place: 'delivered' };
  const traces = tracesOf(evidence, p);
  for (const node of ['local', 'peer'] as const) {
    const d = traces[node];
    if (!d) return { place: 'untraced', why: 'noTrace', node, detail: '' };
    if (!d.trace) return { place: 'untraced', why: 'traceFailed', node, detail: d.error ? `${d.error.code}: ${d.error.message}` : '' };
  }
  const local = traces.local!.trace!;
  const peer = traces.peer!.trace!;
  const sharedKernel = traces.local!.bootId !== undefined && traces.local!.bootId === traces.peer!.bootId;
  const sender = p.sender;
  const receiver: ProbeNode = sender === 'local' ? 'peer' : 'local';
  // The requests all reached the responder: the answers died, on their way into the sender.
  const answersLost = e.arrivedAtPeer !== undefined && e.arrivedAtPeer >= e.sent;
  const missing = answersLost ? lost : e.sent - (e.arrivedAtPeer ?? e.received);
  const entering: ProbeNode = answersLost ? sender : receiver;
  const leaving: ProbeNode = answersLost ? receiver : sender;
  const counterOf = (node: ProbeNode): CounterOf => (name) => p.counters.find((c) => c.node === node && c.counter === name)?.delta ?? 0;

  /**
   * One kernel: which node dropped it. The counters are per network namespace, so where the
   * kind's own counter rose on one node only, that node; else the direction of the lost packets
   * (a receive-side drop where they entered, a transmit-side one where they left).
   */
  const nodeOnSharedKernel = (kind: DropKind): ProbeNode => {
    const counter = KIND_COUNTER[kind];
    if (counter) {
      const rose = (['local', 'peer'] as const).filter((n) => counterOf(n)(counter) > 0);
      if (rose.length === 1) return rose[0]!;
    }
    return TRANSMIT.has(kind) ? leaving : entering;
  };
  const candidates: TracedDrop[] = [];
  // One kernel: every drop is in both traces; read one, and place it by the packet's direction.
  const read: { node?: ProbeNode; trace: DropTrace }[] = sharedKernel ? [{ trace: local }] : [{ node: 'local', trace: local }, { node: 'peer', trace: peer }];
  for (const { node: traced, trace } of read) {
    const main = windowOf(trace, 'main');
    if (!main) continue;
    const base = windowOf(trace, 'baseline');
    for (const row of main.drops) {
      if (sharedKernel && foreign(row, peer)) continue;
      const before = base?.drops.find((b) => keyOf(b) === keyOf(row));
      const baseline = before?.total ?? 0;
      const expected = base && base.seconds > 0 ? (baseline / base.seconds) * main.seconds : 0;
      const excess = row.total - expected;
      if (excess < Math.max(1, missing * 0.5)) continue;
      const node = traced ?? nodeOnSharedKernel(classifyDrop(row).kind);
      const { kind, byLocation } = classifyDrop(row, counterOf(node));
      if (kind === 'unrelated') continue;
      // A place with no meaning of its own counts only when it dropped about what the probe lost:
      // the same place freeing hundreds more is other traffic (a socket closed with data queued).
      if ((kind === 'other' || kind === 'socket-buffer') && excess > missing * 2 + 5) continue;
      candidates.push({ kind, byLocation, node, row, during: row.total, baseline, baselineSeconds: base?.seconds ?? 0, seconds: main.seconds, sharedKernel });
    }
  }
  if (candidates.length === 0) {
    for (const node of ['local', 'peer'] as const) {
      const why = incomplete(node === 'local' ? local : peer);
      if (why) return { place: 'untraced', why: 'traceIncomplete', node, detail: why };
    }
    return { place: 'underlay', lost };
  }
  // A named kind before 'other'; then the one whose count is nearest the loss (other traffic
  // dropped at the same time counts differently), then the larger.
  const excess = (c: TracedDrop) => c.during - (c.baselineSeconds > 0 ? (c.baseline / c.baselineSeconds) * c.seconds : 0);
  candidates.sort((a, b) => Number(a.kind === 'other') - Number(b.kind === 'other') || Math.abs(excess(a) - missing) - Math.abs(excess(b) - missing) || excess(b) - excess(a));
  const drop = candidates[0]!;
  if (drop.kind === 'netfilter') {
    // The filter's trace is read in each node's own network namespace: it names the node too.
    for (const node of [drop.node, drop.node === 'local' ? 'peer' : 'local'] as const) {
      const v = dropVerdicts(node === 'local' ? local : peer)[0];
      if (v) {
        drop.verdict = { ...v, node };
        if (sharedKernel) drop.node = node;
        break;
      }
    }
  }
  return { place: 'kernel', drop, lost };
}

/** How a verdict is said: `table filter, chain FORWARD, policy drop` or `... rule handle 4 (udp dport 8472 drop)`. */
/** The message ids a rule that says verdicts defines (mesh-kernel-drop's VERDICT_MESSAGES). */
export type VerdictPhraseId = 'verdictPolicy' | 'verdictReturn' | 'verdictHandle' | 'verdictRulenum' | 'verdictRule';

/**
 * The verdict as a phrase of the rule's own catalogue, so the words around nft's names are said in
 * the report's language.
 */
export function verdictPhrase(v: RuleVerdict): { id: VerdictPhraseId; data: Record<string, string | number> } {
  const base = { table: v.family ? `${v.family} ${v.table}` : v.table, chain: v.chain, verdict: v.verdict };
  if (v.kind === 'policy') return { id: 'verdictPolicy', data: base };
  if (v.kind === 'return') return { id: 'verdictReturn', data: base };
  if (v.handle !== undefined) return { id: 'verdictHandle', data: { ...base, n: v.handle, rule: v.rule ?? v.verdict } };
  if (v.rulenum !== undefined) return { id: 'verdictRulenum', data: { ...base, n: v.rulenum, rule: v.rule ?? v.verdict } };
  return { id: 'verdictRule', data: { ...base, rule: v.rule ?? v.verdict } };
}

/** The words of verdictPhrase, in both languages: rules that name a verdict spread these into their meta.messages. */
export const VERDICT_WORDS = {
  verdictPolicy: { en: 'table {table}, chain {chain}, policy {verdict}', zh: '表 {table},链 {chain},默认策略 {verdict}' },
  verdictReturn: { en: 'table {table}, chain {chain}, fell out of the chain ({verdict})', zh: '表 {table},链 {chain},未匹配任何规则而离开该链({verdict})' },
  verdictHandle: { en: 'table {table}, chain {chain}, rule handle {n} ({rule})', zh: '表 {table},链 {chain},规则句柄 {n}({rule})' },
  verdictRulenum: { en: 'table {table}, chain {chain}, rule {n} ({rule})', zh: '表 {table},链 {chain},第 {n} 条规则({rule})' },
  verdictRule: { en: 'table {table}, chain {chain}, a rule ({rule})', zh: '表 {table},链 {chain},一条规则({rule})' },
} satisfies Record<VerdictPhraseId, Localized>;

/** The verdict's place in the run's language, for an evidence line. */
export function verdictSaid(v: RuleVerdict): Said {
  const p = verdictPhrase(v);
  return { entry: VERDICT_WORDS[p.id], data: p.data };
}

/** The words of the drops rules' evidence lines, in both languages (a catalogue: src/report/catalogue.ts). */
export const DROP_QUOTES = {
  source: { en: 'kfree_skb trace around {probe}', zh: '{probe} 期间的 kfree_skb 跟踪' },
  sourceRuleTrace: { en: 'nft/iptables trace on {node}', zh: '{node} 上的 nft/iptables 跟踪' },
  drop: { en: '{node}: {reason} at {location}: {during} in {seconds} s during the probe, {baseline} in the {baselineSeconds} s baseline', zh: '{node}：{location} 处的 {reason}：探测期间 {seconds} 秒内 {during} 次，基线 {baselineSeconds} 秒内 {baseline} 次' },
  dropDevices: { en: '{node}: {reason} at {location}: {during} in {seconds} s during the probe, {baseline} in the {baselineSeconds} s baseline, came in on {devices}', zh: '{node}：{location} 处的 {reason}：探测期间 {seconds} 秒内 {during} 次，基线 {baselineSeconds} 秒内 {baseline} 次，入口 {devices}' },
  noReason: { en: 'no reason', zh: '无原因' },
  verdict: { en: '{verdictText}: {verdict} {packets} traced packet(s)', zh: '{verdictText}：{verdict}，跟踪到 {packets} 个数据包' },
  sharedKernel: { en: 'both nodes share one kernel (same boot id): the node is inferred from its own counters, else from the direction of the lost packets', zh: '两个节点共用一个内核（boot id 相同）：节点由其自身计数器推断，否则由丢失数据包的方向推断' },
  underlay: { en: "neither node's kernel dropped about {lost} packets beyond its baseline (both traces complete)", zh: '两个节点的内核都没有在基线之外丢弃约 {lost} 个数据包（两端跟踪完整）' },
  counters: { en: 'the counters alone placed it: {place}', zh: '仅凭计数器的定位：{place}' },
} satisfies Record<string, Localized>;

const quote = (k: keyof typeof DROP_QUOTES, data?: MessageData, parts?: Said['parts']): Said => ({ entry: DROP_QUOTES[k], ...(data ? { data } : {}), ...(parts ? { parts } : {}) });

/** The measured lines behind a traced placement: the drop row in both windows, the verdict, and what the counters alone said. */
export function traceLines(p: ProbeEvidence, placed: DropPlacement, nodeName: (n: ProbeNode) => string): ReportLine[] {
  const lines: ReportLine[] = [];
  const source = quote('source', { probe: p.source });
  if (placed.place === 'kernel') {
    const d = placed.drop;
    const r = d.row;
    const data = { node: nodeName(d.node), location: r.location, during: d.during, seconds: d.seconds.toFixed(1), baseline: d.baseline, baselineSeconds: d.baselineSeconds.toFixed(1) };
    const reason: MessageData = r.reason !== undefined ? { reason: r.reason } : {};
    const parts = r.reason !== undefined ? undefined : { reason: quote('noReason') };
    const text = r.devices.length > 0
      ? quote('dropDevices', { ...data, ...reason, devices: r.devices.slice(0, 3).map((x) => `${x.device} ${x.count}`).join(', ') }, parts)
      : quote('drop', { ...data, ...reason }, parts);
    lines.push({ source, text });
    if (d.verdict) lines.push({ source: quote('sourceRuleTrace', { node: nodeName(d.verdict.node) }), text: quote('verdict', { verdict: d.verdict.verdict, packets: d.verdict.packets }, { verdictText: verdictSaid(d.verdict) }) });
    if (d.sharedKernel) lines.push({ source, text: quote('sharedKernel') });
  } else if (placed.place === 'underlay') {
    lines.push({ source, text: quote('underlay', { lost: placed.lost }) });
  }
  const counters = placeLoss(p);
  if (counters && counters.place !== 'delivered') lines.push({ source: p.source, text: quote('counters', { place: counters.place }) });
  return lines;
}

/** True when the drop traces name the place of this probe's loss: the drops rules say it, the counter-based rules step aside. */
export function placedByTrace(evidence: Evidence, p: ProbeEvidence): boolean {
  const placed = placeByTrace(evidence, p);
  return placed?.place === 'kernel' || placed?.place === 'underlay';
}
