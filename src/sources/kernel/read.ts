import type { EvidenceSource } from '../types.js';
import { whyMissing } from '../host/types.js';
import { because, missingBecause } from '../../evidence/missing-reasons.js';
import { commandLine } from '../host/sos-names.js';
import { parseUname } from './parse.js';

const UNAME = { argv: ['uname', '-a'], plugin: 'kernel' };

export const kernelSource: EvidenceSource = {
  id: 'kernel',
  provides: ['kernel'],
  reads: [],
  commands: [UNAME],
  files: [],
  async read(host) {
    const out = await host.run(UNAME);
    if (!out) return { missing: missingBecause('kernel', whyMissing(host, commandLine(UNAME.argv))) };
    const parsed = parseUname(out.stdout);
    if (!parsed) return { missing: missingBecause('kernel', because('unparsable', { source: out.source, format: 'uname -a' })) };
    return { kernel: { source: out.source, ...parsed } };
  },
};
