// A mesh explanation in the words and numbers the mesh rules print: the cells that prove it with
// their counts (bounded: a few cells, then how many more), the limit it stops at, the group names.
// Numbers only, no verdict; each rule's messages say what they mean.
import type { MeshCell, PlanePair } from '../../evidence/mesh-matrix.js';
import { probeEvidenceOf } from '../../evidence/mesh-probe.js';
import type { Localized, MessageData, Phrase, ReportLine, Said } from '../../engine/types.js';
import { placeLoss, type LossPlace } from './loss-place.js';
import { symptomOf, type Explanation, type MatrixSide, type Split, type Symptom } from './mesh-pattern.js';

/** How many cells a finding quotes before it says "and N more". */
export const QUOTED_CELLS = 6;

/**
 * The words of the mesh rules' evidence lines, in both languages (a catalogue:
 * src/report/catalogue.ts): the cells' numbers and names are data, quoted as measured.
 */
export const MESH_QUOTES = {
  source: { en: 'mesh matrix', zh: 'mesh 矩阵' },
  sourceRound: { en: 'mesh matrix round {round}', zh: 'mesh 矩阵第 {round} 轮' },
  sourceTraces: { en: 'kfree_skb traces', zh: 'kfree_skb 跟踪' },
  // The same place as the probe evidence's `source` (evidence/mesh-probe.ts), said in the run's language.
  sourceProbe: { en: 'mesh round {round} {plane} {from} -> {to}', zh: 'mesh 第 {round} 轮 {plane} {from} -> {to}' },
  sourceProbeStage: { en: 'mesh round {round} {plane} {from} -> {to} ({stage})', zh: 'mesh 第 {round} 轮 {plane} {from} -> {to}（{stage}）' },
  sourceRuleTrace: { en: 'nft/iptables trace on {node}', zh: '{node} 上的 nft/iptables 跟踪' },
  none: { en: 'none', zh: '无' },
  value: { en: '{value}', zh: '{value}' },
  cell: { en: '{plane} {from} -> {to} ({toAddress}): {numbers}', zh: '{plane} {from} -> {to}（{toAddress}）：{numbers}' },
  sweep: { en: 'DF sweep largest passing {largest}, smallest failing {smallest} (tried up to {max})', zh: 'DF 尺寸扫描：最大通过 {largest}，最小失败 {smallest}（最大尝试 {max}）' },
  ramp: { en: 'rate ramp loss from {onset}, last clean {clean}{blackhole}, stopped by {stoppedBy}', zh: '速率爬升自 {onset} 起丢包，最后无丢包 {clean}{blackhole}，停止原因 {stoppedBy}' },
  blackhole: { en: ', blackhole', zh: '，黑洞' },
  blackholeRecovered: { en: ', blackhole (recovered after {ms} ms)', zh: '，黑洞（{ms} ms 后恢复）' },
  mbit: { en: '{rate} Mbit/s', zh: '{rate} Mbit/s' },
  udp: { en: 'UDP {received}/{sent} back', zh: 'UDP {received}/{sent} 返回' },
  udpArrived: { en: 'UDP {received}/{sent} back ({arrived} arrived at the peer)', zh: 'UDP {received}/{sent} 返回（{arrived} 到达对端）' },
  tcp: { en: 'TCP {connected}/{attempts} connected', zh: 'TCP {connected}/{attempts} 连接成功' },
  icmp: { en: 'ICMP {received}/{sent}', zh: 'ICMP {received}/{sent}' },
  icmpNotSent: { en: 'ICMP not sent', zh: 'ICMP 未发送' },
  more: { en: '... and {n} more failing cells like these', zh: '……另有 {n} 个类似的失败单元格' },
  moreIcmpPassing: { en: '... and {n} more failing cells with ICMP passing', zh: '……另有 {n} 个失败单元格（ICMP 通过）' },
  passing: { en: 'passing on the same planes: {passing} cells, e.g. {cell}', zh: '同一平面上通过的：{passing} 个单元格，例如 {cell}' },
  noFailureOn: { en: 'no {symptom} failure on {planes}', zh: '{planes} 上没有{symptom}失败' },
  'symptom.reach': { en: 'reach', zh: '连通' },
  'symptom.size': { en: 'size', zh: '大小' },
  'symptom.rate': { en: 'rate', zh: '速率' },
  placed: { en: 'loss placed at {place}: {line}', zh: '丢失位置 {place}：{line}' },
  wayBack: { en: 'the way back: {cell}', zh: '回程：{cell}' },
  unmeasured: { en: '{n} more cells of {nodes} could not be measured ({codes}), e.g. {plane} {from} -> {to}', zh: '{nodes} 另有 {n} 个单元格无法测量（{codes}），例如 {plane} {from} -> {to}' },
  traceUnderlay: { en: "neither node's kernel dropped about {lost} lost echoes beyond its baseline (both traces complete)", zh: '两个节点的内核都没有在基线之外丢弃约 {lost} 个丢失的回显（两端跟踪完整）' },
  traceDrop: { en: '{node}: {reason} at {location}: {count} in the rounds of the failing cells', zh: '{node}：{location} 处的 {reason}：失败单元格所在轮次中 {count} 次' },
  traceDropDevices: { en: '{node}: {reason} at {location}: {count} in the rounds of the failing cells, came in on {devices}', zh: '{node}：{location} 处的 {reason}：失败单元格所在轮次中 {count} 次，入口 {devices}' },
  sharedKernel: { en: "the nodes share one kernel (same boot id): the node is inferred from its own counters or its packet filter's trace, else from the direction of the lost packets", zh: '这些节点共用一个内核（boot id 相同）：节点由其自身计数器或包过滤跟踪推断，否则由丢失数据包的方向推断' },
  traceVerdict: { en: '{verdictText}: {verdict} {packets} traced packet(s)', zh: '{verdictText}：{verdict}，跟踪到 {packets} 个数据包' },
} satisfies Record<string, Localized>;

