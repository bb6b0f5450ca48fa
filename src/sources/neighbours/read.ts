// neighbours: `ip -s -s neigh show` (the sosreport command): flannel's permanent entries for each
// peer's VTEP, and the states of the underlay neighbours.
import type { CommandSpec, EvidenceSource, FactsPart } from '../types.js';
import { printedNothing, whyMissing } from '../host/types.js';
import { missingBecause } from '../../evidence/missing-reasons.js';
import { commandLine } from '../host/sos-names.js';
import { parseIpNeigh } from './parse.js';

const IP_NEIGH: CommandSpec = { argv: ['ip', '-s', '-s', 'neigh', 'show'], plugin: 'networking' };

export const neighboursSource: EvidenceSource = {
  id: 'neighbours',
  provides: ['neighbours'],
  reads: [],
  commands: [IP_NEIGH],
  files: [],
  async read(host): Promise<FactsPart> {
    const line = commandLine(IP_NEIGH.argv);
    const out = await host.run(IP_NEIGH);
    if (out) return { neighbours: { items: parseIpNeigh(out.stdout), source: out.source } };
    // An empty table is a real answer (a node that has talked to nobody), not missing evidence.
    if (printedNothing(host, line)) return { neighbours: { items: [], source: line } };
    return { missing: missingBecause('neighbours', whyMissing(host, line)) };
  },
};
