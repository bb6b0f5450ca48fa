// Helpers for the rules that judge probe results (podpath probe / doctor --peer).
import type { ProbeEvidence } from '../../evidence/probe-evidence.js';
import type { EvidenceLine, NodeFacts } from '../../evidence/node-facts.js';
import { formatRate } from '../../util/units.js';
import { networkView } from '../../evidence/network-view.js';
import type { LossPlacement } from './loss-place.js';
import type { Localized, ReportLine, Said } from '../../engine/types.js';

/** The probe entries of a node's facts. */
export function probesOf(facts: NodeFacts): ProbeEvidence[] {
  return facts.probes ?? [];
}

export function probeLine(p: ProbeEvidence, text: string): EvidenceLine {
  return { source: p.source, text };
}

/** The words of the probe rules' evidence lines, in both languages (a catalogue: src/report/catalogue.ts). */
export const PROBE_QUOTES = {
  echo: { en: 'UDP echo {from} -> {to} ({label}): {received}/{sent} came back', zh: 'UDP 回显 {from} -> {to}（{label}）：返回 {received}/{sent}' },
  echoArrived: { en: 'UDP echo {from} -> {to} ({label}): {received}/{sent} came back, arrivedAtPeer {arrived}', zh: 'UDP 回显 {from} -> {to}（{label}）：返回 {received}/{sent}，arrivedAtPeer {arrived}' },
  sweep: { en: 'size sweep {from} -> {to} ({label}): {fields}', zh: '尺寸扫描 {from} -> {to}（{label}）：{fields}' },
  underlayMtu: { en: 'underlay MTU {mtu}', zh: '底层网络 MTU {mtu}' },
  ramp: { en: 'rate ramp {from} -> {to}: {fields}{notRecovered}', zh: '速率爬升 {from} -> {to}：{fields}{notRecovered}' },
  notRecovered: { en: ' (not recovered)', zh: '（未恢复）' },
  // vxlan-nat-checksum's probe evidence: the overlay echo that passed, the service traffic that failed.
  echoOverlay: { en: 'UDP echo this node -> {target} (overlay): {received}/{sent} came back', zh: 'UDP 回显 本节点 -> {target}（overlay）：返回 {received}/{sent}' },
  dnsError: { en: 'DNS {transport} {server} {name}: {error}', zh: 'DNS {transport} {server} {name}：{error}' },
  dnsRcode: { en: 'DNS {transport} {server} {name}: rcode {rcode}', zh: 'DNS {transport} {server} {name}：rcode {rcode}' },
  tcpHandshakes: { en: 'TCP {target}: {connected}/{attempts} handshakes completed', zh: 'TCP {target}：{connected}/{attempts} 次握手完成' },
  csumRise: { en: '{peer}: Udp InCsumErrors +{rise} while probing', zh: '{peer}：探测期间 Udp InCsumErrors +{rise}' },
} satisfies Record<string, Localized>;

/**
 * The counted numbers of a probe's UDP echo, as one evidence line: numbers and the evidence's own
 * field names (`arrivedAtPeer`) in the words of the run's language.
 */
export function echoLine(p: ProbeEvidence): ReportLine[] {
  if (!p.echo) return [];
  const data = { from: p.from, to: p.to, label: p.label, received: p.echo.received, sent: p.echo.sent };
  const text: Said = p.echo.arrivedAtPeer !== undefined ? { entry: PROBE_QUOTES.echoArrived, data: { ...data, arrived: p.echo.arrivedAtPeer } } : { entry: PROBE_QUOTES.echo, data };
  return [{ source: p.source, text }];
}

/**
 * A probe's size sweep as one evidence line, in the evidence's own field names (the same in every
 * language): `size sweep A -> B (overlay): largestPassing 972, smallestFailing 973, maxTried 9000`.
 */
export function sweepLine(p: ProbeEvidence, to: string = p.to): ReportLine {
  const s = p.sweep;
  const fields = s === undefined ? [] : [
    ...(s.largestPassing !== undefined ? [`largestPassing ${s.largestPassing}`] : []),
    ...(s.smallestFailing !== undefined ? [`smallestFailing ${s.smallestFailing}`] : []),
    `maxTried ${s.maxTried}`,
  ];
  return { source: p.source, text: { entry: PROBE_QUOTES.sweep, data: { from: p.from, to, label: p.label, fields: fields.join(', ') } } };
}

/** The echo evidence of a placed loss: the counted numbers, then the counter lines that place it. */
export function echoLines(p: ProbeEvidence, placed: LossPlacement): ReportLine[] {
  return [...echoLine(p), ...placed.evidence];
}

export const rate = formatRate;

/** The underlay MTU of this node: the MTU of the NIC the network view says the overlay runs over. */
export function underlayMtu(facts: NodeFacts): number | undefined {
  return networkView(facts).underlay?.link.mtu;
}
