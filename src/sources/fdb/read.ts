// fdb: the forwarding entries of the VXLAN devices (`MAC dev flannel.1 dst PEER self permanent`),
// which say where each peer VTEP's MAC is sent. Bridge and multicast entries are left out.
import type { CommandSpec, EvidenceSource, FactsPart } from '../types.js';
import type { z } from 'zod';
import type { FdbEntry, Link } from '../../evidence/node-facts.js';
import { printedNothing, whyMissing } from '../host/types.js';
import { missingBecause } from '../../evidence/missing-reasons.js';
import { commandLine } from '../host/sos-names.js';
import { parseBridgeFdb } from './parse.js';
import { isVxlanLink } from '../../evidence/network-view.js';

const BRIDGE_FDB: CommandSpec = { argv: ['bridge', 'fdb', 'show'], plugin: 'networking' };
/** What sosreport >= 4.x runs instead; the same lines with `used`/`updated` timers added. */
const BRIDGE_FDB_SOS: CommandSpec = { argv: ['bridge', '-s', '-s', '-d', '-t', 'fdb', 'show'], plugin: 'networking' };

/** VXLAN entries: on a VXLAN device of the links (network view), or (links unknown) any entry with a remote `dst`. */
export function vxlanEntries(entries: z.infer<typeof FdbEntry>[], links: Link[] | undefined): z.infer<typeof FdbEntry>[] {
  const vxlanDevs = links ? new Set(links.filter(isVxlanLink).map((l) => l.name)) : undefined;
  return entries.filter((e) => (vxlanDevs ? vxlanDevs.has(e.dev) : e.dst !== undefined));
}

export const fdbSource: EvidenceSource = {
  id: 'fdb',
  provides: ['fdb'],
  reads: ['links'],
  commands: [BRIDGE_FDB, BRIDGE_FDB_SOS],
  files: [],
  async read(host, facts): Promise<FactsPart> {
    const out = (await host.run(BRIDGE_FDB)) ?? (await host.run(BRIDGE_FDB_SOS));
    if (!out) {
      const line = commandLine(BRIDGE_FDB.argv);
      // No entries at all is an answer (and a finding for a VXLAN node), not missing evidence.
      if (printedNothing(host, line)) return { fdb: { items: [], source: line } };
      return { missing: missingBecause('fdb', whyMissing(host, line)) };
    }
    return { fdb: { items: vxlanEntries(parseBridgeFdb(out.stdout), facts.links?.items), source: out.source } };
  },
};
