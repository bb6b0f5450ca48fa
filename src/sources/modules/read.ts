import type { EvidenceSource, FactsPart } from '../types.js';
import { whyMissing } from '../host/types.js';
import { commandLine } from '../host/sos-names.js';
import { because, missingBecause } from '../../evidence/missing-reasons.js';
import { parseLsmod, parseProcModules } from './parse.js';

const PROC_MODULES = '/proc/modules';
const LSMOD = { argv: ['lsmod'], plugin: 'kernel' };

export const modulesSource: EvidenceSource = {
  id: 'modules',
  provides: ['modules'],
  reads: [],
  commands: [LSMOD],
  files: [PROC_MODULES],
  async read(host): Promise<FactsPart> {
    const f = await host.readFile(PROC_MODULES);
    if (f) return { modules: { loaded: parseProcModules(f.text), source: f.source } };
    const lsmod = await host.run(LSMOD);
    if (lsmod) return { modules: { loaded: parseLsmod(lsmod.stdout), source: lsmod.source } };
    // A kernel built without module support has no /proc/modules: everything is built in.
    return { missing: missingBecause('modules', whyMissing(host, PROC_MODULES), because('maybeNoModules'), whyMissing(host, commandLine(LSMOD.argv))) };
  },
};
