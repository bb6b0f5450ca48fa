// firewalld: is it running, and which zone holds which interface. Its own rules show up in the
// packet filter (FORWARD_IN_ZONES, filter_FWD_public chains) and its REJECT log prefixes in the
// kernel log; this says what firewalld itself reports.
import { missingBecause } from '../../evidence/missing-reasons.js';
import type { CommandSpec, EvidenceSource, FactsPart } from '../types.js';
import { whyMissing } from '../host/types.js';
import { parseIsActive } from '../network-manager/parse.js';
import { parseZones } from './parse.js';

const STATE: CommandSpec = { argv: ['firewall-cmd', '--state'], plugin: 'firewalld' };
const IS_ACTIVE: CommandSpec = { argv: ['systemctl', 'is-active', 'firewalld'], plugin: 'firewalld' };
const ZONES: CommandSpec = { argv: ['firewall-cmd', '--list-all-zones'], plugin: 'firewalld' };

export const firewalldSource: EvidenceSource = {
  id: 'firewalld',
  provides: ['firewalld'],
  reads: [],
  commands: [STATE, IS_ACTIVE, ZONES],
  files: [],
  async read(host): Promise<FactsPart> {
    const sources: string[] = [];
    let running: boolean | undefined;
    const state = await host.run(STATE);
    if (state) {
      const word = state.stdout.trim();
      running = /^(?:running|active)$/.test(word) ? true : /not running|inactive/.test(word) ? false : undefined;
      if (running !== undefined) sources.push(state.source);
    }
    if (running === undefined) {
      const active = await host.run(IS_ACTIVE);
      if (active) {
        running = parseIsActive(active.stdout);
        if (running !== undefined) sources.push(active.source);
      }
    }
    const zonesOut = running === false ? undefined : await host.run(ZONES);
    const zones = zonesOut ? parseZones(zonesOut.stdout).map((z) => ({ ...z, source: zonesOut.source })) : [];
    if (zonesOut && zones.length > 0) sources.push(zonesOut.source);
    if (sources.length === 0) return { missing: missingBecause('firewalld', whyMissing(host, 'firewall-cmd --state')) };
    return { firewalld: { running, zones, changes: [], sources } };
  },
};
