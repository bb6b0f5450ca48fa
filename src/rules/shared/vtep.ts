// A VXLAN device's MAC against what the other nodes use for it: a permanent neighbour entry (ip
// neigh, arp -na) for this node's own VTEP address must come from another node, and flannel's
// published VtepMAC is what peers program. Either holding another MAC means peers send to a MAC
// this device no longer has.
import type { EvidenceLine, NodeFacts } from '../../evidence/node-facts.js';
import { isCniVxlanName as isOverlayName } from '../../evidence/network-view.js';

export interface VtepMismatch {
  dev: string;
  address?: string;
  deviceMac: string;
  otherMac: string;
  /** The device line and the line holding the other MAC. */
  evidence: EvidenceLine[];
  how: 'neighbour' | 'annotation';
}

export function vtepMismatches(facts: NodeFacts): VtepMismatch[] {
  const out: VtepMismatch[] = [];
  const vxlans = (facts.links?.items ?? []).filter((l) => (l.kind === 'vxlan' || isOverlayName(l.name)) && l.mac);
  for (const dev of vxlans) {
    const own = dev.addresses.filter((a) => a.family === 'inet').map((a) => a.address);
    const devLine = { source: dev.source, text: `${dev.name}: link/ether ${dev.mac}${own.length > 0 ? ` inet ${own.join(', ')}` : ''}` };
    // Another node's entry for this node's own VTEP address (a node has no neighbour entry for itself).
    for (const n of facts.neighbours?.items ?? []) {
      if (!own.includes(n.address) || !n.lladdr || n.lladdr === dev.mac) continue;
      out.push({ dev: dev.name, address: n.address, deviceMac: dev.mac!, otherMac: n.lladdr, how: 'neighbour', evidence: [devLine, { source: facts.neighbours!.source, text: n.line }] });
    }
    // The published VtepMAC: when a peer's entry holds that same MAC, or all annotations shown are of one named node.
    const published = (facts.overlayPeers?.items ?? []).filter((p) => p.how === 'annotation' && p.vtepMac);
    const names = new Set(published.map((p) => p.node));
    const oneNamedNode = names.size === 1 && !names.has(undefined);
    const stale = published.find((p) => p.vtepMac !== dev.mac && (out.some((m) => m.dev === dev.name && m.otherMac === p.vtepMac) || oneNamedNode));
    if (stale && !out.some((m) => m.dev === dev.name && m.how === 'neighbour')) {
      out.push({ dev: dev.name, deviceMac: dev.mac!, otherMac: stale.vtepMac!, how: 'annotation', evidence: [devLine, { source: stale.source, text: stale.line }] });
    } else if (stale) {
      out.find((m) => m.dev === dev.name)?.evidence.push({ source: stale.source, text: stale.line });
    }
  }
  return out;
}
