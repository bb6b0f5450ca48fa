// What the packet-filter facts mean beyond their text, for every reader (rules, the node diff).
import type { NodeFacts } from './node-facts.js';

export type NftTable = NonNullable<NonNullable<NodeFacts['packetFilter']>['nft']>[number];

/** iptables-nft writes its tables into nft too; they are judged (and compared) from iptables-save, not twice. */
export function isIptablesCompatTable(t: NftTable): boolean {
  return (t.family === 'ip' || t.family === 'ip6') && ['filter', 'nat', 'mangle', 'raw', 'security'].includes(t.name) && t.chains.some((c) => /^[A-Z]+$/.test(c.name));
}