type Quote = keyof typeof MESH_QUOTES;

/** A line of the catalogue above with its data. */
export function quote(k: Quote, data?: MessageData, parts?: Said['parts']): Said {
  return { entry: MESH_QUOTES[k], ...(data ? { data } : {}), ...(parts ? { parts } : {}) };
}

/** Where a cell's numbers come from: the matrix, the round. */
export function cellSource(c: Pick<MeshCell, 'round'>): Said {
  return quote('sourceRound', { round: c.round });
}

const SOURCE = quote('source');

/** Where a cell's probe numbers come from: its round, plane and ends (the probe evidence's `source`). */
export function probeSource(c: Pick<MeshCell, 'round' | 'plane' | 'from' | 'to' | 'stage'>): Said {
  const data = { round: c.round, plane: c.plane, from: c.from, to: c.to };
  return c.stage ? quote('sourceProbeStage', { ...data, stage: c.stage }) : quote('sourceProbe', data);
}

/** One cell's numbers for one symptom: `host->host n1 -> n3 (10.0.0.3): UDP 0/5 back (0 arrived at the peer), TCP 0/3 connected, ICMP 3/3`. */
export function cellText(c: MeshCell, s: Symptom): Said {
  const cell = (numbers: Said | Said[]) => quote('cell', { plane: c.plane, from: c.from, to: c.to, toAddress: c.toAddress }, { numbers });
  const orNone = (v: number | undefined): Said => (v === undefined ? quote('none') : quote('value', { value: v }));
  if (s === 'size' && c.sweep) return cell(quote('sweep', { max: c.sweep.maxTried }, { largest: orNone(c.sweep.largestPassing), smallest: orNone(c.sweep.smallestFailing) }));
  if (s === 'rate' && c.ramp) {
    const r = c.ramp;
    const blackhole = !r.blackhole ? [] : r.recoveredAfterMs !== undefined ? quote('blackholeRecovered', { ms: r.recoveredAfterMs }) : quote('blackhole');
    return cell(quote('ramp', { stoppedBy: r.stoppedBy }, { onset: mbit(r.lossOnsetBps), clean: mbit(r.lastCleanBps), blackhole }));
  }
  const parts: Said[] = [];
  if (c.udp) parts.push(c.udp.arrivedAtPeer !== undefined ? quote('udpArrived', { received: c.udp.received, sent: c.udp.sent, arrived: c.udp.arrivedAtPeer }) : quote('udp', { received: c.udp.received, sent: c.udp.sent }));
  if (c.tcp) parts.push(quote('tcp', { connected: c.tcp.connected, attempts: c.tcp.attempts }));
  if (c.icmp) parts.push(c.icmp.skipped || c.icmp.error ? quote('icmpNotSent') : quote('icmp', { received: c.icmp.received, sent: c.icmp.sent }));
  return cell(parts);
}

