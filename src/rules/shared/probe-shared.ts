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

/** The counted numbers of a probe's UDP echo, as one evidence line. */
export function echoLine(p: ProbeEvidence): EvidenceLine[] {
  if (!p.echo) return [];
  return [probeLine(p, `UDP echo ${p.from} -> ${p.to} (${p.label}): ${p.echo.received}/${p.echo.sent} came back${p.echo.arrivedAtPeer !== undefined ? `, ${p.echo.arrivedAtPeer} counted by the receiver` : ''}`)];
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
