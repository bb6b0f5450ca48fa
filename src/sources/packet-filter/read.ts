// packet-filter: the iptables ruleset (`iptables-save`: KUBE-POSTROUTING's pre-fix and fixed forms,
// FORWARD policy DROP) and the nftables ruleset (iptables-nft rules appear there too).
import type { CommandOutput, CommandSpec, EvidenceSource, FactsPart, HostReader } from '../types.js';
import { printedNothing, whyMissing } from '../host/types.js';
import { missingBecause, type MissingRef } from '../../evidence/missing-reasons.js';
import { commandLine } from '../host/sos-names.js';
import { parseIptablesSave, parseNftRuleset } from './parse.js';
import { parseIptablesListing } from './listing.js';
import { pushAll } from '../../util/arrays.js';

const IPTABLES_SAVE: CommandSpec = { argv: ['iptables-save'], plugin: 'firewall_tables' };
const NFT_RULESET: CommandSpec = { argv: ['nft', 'list', 'ruleset'], plugin: 'firewall_tables' };
/** Older sosreports (sos <= 4.0) keep both under the networking plugin. */
const IPTABLES_SAVE_NET: CommandSpec = { argv: ['iptables-save'], plugin: 'networking' };
const NFT_RULESET_NET: CommandSpec = { argv: ['nft', 'list', 'ruleset'], plugin: 'networking' };

const LISTED_TABLES = ['filter', 'nat', 'mangle', 'raw'];
const listingCommands = (table: string): CommandSpec[] => {
  const specs = ['firewall_tables', 'networking'].map((plugin) => ({ argv: ['iptables', '-t', table, '-nvL'], plugin }));
  return table === 'filter' ? [...specs, { argv: ['iptables', '-vnxL'], plugin: 'firewall_tables' }] : specs;
};

/**
 * A sosreport without iptables-save: the per-table listings it holds instead, rewritten into
 * iptables-save form. Undefined when there are none.
 */
async function readListings(host: HostReader): Promise<{ tables: Record<string, ReturnType<typeof parseIptablesListing>>; sources: string[] } | undefined> {
  const tables: Record<string, ReturnType<typeof parseIptablesListing>> = {};
  const sources: string[] = [];
  for (const table of LISTED_TABLES) {
    for (const cmd of listingCommands(table)) {
      const out = await host.run(cmd);
      if (!out) continue;
      tables[table] = parseIptablesListing(out.stdout);
      sources.push(out.source);
      break;
    }
  }
  return sources.length > 0 ? { tables, sources } : undefined;
}

/** A command whose empty output is an answer (no rules at all), told apart from one that failed. */
async function runAllowingEmpty(host: HostReader, cmd: CommandSpec, bundleAlternative: CommandSpec): Promise<CommandOutput | undefined> {
  const out = (await host.run(cmd)) ?? (host.kind === 'bundle' ? await host.run(bundleAlternative) : undefined);
  if (out) return out;
  const line = commandLine(cmd.argv);
  return printedNothing(host, line) ? { stdout: '', source: line } : undefined;
}

export const packetFilterSource: EvidenceSource = {
  id: 'packet-filter',
  provides: ['packetFilter'],
  reads: [],
  commands: [IPTABLES_SAVE, NFT_RULESET],
  // (IPTABLES_SAVE_NET and NFT_RULESET_NET are only looked for in bundles, never collected.)
  files: [],
  async read(host): Promise<FactsPart> {
    const sources: string[] = [];
    const missing: MissingRef[] = [];
    const part: FactsPart = {};
    const ipt = await runAllowingEmpty(host, IPTABLES_SAVE, IPTABLES_SAVE_NET);
    if (ipt) {
      // An empty output is a real answer: no iptables rules at all.
      part.packetFilter = { iptables: parseIptablesSave(ipt.stdout), sources };
      sources.push(ipt.source);
    } else {
      const listed = host.kind === 'bundle' ? await readListings(host) : undefined;
      if (listed) {
        part.packetFilter = { iptables: listed.tables, sources };
        pushAll(sources, listed.sources);
      } else {
        pushAll(missing, missingBecause('packetFilter.iptables', whyMissing(host, commandLine(IPTABLES_SAVE.argv))));
      }
    }
    const nft = await runAllowingEmpty(host, NFT_RULESET, NFT_RULESET_NET);
    if (nft) {
      part.packetFilter = { ...part.packetFilter, nft: parseNftRuleset(nft.stdout), sources };
      sources.push(nft.source);
    } else {
      pushAll(missing, missingBecause('packetFilter.nft', whyMissing(host, commandLine(NFT_RULESET.argv))));
    }
    // Neither: the section is absent, and says so under its own name.
    if (!part.packetFilter) pushAll(missing, missing.map((m) => ({ ...m, evidence: 'packetFilter' })));
    if (missing.length > 0) part.missing = missing;
    return part;
  },
};
