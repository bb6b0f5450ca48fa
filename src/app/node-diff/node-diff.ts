// The node diff (`podpath diff A B`; not the capture diff of `podpath pcap diff`): a pure function of
// two NodeFacts (A healthy, B broken) -> differences ranked by how much they can matter for cross-node
// traffic. Noise (timestamps, counters, MACs, ifindexes, each node's own addresses and pod subnet) is
// left out by construction: only configuration is compared, except in each node's view of the other
// (peers), where MACs and addresses are the point.
import type { EvidenceKey, NodeFacts } from '../../evidence/node-facts.js';
import { nodeContext } from './context.js';
import { compareCni } from './sections/cni.js';
import { compareInterfaces } from './sections/interfaces.js';
import { comparePacketFilter } from './sections/packet-filter.js';
import { comparePeers } from './sections/peers.js';
import { compareRoutes } from './sections/routes.js';
import { compareSysctls } from './sections/sysctls.js';
import { compareSystem } from './sections/system.js';
import { NodeDiffSink } from './sink.js';
import { CATEGORIES, RELEVANCE_ORDER, type Difference, type NodeDiff } from '../../evidence/node-diff.js';

/** Sections the diff reads; counters (snmp, netstat, netdev, conntrack) are deliberately absent. */
export const COMPARED_SECTIONS: EvidenceKey[] = [
  'kernel', 'kernelPackages', 'boot', 'os', 'modules', 'links', 'nics', 'routes', 'routeGets', 'neighbours', 'fdb', 'sysctls', 'packetFilter', 'networkManager', 'cni',
];

export function rankDifferences(diffs: Difference[]): Difference[] {
  return [...diffs].sort(
    (x, y) =>
      RELEVANCE_ORDER.indexOf(x.relevance) - RELEVANCE_ORDER.indexOf(y.relevance) ||
      CATEGORIES.indexOf(x.category) - CATEGORIES.indexOf(y.category) ||
      x.key.localeCompare(y.key),
  );
}

export function nodeDiff(a: NodeFacts, b: NodeFacts): NodeDiff {
  const ca = nodeContext(a);
  const cb = nodeContext(b);
  const sink = new NodeDiffSink();
  compareSystem(sink, ca, cb);
  compareInterfaces(sink, ca, cb);
  comparePeers(sink, ca, cb);
  compareSysctls(sink, ca, cb);
  compareRoutes(sink, ca, cb);
  comparePacketFilter(sink, ca, cb);
  compareCni(sink, ca, cb);
  const notCompared: NodeDiff['notCompared'] = [];
  for (const section of COMPARED_SECTIONS) {
    const missingOn = (['a', 'b'] as const).filter((side) => (side === 'a' ? a : b)[section] === undefined);
    if (missingOn.length > 0) notCompared.push({ section, missingOn: [...missingOn] });
  }
  const differences = rankDifferences(sink.items);
  return { differences, notCompared, relevantCount: differences.filter((d) => d.relevance !== 'low').length };
}
