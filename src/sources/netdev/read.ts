// netdev: per-interface counters from /proc/net/dev (RX 0 on flannel.1 was seed 000's first clue).
import type { EvidenceSource, FactsPart } from '../types.js';
import { whyMissing } from '../host/types.js';
import { because, missingBecause } from '../../evidence/missing-reasons.js';
import { parseProcNetDev } from './parse.js';

const PROC_NET_DEV = '/proc/net/dev';

export const netdevSource: EvidenceSource = {
  id: 'netdev',
  provides: ['netdev'],
  reads: [],
  commands: [],
  files: [PROC_NET_DEV],
  async read(host): Promise<FactsPart> {
    const f = await host.readFile(PROC_NET_DEV);
    const interfaces = f ? parseProcNetDev(f.text) : {};
    if (!f || Object.keys(interfaces).length === 0) return { missing: missingBecause('netdev', f ? because('noCounters', { source: f.source }) : whyMissing(host, PROC_NET_DEV)) };
    return { netdev: { interfaces, source: f.source } };
  },
};