/** A rate in Mbit/s, or none. */
export function mbit(bps: number | undefined): Said {
  return bps === undefined ? quote('none') : quote('mbit', { rate: (bps / 1e6).toFixed(1) });
}

/** The failing cells quoted (a few), how many more, and a line for the cells that passed. */
export function cellEvidence(e: Explanation): ReportLine[] {
  const lines: ReportLine[] = e.cells.slice(0, QUOTED_CELLS).map((c) => ({ source: cellSource(c), text: cellText(c, e.symptom) }));
  if (e.cells.length > QUOTED_CELLS) lines.push({ source: SOURCE, text: quote('more', { n: e.cells.length - QUOTED_CELLS }) });
  if (e.passing.length > 0) lines.push({ source: SOURCE, text: quote('passing', { passing: e.passing.length }, { cell: cellText(e.passing[0]!, e.symptom) }) });
  if (e.passingPlanes.length > 0) lines.push({ source: SOURCE, text: quote('noFailureOn', { planes: planesText(e.passingPlanes) }, { symptom: quote(`symptom.${e.symptom}`) }) });
  return lines;
}

/** Where the first failing cell's echo loss was placed (its counters), when it lost echoes. */
export function placeOf(e: Explanation): { place: LossPlace; evidence: ReportLine[] } | undefined {
  for (const c of e.cells) {
    const p = probeEvidenceOf(c);
    const placed = p ? placeLoss(p) : undefined;
    if (placed && placed.place !== 'delivered') return { place: placed.place, evidence: placed.evidence.map((l) => ({ source: l.source === p!.source ? probeSource(c) : l.source, text: quote('placed', { place: placed.place, line: l.text }) })) };
  }
  return undefined;
}

/** The limit of a size or rate explanation: the largest size that crossed / the rate where loss began. */
export function limitOf(e: Explanation): string {
  if (e.symptom === 'size') {
    const v = [...new Set(e.cells.map((c) => c.sweep?.largestPassing).filter((x): x is number => x !== undefined))].sort((a, b) => a - b);
    return v.length === 0 ? '?' : v.length === 1 ? `${v[0]}` : `${v[0]}-${v.at(-1)}`;
  }
  if (e.symptom === 'rate') {
    const v = e.cells.map((c) => c.ramp?.lossOnsetBps).filter((x): x is number => x !== undefined).sort((a, b) => a - b);
    // Numbers only (the messages are in two languages); a blackhole is in the quoted cells.
    const m = (bps: number | undefined) => `${((bps ?? 0) / 1e6).toFixed(1)} Mbit/s`;
    return v.length === 0 ? '?' : v.length === 1 || v[0] === v.at(-1) ? m(v[0]) : `${m(v[0])}-${m(v.at(-1))}`;
  }
  return '';
}

/** A group as printed: a subnet as itself, a label as key=value. */
export function groupName(s: Pick<Split, 'property' | 'value'>): string {
  return s.property === 'subnet' ? s.value : `${s.property.replace(/^label:/, '')}=${s.value}`;
}

