import type { EvidenceSource, FactsPart } from '../types.js';
import { whyMissing } from '../host/types.js';
import { commandLine } from '../host/sos-names.js';
import { missingBecause } from '../../evidence/missing-reasons.js';
import { parseIsActive, parseNmcliDevices, parseUnmanagedDevices, processListHas } from './parse.js';
import { pushAll } from '../../util/arrays.js';

const IS_ACTIVE = { argv: ['systemctl', 'is-active', 'NetworkManager'], plugin: 'networkmanager' };
const NMCLI_TERSE = { argv: ['nmcli', '-t', 'device'], plugin: 'networkmanager' };
/** What a sosreport has: the table form. */
const NMCLI_TABLE = { argv: ['nmcli', 'dev'], plugin: 'networkmanager' };
const PS = { argv: ['ps', 'auxwww'], plugin: 'process' };
const MAIN_CONF = '/etc/NetworkManager/NetworkManager.conf';
/** conf.d directories in NetworkManager's order: /usr/lib first, /run, then /etc overrides. */
const CONF_DIRS = ['/usr/lib/NetworkManager/conf.d', '/run/NetworkManager/conf.d', '/etc/NetworkManager/conf.d'];
const NM_PROCESS = 'NetworkManager';

export const networkManagerSource: EvidenceSource = {
  id: 'network-manager',
  provides: ['networkManager'],
  reads: [],
  commands: [IS_ACTIVE, NMCLI_TERSE, PS],
  files: [MAIN_CONF, ...CONF_DIRS.map((d) => `${d}/*.conf`)],
  async read(host): Promise<FactsPart> {
    const sources: string[] = [];
    let running: boolean | undefined;
    const active = await host.run(IS_ACTIVE);
    if (active) {
      running = parseIsActive(active.stdout);
      if (running !== undefined) sources.push(active.source);
    }
    if (running === undefined) {
      const ps = await host.run(PS);
      if (ps) {
        running = processListHas(ps.stdout, NM_PROCESS);
        sources.push(ps.source);
      }
    }
    const nmcli = (await host.run(NMCLI_TERSE)) ?? (await host.run(NMCLI_TABLE));
    const devices = nmcli ? parseNmcliDevices(nmcli.stdout) : [];
    if (nmcli) sources.push(nmcli.source);

    const unmanagedSpecs: { spec: string; source: string }[] = [];
    const confFiles = [MAIN_CONF];
    for (const dir of CONF_DIRS) pushAll(confFiles, (await host.listDir(dir)).filter((p) => p.endsWith('.conf')));
    for (const file of confFiles) {
      const f = await host.readFile(file);
      if (!f) continue;
      sources.push(f.source);
      for (const spec of parseUnmanagedDevices(f.text)) unmanagedSpecs.push({ spec, source: f.source });
    }
    if (sources.length === 0) {
      return { missing: missingBecause('networkManager', whyMissing(host, commandLine(IS_ACTIVE.argv)), whyMissing(host, MAIN_CONF)) };
    }
    return { networkManager: { running, devices, unmanagedSpecs, sources } };
  },
};
