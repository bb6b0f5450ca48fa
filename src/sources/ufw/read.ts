// ufw: whether it is active and its defaults. `deny (routed)` is the FORWARD policy DROP that stops
// pod traffic between nodes; ufw users read ufw's words, not the iptables chains it writes.
import { missingBecause } from '../../evidence/missing-reasons.js';
import type { CommandSpec, EvidenceSource, FactsPart } from '../types.js';
import { whyMissing } from '../host/types.js';
import { parseUfwDefaults, parseUfwStatus } from './parse.js';

const STATUS: CommandSpec = { argv: ['ufw', 'status', 'verbose'], plugin: 'ufw' };
const DEFAULTS = '/etc/default/ufw';

export const ufwSource: EvidenceSource = {
  id: 'ufw',
  provides: ['ufw'],
  reads: [],
  commands: [STATUS],
  files: [DEFAULTS],
  async read(host): Promise<FactsPart> {
    const out = await host.run(STATUS);
    const status = out ? parseUfwStatus(out.stdout) : undefined;
    if (!out || status?.active === undefined) return { missing: missingBecause('ufw', whyMissing(host, 'ufw status verbose')) };
    const defaults = { ...status.defaults };
    let line = status.line;
    if (defaults.routed === undefined) {
      const f = await host.readFile(DEFAULTS);
      const d = f ? parseUfwDefaults(f.text) : {};
      if (d.routed) {
        defaults.routed = d.routed;
        line ??= d.line;
      }
    }
    return { ufw: { active: status.active, defaults, ...(line ? { line } : {}), source: out.source } };
  },
};