export function planesText(planes: PlanePair[]): string {
  return planes.join(', ');
}

/** Data every mesh finding carries. */
export function baseData(e: Explanation): MessageData {
  return {
    planes: planesText(e.planes),
    passingPlanes: e.passingPlanes.length ? planesText(e.passingPlanes) : 'none',
    failing: e.cells.length,
    passing: e.passing.length,
    symptom: e.symptom,
    limit: limitOf(e),
  };
}

/** Whether the failure sits in the overlay only: the underlay (host->host) measured and passing. */
export function overlayOnly(e: Explanation): boolean {
  return !e.planes.includes('host->host') && e.passingPlanes.includes('host->host');
}

/** Re-export for rules: a cell's verdict on a symptom. */
export { symptomOf };

/**
 * Words inside the mesh rules' messages (phrases: the rules spread these into meta.messages, so
 * they are said in the run's language, never as English data).
 */
export const MESH_PHRASES = {
  pairsMore: { en: '{pairs} and {more} more', zh: '{pairs} 等（另有 {more} 对）' },
  noPlanes: { en: 'none', zh: '无' },
} satisfies Record<string, Localized>;

/** Node pairs as data: the first few. */
export function pairsOf(pairs: readonly string[], max = QUOTED_CELLS): { pairs: string } {
  return { pairs: pairs.slice(0, max).join(', ') };
}

/** The phrase for {pairs} when there are more than are named: how many more, in the run's language. */
export function morePairs(pairs: readonly string[], max = QUOTED_CELLS): Record<string, Phrase> {
  return pairs.length > max ? { pairs: { id: 'pairsMore', data: { pairs: pairsOf(pairs, max).pairs, more: pairs.length - max } } } : {};
}

/** The phrase for {passingPlanes} when no plane passes: `none` in the run's language. */
export function noPlanes(e: Explanation): Record<string, Phrase> {
  return e.passingPlanes.length === 0 ? { passingPlanes: { id: 'noPlanes' } } : {};
}

/** What to look at next, by where the loss was placed and which planes fail (messages the node, group and plane rules share). */
export const NEXT_STEPS = {
  nextChecksum: {
    en: 'The receiving kernel counted bad UDP checksums: run `podpath doctor` on {where} (a kernel build that mangles VXLAN checksums, an offload, a NAT rule)',
    zh: '接收端内核统计到错误的 UDP 校验和:在 {where} 上运行 `podpath doctor`(会破坏 VXLAN 校验和的内核版本、卸载功能、NAT 规则)',
  },
  nextRpFilter: {
    en: 'The reverse-path filter dropped them: run `podpath doctor` on {where} (rp_filter with an asymmetric route)',
    zh: '反向路径过滤丢弃了它们:在 {where} 上运行 `podpath doctor`(rp_filter 与非对称路由)',
  },
  nextVxlan: {
    en: 'The underlay carries them and the VXLAN path does not: on {where} check the VXLAN device, its FDB and neighbours, the VXLAN port (8472/udp) in the firewall, and checksums: `podpath doctor`',
    zh: '底层网络能通而 VXLAN 路径不通:在 {where} 上检查 VXLAN 设备、其 FDB 与邻居表、防火墙中的 VXLAN 端口(8472/udp)以及校验和:`podpath doctor`',
  },
  nextForward: {
    en: 'Only the pod plane fails: on {where} check forwarding (net.ipv4.ip_forward, the FORWARD chain policy), the bridge (cni0) and network policy: `podpath doctor`',
    zh: '只有 Pod 平面失败:在 {where} 上检查转发(net.ipv4.ip_forward、FORWARD 链策略)、网桥(cni0)和网络策略:`podpath doctor`',
  },
  nextUnderlay: {
    en: 'The underlay itself fails: on {where} check the NIC, its link, routes and the host firewall: `podpath doctor`',
    zh: '底层网络本身失败:在 {where} 上检查网卡、链路、路由和主机防火墙:`podpath doctor`',
  },
  nextSize: {
    en: 'Datagrams above {limit} bytes do not cross: on {where} compare the MTU of the NIC and the VXLAN device with the path (`tracepath`), and look for a rule dropping large packets',
    zh: '超过 {limit} 字节的数据报无法通过:在 {where} 上将网卡与 VXLAN 设备的 MTU 与路径(`tracepath`)比较,并查找丢弃大包的规则',
  },
  nextRate: {
    en: 'Traffic above {limit} is lost: on {where} look for a policer or a rate limit (tc, the NIC, the switch port)',
    zh: '超过 {limit} 的流量丢失:在 {where} 上查找限速器或速率限制(tc、网卡、交换机端口)',
  },
} as const;

