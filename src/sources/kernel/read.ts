import type { EvidenceSource } from '../types.js';
import { whyMissing } from '../host/types.js';
import { commandLine } from '../host/sos-names.js';
import { parseUname } from './parse.js';

const UNAME = { argv: ['uname', '-a'], plugin: 'kernel' };

export const kernelSource: EvidenceSource = {
  id: 'kernel',
  provides: ['kernel'],
  commands: [UNAME],
  files: [],
  async read(host) {
    const out = await host.run(UNAME);
    if (!out) return { missing: [{ evidence: 'kernel', reason: whyMissing(host, commandLine(UNAME.argv)) }] };
    const parsed = parseUname(out.stdout);
    if (!parsed) return { missing: [{ evidence: 'kernel', reason: `${out.source}: not uname -a output` }] };
    return { kernel: { source: out.source, ...parsed } };
  },
};
