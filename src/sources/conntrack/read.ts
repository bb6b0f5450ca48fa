// conntrack: table fill (count/max: `nf_conntrack: table full`) and the per-CPU statistics whose
// insert_failed/drop counters reveal the DNS insert race, from `conntrack -S` or /proc.
import type { CommandSpec, EvidenceSource, FactsPart } from '../types.js';
import { parseConntrackStats, parseIntFile, parseProcConntrackStat } from './parse.js';
import { pushAll } from '../../util/arrays.js';
import { because, missingBecause, type MissingRef } from '../../evidence/missing-reasons.js';
import { whyMissing } from '../host/types.js';

const CONNTRACK_S: CommandSpec = { argv: ['conntrack', '-S'], plugin: 'conntrack' };
const COUNT = '/proc/sys/net/netfilter/nf_conntrack_count';
const MAX = '/proc/sys/net/netfilter/nf_conntrack_max';
const STAT = '/proc/net/stat/nf_conntrack';

export const conntrackSource: EvidenceSource = {
  id: 'conntrack',
  provides: ['conntrack'],
  reads: ['sysctls'],
  commands: [CONNTRACK_S],
  files: [COUNT, MAX, STAT],
  async read(host, facts): Promise<FactsPart> {
    const sources: string[] = [];
    const missing: MissingRef[] = [];
    const countFile = await host.readFile(COUNT);
    const maxFile = await host.readFile(MAX);
    let count = countFile ? parseIntFile(countFile.text) : undefined;
    let max = maxFile ? parseIntFile(maxFile.text) : undefined;
    if (count !== undefined && countFile) sources.push(countFile.source);
    if (max !== undefined && maxFile) sources.push(maxFile.source);
    // A sosreport has no /proc/sys copy, but the sysctl source read `sysctl -a`, which has both.
    const sysctl = facts.sysctls;
    if (sysctl && (count === undefined || max === undefined)) {
      const c = parseIntFile(sysctl.values['net.netfilter.nf_conntrack_count'] ?? '');
      const m = parseIntFile(sysctl.values['net.netfilter.nf_conntrack_max'] ?? '');
      if (count === undefined && c !== undefined) count = c;
      if (max === undefined && m !== undefined) max = m;
      if (c !== undefined || m !== undefined) pushAll(sources, sysctl.sources);
    }

    let stats: Record<string, number> = {};
    const cmd = await host.run(CONNTRACK_S);
    if (cmd) {
      stats = parseConntrackStats(cmd.stdout);
      if (Object.keys(stats).length > 0) sources.push(cmd.source);
    }
    if (Object.keys(stats).length === 0) {
      // conntrack-tools is often not installed; the kernel's own table has the same counters.
      const stat = await host.readFile(STAT);
      if (stat) {
        const parsed = parseProcConntrackStat(stat.text);
        stats = parsed.stats;
        count ??= parsed.entries;
        if (Object.keys(stats).length > 0) sources.push(stat.source);
      }
    }
    if (sources.length === 0) {
      return { missing: missingBecause('conntrack', because('conntrackAbsent')) };
    }
    if (Object.keys(stats).length === 0) pushAll(missing, missingBecause('conntrack.stats', because('noConntrackStats')));
    if (max === undefined) pushAll(missing, missingBecause('conntrack.max', whyMissing(host, MAX)));
    const part: FactsPart = { conntrack: { stats, sources: [...new Set(sources)], ...(count !== undefined ? { count } : {}), ...(max !== undefined ? { max } : {}) } };
    if (missing.length > 0) part.missing = missing;
    return part;
  },
};
