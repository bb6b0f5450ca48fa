import type { EvidenceSource } from '../types.js';
import { whyMissing } from '../host/types.js';
import { missingBecause } from '../../evidence/missing-reasons.js';
import { parseOsRelease } from './parse.js';

const FILES = ['/etc/os-release', '/usr/lib/os-release'];

export const osSource: EvidenceSource = {
  id: 'os',
  provides: ['os'],
  reads: [],
  commands: [],
  files: FILES,
  async read(host) {
    for (const file of FILES) {
      const f = await host.readFile(file);
      if (!f) continue;
      const parsed = parseOsRelease(f.text);
      if (parsed) return { os: { source: f.source, ...parsed } };
    }
    return { missing: missingBecause('os', whyMissing(host, FILES[0]!)) };
  },
};
