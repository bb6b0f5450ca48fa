// iptables-backends: iptables 1.8 writes either nf_tables or legacy tables, and kube-proxy, the CNI
// and the host's own tools may each use another one: then FORWARD DROP in one backend and the
// accept rules in the other, or KUBE-* rules written twice. This reads which backends hold rules.
import { missingBecause } from '../../evidence/missing-reasons.js';
import type { CommandSpec, EvidenceSource, FactsPart } from '../types.js';
import { whyMissing } from '../host/types.js';
import { parseIptablesSave } from '../packet-filter/parse.js';
import { parseIptablesListing } from '../packet-filter/listing.js';
import { legacyTablesWarning, parseIptablesVersions, parseSaveHeader } from './parse.js';

const VERSION: CommandSpec = { argv: ['iptables', '--version'], plugin: 'firewall_tables' };
const SAVE: CommandSpec = { argv: ['iptables-save'], plugin: 'firewall_tables' };
const LEGACY_SAVE: CommandSpec = { argv: ['iptables-legacy-save'], plugin: 'firewall_tables' };
const LEGACY_LIST = (table: string): CommandSpec => ({ argv: ['iptables-legacy', '-t', table, '-nvL'], plugin: 'firewall_tables' });

export const iptablesBackendsSource: EvidenceSource = {
  id: 'iptables-backends',
  provides: ['iptablesBackends'],
  reads: [],
  commands: [VERSION, LEGACY_SAVE],
  files: [],
  async read(host): Promise<FactsPart> {
    const sources: string[] = [];
    const part: NonNullable<FactsPart['iptablesBackends']> = { versions: [], sources };
    const version = await host.run(VERSION);
    if (version) {
      part.versions = parseIptablesVersions(version.stdout).map((v) => ({ ...v, source: version.source }));
      if (part.versions.length > 0) sources.push(version.source);
    }
    const save = await host.run(SAVE);
    if (save) {
      const header = parseSaveHeader(save.stdout);
      if (header) part.saveHeader = { ...header, source: save.source };
      const warning = legacyTablesWarning(save.stdout);
      if (warning) part.legacyWarning = { line: warning, source: save.source };
      if (header || warning) sources.push(save.source);
    }
    const legacySave = await host.run(LEGACY_SAVE);
    const legacy = legacySave ? parseIptablesSave(legacySave.stdout) : undefined;
    if (legacySave && legacy && Object.keys(legacy).length > 0) {
      part.legacy = legacy;
      part.legacySource = legacySave.source;
      sources.push(legacySave.source);
    } else if (host.kind === 'bundle') {
      // A listing of the legacy backend (never run live: `iptables-legacy -L` loads the legacy modules).
      const listed = await host.run(LEGACY_LIST('filter'));
      if (listed) {
        part.legacy = { filter: parseIptablesListing(listed.stdout) };
        part.legacySource = listed.source;
        sources.push(listed.source);
      }
    }
    if (sources.length === 0) return { missing: missingBecause('iptablesBackends', whyMissing(host, 'iptables --version')) };
    return { iptablesBackends: part };
  },
};
