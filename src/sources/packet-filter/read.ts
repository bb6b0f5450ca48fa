// packet-filter: the iptables ruleset (`iptables-save`: KUBE-POSTROUTING's pre-fix and fixed forms,
// FORWARD policy DROP) and the nftables ruleset (iptables-nft rules appear there too).
import type { CommandSpec, EvidenceSource, FactsPart } from '../types.js';
import { parseIptablesSave, parseNftRuleset } from './parse.js';

const IPTABLES_SAVE: CommandSpec = { argv: ['iptables-save'], plugin: 'firewall_tables' };
const NFT_RULESET: CommandSpec = { argv: ['nft', 'list', 'ruleset'], plugin: 'firewall_tables' };

export const packetFilterSource: EvidenceSource = {
  id: 'packet-filter',
  provides: ['packetFilter'],
  commands: [IPTABLES_SAVE, NFT_RULESET],
  files: [],
  async read(host): Promise<FactsPart> {
    const sources: string[] = [];
    const missing: { evidence: string; reason: string }[] = [];
    const part: FactsPart = {};
    const ipt = await host.run(IPTABLES_SAVE);
    if (ipt) {
      // An empty output is a real answer: no iptables rules at all.
      part.packetFilter = { iptables: parseIptablesSave(ipt.stdout), sources };
      sources.push(ipt.source);
    } else {
      missing.push({ evidence: 'packetFilter', reason: '`iptables-save` not available' });
    }
    const nft = await host.run(NFT_RULESET);
    if (nft) {
      part.packetFilter = { ...part.packetFilter, nft: parseNftRuleset(nft.stdout), sources };
      sources.push(nft.source);
    } else {
      missing.push({ evidence: 'packetFilter', reason: '`nft list ruleset` not available' });
    }
    if (missing.length > 0) part.missing = missing;
    return part;
  },
};
