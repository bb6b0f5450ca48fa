// What the checksum rules share: the bad-sum groups of a layer and cause, who sent them (and which
// other senders of the layer were fine: "one sender's datagrams arrive with bad sums" is seed
// 000's statement), the ports, an example value, the counter a receiver counts them in, and the
// phrases that say so in both languages.
import type { Phrase } from '../../engine/types.js';
import type { EvidenceLine } from '../../evidence/node-facts.js';
import type { BadGroup, CaptureSummary, Cause, LayerSenders } from '../../evidence/capture-summary.js';
import { capped, ipField, LAYER_PHRASES, listed, sumValue } from './capture.js';

/** Phrases of every checksum message: the layer, the ports, who sent the sums. */
export const CHECKSUM_PHRASES = {
  ...LAYER_PHRASES,
  toPort: { en: ' to port {port}', zh: '发往端口 {port} 的' },
  toPorts: { en: ' to ports {ports}', zh: '发往端口 {ports} 的' },
  senderOne: { en: 'seen from sender {src} only', zh: '只来自发送方 {src}' },
  senderMany: { en: 'from {count} senders: {list}', zh: '来自 {count} 个发送方：{list}' },
  cleanOne: { en: ' (1 other sender fine: {list})', zh: '（另有 1 个发送方正常：{list}）' },
  cleanMany: { en: ' ({count} other senders fine: {list})', zh: '（另有 {count} 个发送方正常：{list}）' },
};

/** The groups of one layer and cause, answered or not. */
export function groupsOf(sum: CaptureSummary, layer: string, cause: Cause, answered = false): BadGroup[] {
  return sum.checksums.badGroups.filter((g) => g.layer === layer && g.cause === cause && (g.answered === true) === answered);
}

export function countOf(groups: readonly BadGroup[]): number {
  return groups.reduce((n, g) => n + g.count, 0);
}

/** All bad sums are offload or LCO artefacts (answered ones included), and none is seed 004's 0xffff. */
export function onlyArtefacts(sum: CaptureSummary): boolean {
  const total = sum.checksums.layers.reduce((n, l) => n + l.bad, 0);
  const artefacts = sum.checksums.layers.reduce((n, l) => n + l.badByCause.offload + l.badByCause.lco, 0);
  return total > 0 && sum.checksums.tunnelFfff.count === 0 && artefacts === total;
}

export function portsOf(groups: readonly BadGroup[]): number[] {
  return [...new Set(groups.map((g) => g.dstPort).filter((p): p is number => p !== undefined))];
}

/** ` to port 8472`, ` to ports 53, 8472`, or nothing (the IPv4 header has no port). */
export function portsPhrase(groups: readonly BadGroup[]): Phrase[] {
  const ports = portsOf(groups);
  if (ports.length === 0) return [];
  return ports.length === 1 ? [{ id: 'toPort', data: { port: ports[0]! } }] : [{ id: 'toPorts', data: { ports: listed(ports, 4) } }];
}

/**
 * Who sent the groups' sums (the busiest first), and which other senders of the layer had only
 * healthy sums (the busiest three of them, and how many).
 */
export function senderPhrases(groups: readonly BadGroup[], senders: LayerSenders | undefined): { who: Phrase; clean: Phrase[] } {
  const bySrc = new Map<string, number>();
  for (const g of groups) bySrc.set(g.src, (bySrc.get(g.src) ?? 0) + g.count);
  const list = [...bySrc].sort((a, b) => b[1] - a[1]);
  const tallies = senders?.tallies ?? [];
  const healthy = (t: { ok: number; bad: number }) => t.bad === 0 && t.ok > 0;
  const clean = tallies.filter((t) => healthy(t) && !bySrc.has(t.src)).sort((x, y) => y.ok - x.ok).map((t) => t.src);
  const cleanCount = (senders?.healthy ?? 0) - tallies.filter((t) => healthy(t) && bySrc.has(t.src)).length;
  const cleanPhrase: Phrase[] = cleanCount <= 0 ? [] : [cleanCount === 1 ? { id: 'cleanOne', data: { list: listed(clean, 3) } } : { id: 'cleanMany', data: { count: cleanCount, list: listed(clean, 3) } }];
  const who: Phrase = list.length === 1
    ? { id: 'senderOne', data: { src: list[0]![0] } }
    : { id: 'senderMany', data: { count: list.length, list: listed(list.map(([s, n]) => `${s} (${n})`), 4) } };
  return { who, clean: cleanPhrase };
}

export function sendersOf(sum: CaptureSummary, layer: string): LayerSenders | undefined {
  return sum.checksums.senders.find((s) => s.layer === layer);
}

/** Where a receiving Linux kernel counts the packets it drops for such a sum. */
export function counterFor(layer: string): string {
  if (layer.endsWith('-udp')) return '/proc/net/snmp Udp: InCsumErrors';
  if (layer.endsWith('-tcp')) return '/proc/net/snmp Tcp: InCsumErrors';
  if (layer.endsWith('-ipv4')) return '/proc/net/snmp Ip: InHdrErrors';
  if (layer.endsWith('-icmpv6')) return '/proc/net/snmp6 Icmp6InCsumErrors';
  return '/proc/net/snmp Icmp: InCsumErrors';
}

/** A field filter for when the frame list is too long to spell out (needs checksum checks on). */
export function fieldFilter(layer: string, groups: readonly BadGroup[]): string | undefined {
  const [scope, proto] = layer.split('-', 2);
  if (scope !== 'outer' || !proto) return undefined;
  const field = proto === 'ipv4' ? 'ip' : proto;
  const srcs = [...new Set(groups.map((g) => g.src))];
  const src = srcs.length === 1 ? ` && ${ipField(srcs[0]!)}.src == ${srcs[0]}` : '';
  return `${field}.checksum.status == "Bad"${src}`;
}

/** One line per group (at most five): layer, cause, count, who to whom, an example. */
export function groupLines(file: string, groups: readonly BadGroup[]): EvidenceLine[] {
  return capped(groups, 5, file, (g) => `${g.layer} ${g.cause}${g.answered ? ' (answered)' : ''}: ${g.count} from ${g.src} to ${g.dst}${g.dstPort !== undefined ? ` port ${g.dstPort}` : ''}; e.g. frame ${g.example.frame}: ${sumValue(g.example.got, g.example.expected)}`);
}

/** The layers in the summary's order that have groups of this cause (answered or not). */
export function layersWith(sum: CaptureSummary, cause: Cause, answered = false): string[] {
  return sum.checksums.layers.map((l) => l.layer).filter((layer) => groupsOf(sum, layer, cause, answered).length > 0);
}
