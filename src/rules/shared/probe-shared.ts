// Helpers for the rules that judge probe results (podpath probe / doctor --peer).
import type { ProbeEvidence } from '../../evidence/probe-evidence.js';
import type { EvidenceLine, NodeFacts } from '../../evidence/node-facts.js';
import { formatRate } from '../../util/units.js';
import { networkView } from '../../evidence/network-view.js';
import type { LossPlacement } from './loss-place.js';

/** The probe entries of a node's facts. */
export function probesOf(facts: NodeFacts): ProbeEvidence[] {
  return facts.probes ?? [];
}

export function probeLine(p: ProbeEvidence, text: string): EvidenceLine {
  return { source: p.source, text };
}

/**
 * The counted numbers of a probe's UDP echo, as one evidence line: numbers and the evidence's own
 * field names (`arrivedAtPeer`), said alike in every language, as counter lines are.
 */
export function echoLine(p: ProbeEvidence): EvidenceLine[] {
  if (!p.echo) return [];
  return [probeLine(p, `UDP echo ${p.from} -> ${p.to} (${p.label}): ${p.echo.received}/${p.echo.sent} came back${p.echo.arrivedAtPeer !== undefined ? `, arrivedAtPeer ${p.echo.arrivedAtPeer}` : ''}`)];
}

/**
 * A probe's size sweep as one evidence line, in the evidence's own field names (the same in every
 * language): `size sweep A -> B (overlay): largestPassing 972, smallestFailing 973, maxTried 9000`.
 */
export function sweepLine(p: ProbeEvidence, to: string = p.to): EvidenceLine {
  const s = p.sweep;
  const fields = s === undefined ? [] : [
    ...(s.largestPassing !== undefined ? [`largestPassing ${s.largestPassing}`] : []),
    ...(s.smallestFailing !== undefined ? [`smallestFailing ${s.smallestFailing}`] : []),
    `maxTried ${s.maxTried}`,
  ];
  return probeLine(p, `size sweep ${p.from} -> ${to} (${p.label}): ${fields.join(', ')}`);
}

/** The echo evidence of a placed loss: the counted numbers, then the counter lines that place it. */
export function echoLines(p: ProbeEvidence, placed: LossPlacement): EvidenceLine[] {
  return [...echoLine(p), ...placed.evidence];
}

export const rate = formatRate;

/** The underlay MTU of this node: the MTU of the NIC the network view says the overlay runs over. */
export function underlayMtu(facts: NodeFacts): number | undefined {
  return networkView(facts).underlay?.link.mtu;
}
