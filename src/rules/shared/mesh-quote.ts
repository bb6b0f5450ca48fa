// A mesh explanation in the words and numbers the mesh rules print: the cells that prove it with
// their counts (bounded: a few cells, then how many more), the limit it stops at, the group names.
// Numbers only, no verdict; each rule's messages say what they mean.
import type { EvidenceLine } from '../../evidence/node-facts.js';
import type { MeshCell, PlanePair } from '../../evidence/mesh-matrix.js';
import { probeEvidenceOf } from '../../evidence/mesh-probe.js';
import type { MessageData } from '../../engine/types.js';
import { placeLoss, type LossPlace } from './loss-place.js';
import { symptomOf, type Explanation, type MatrixSide, type Split, type Symptom } from './mesh-pattern.js';

/** How many cells a finding quotes before it says "and N more". */
export const QUOTED_CELLS = 6;

const SOURCE = 'mesh matrix';

/** One cell's numbers for one symptom: `host->host n1 -> n3: UDP 0/5 back (0 arrived), TCP 0/3, ICMP 3/3`. */
export function cellText(c: MeshCell, s: Symptom): string {
  const head = `${c.plane} ${c.from} -> ${c.to} (${c.toAddress})`;
  if (s === 'size' && c.sweep) return `${head}: DF sweep largest passing ${c.sweep.largestPassing ?? 'none'}, smallest failing ${c.sweep.smallestFailing ?? 'none'} (tried up to ${c.sweep.maxTried})`;
  if (s === 'rate' && c.ramp) {
    const r = c.ramp;
    return `${head}: rate ramp loss from ${mbit(r.lossOnsetBps)}, last clean ${mbit(r.lastCleanBps)}${r.blackhole ? `, blackhole${r.recoveredAfterMs !== undefined ? ` (recovered after ${r.recoveredAfterMs} ms)` : ''}` : ''}, stopped by ${r.stoppedBy}`;
  }
  const parts: string[] = [];
  if (c.udp) parts.push(`UDP ${c.udp.received}/${c.udp.sent} back${c.udp.arrivedAtPeer !== undefined ? ` (${c.udp.arrivedAtPeer} arrived at the peer)` : ''}`);
  if (c.tcp) parts.push(`TCP ${c.tcp.connected}/${c.tcp.attempts} connected`);
  if (c.icmp) parts.push(c.icmp.skipped || c.icmp.error ? 'ICMP not sent' : `ICMP ${c.icmp.received}/${c.icmp.sent}`);
  return `${head}: ${parts.join(', ')}`;
}

export function mbit(bps: number | undefined): string {
  return bps === undefined ? 'none' : `${(bps / 1e6).toFixed(1)} Mbit/s`;
}

/** The failing cells quoted (a few), how many more, and a line for the cells that passed. */
export function cellEvidence(e: Explanation): EvidenceLine[] {
  const lines: EvidenceLine[] = e.cells.slice(0, QUOTED_CELLS).map((c) => ({ source: `${SOURCE} round ${c.round}`, text: cellText(c, e.symptom) }));
  if (e.cells.length > QUOTED_CELLS) lines.push({ source: SOURCE, text: `... and ${e.cells.length - QUOTED_CELLS} more failing cells like these` });
  if (e.passing.length > 0) lines.push({ source: SOURCE, text: `passing on the same planes: ${e.passing.length} cells, e.g. ${cellText(e.passing[0]!, e.symptom)}` });
  if (e.passingPlanes.length > 0) lines.push({ source: SOURCE, text: `no ${e.symptom} failure on ${e.passingPlanes.join(', ')}` });
  return lines;
}

/** Where the first failing cell's echo loss was placed (its counters), when it lost echoes. */
export function placeOf(e: Explanation): { place: LossPlace; evidence: EvidenceLine[] } | undefined {
  for (const c of e.cells) {
    const p = probeEvidenceOf(c);
    const placed = p ? placeLoss(p) : undefined;
    if (placed && placed.place !== 'delivered') return { place: placed.place, evidence: placed.evidence.map((l) => ({ source: l.source, text: `loss placed at ${placed.place}: ${l.text}` })) };
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
    return v.length === 0 ? '?' : v.length === 1 || v[0] === v.at(-1) ? mbit(v[0]) : `${mbit(v[0])}-${mbit(v.at(-1))}`;
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
export function unmeasuredEvidence(cells: MeshCell[], nodes: string[]): EvidenceLine[] {
  const lost = cells.filter((c) => c.error && (nodes.includes(c.from) || nodes.includes(c.to)));
  if (lost.length === 0) return [];
  const codes = [...new Set(lost.map((c) => c.error!.code))].join(', ');
  return [{ source: SOURCE, text: `${lost.length} more cells of ${nodes.join(', ')} could not be measured (${codes}), e.g. ${lost[0]!.plane} ${lost[0]!.from} -> ${lost[0]!.to}` }];
}