export type NextStep = keyof typeof NEXT_STEPS;

/** The next step for an explanation: by the place of its loss, then by the planes that fail. */
export function nextStepOf(e: Explanation): NextStep {
  if (e.symptom === 'size') return 'nextSize';
  if (e.symptom === 'rate') return 'nextRate';
  const place = placeOf(e)?.place;
  if (place === 'receiver-kernel-checksum' || place === 'return-path-checksum') return 'nextChecksum';
  if (place === 'receiver-rp-filter' || place === 'return-path-rp-filter') return 'nextRpFilter';
  if (place === 'receiver-decap' || place === 'return-path-before-decap') return 'nextVxlan';
  // No echo placed (the peer never proved to be an agent): the counters of the failing cells still say.
  const moved = (k: 'InCsumErrors' | 'IPReversePathFilter') => e.cells.some((c) => [c.counters.from, c.counters.to, c.counters.fromNode, c.counters.toNode]
    .some((d) => (k === 'InCsumErrors' ? d?.udp[k] : d?.netstat[k]) ?? 0 > 0));
  if (place === undefined && moved('InCsumErrors')) return 'nextChecksum';
  if (place === undefined && moved('IPReversePathFilter')) return 'nextRpFilter';
  if (!overlayOnly(e)) return 'nextUnderlay';
  // The underlay is fine. When the receiving node's VXLAN device took in datagrams on every cell, the
  // tunnel delivered them and the pod side (forwarding, bridge, policy) lost them; else the VXLAN path.
  const decapsulated = e.cells.every((c) => {
    const dev = c.devices?.to.overlay;
    const rx = dev === undefined ? undefined : (c.counters.toNode ?? c.counters.to)?.interfaces[dev]?.rxPackets;
    // The round's window holds its neighbours' traffic too: any datagram in means the tunnel works.
    return rx !== undefined && rx > 0;
  });
  return decapsulated ? 'nextForward' : 'nextVxlan';
}

/** The side that fails on each plane, as phrases (`row`, `col`, `both` with their planes), one per side. */
export function sidePhrases(e: Explanation): { id: MatrixSide; data: MessageData }[] {
  const bySide = new Map<MatrixSide, PlanePair[]>();
  for (const p of e.planes) {
    const s = e.sides[p];
    if (s) bySide.set(s, [...(bySide.get(s) ?? []), p]);
  }
  return [...bySide].map(([id, planes]) => ({ id, data: { planes: planesText(planes) } }));
}

/** A line for the cells of a node that could not be measured at all (its agent unreachable...). */
export function unmeasuredEvidence(cells: MeshCell[], nodes: string[]): ReportLine[] {
  const lost = cells.filter((c) => c.error && (nodes.includes(c.from) || nodes.includes(c.to)));
  if (lost.length === 0) return [];
  const codes = [...new Set(lost.map((c) => c.error!.code))].join(', ');
  return [{ source: SOURCE, text: quote('unmeasured', { n: lost.length, nodes: nodes.join(', '), codes, plane: lost[0]!.plane, from: lost[0]!.from, to: lost[0]!.to }) }];
}
