// Reading and quoting links the same way everywhere (rules, the node diff): a link's IPv4 addresses,
// a link by name, and the one-line form evidence lines show.
import type { Link, NodeFacts } from './node-facts.js';

/** IPv4 addresses of a link. */
export function inetAddresses(l: Link): { address: string; prefixLen: number }[] {
  return l.addresses.filter((a) => a.family === 'inet');
}

export function linkByName(facts: Pick<NodeFacts, 'links'>, name: string | undefined): Link | undefined {
  if (name === undefined) return undefined;
  return facts.links?.items.find((l) => l.name === name);
}

/** `4: flannel.1: kind vxlan mtu 1450 vxlan id 1 dstport 8472 local 10.0.0.1 dev eth0`: a link as evidence. */
export function describeLink(l: Link): string {
  return `${l.index !== undefined ? `${l.index}: ` : ''}${l.name}: kind ${l.kind} mtu ${l.mtu}${l.master ? ` master ${l.master}` : ''}${l.vxlan ? ` vxlan id ${l.vxlan.id}${l.vxlan.port !== undefined ? ` dstport ${l.vxlan.port}` : ''}${l.vxlan.local ? ` local ${l.vxlan.local}` : ''}${l.vxlan.dev ? ` dev ${l.vxlan.dev}` : ''}` : ''}`;
}
