// netstat: kernel counters by nstat name (IPReversePathFilter drops, SYN retransmits, ...) from
// `nstat -zas`, or from /proc/net/netstat where nstat is missing.
import type { CommandSpec, EvidenceSource, FactsPart } from '../types.js';
import { whyMissing } from '../host/types.js';
import { commandLine } from '../host/sos-names.js';
import { missingBecause } from '../../evidence/missing-reasons.js';
import { parseNstat, parseProcNetstatAsNstat } from './parse.js';

const NSTAT: CommandSpec = { argv: ['nstat', '-zas'], plugin: 'networking' };
const PROC_NET_NETSTAT = '/proc/net/netstat';

export const netstatSource: EvidenceSource = {
  id: 'netstat',
  provides: ['netstat'],
  reads: [],
  commands: [NSTAT],
  files: [PROC_NET_NETSTAT],
  async read(host): Promise<FactsPart> {
    const out = await host.run(NSTAT);
    if (out) {
      const counters = parseNstat(out.stdout);
      if (Object.keys(counters).length > 0) return { netstat: { counters, source: out.source } };
    }
    const f = await host.readFile(PROC_NET_NETSTAT);
    if (f) {
      const counters = parseProcNetstatAsNstat(f.text);
      if (Object.keys(counters).length > 0) return { netstat: { counters, source: f.source } };
    }
    return { missing: missingBecause('netstat', whyMissing(host, commandLine(NSTAT.argv)), whyMissing(host, PROC_NET_NETSTAT)) };
  },
};
