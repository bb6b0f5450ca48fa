// ethtool: offload features, driver and counters of every physical NIC and every VXLAN device, the
// devices whose offloads break overlays (LRO on a forwarding NIC, tx checksum offload on flannel.1/vxlan.calico).
import type { CommandSpec, EvidenceSource, FactsPart } from '../types.js';
import type { Link, Nic } from '../../evidence/node-facts.js';
import { whyMissing } from '../host/types.js';
import { commandLine } from '../host/sos-names.js';
import { parseEthtoolDriver, parseEthtoolFeatures, parseEthtoolStats } from './parse.js';
import { because, missingBecause, type MissingRef } from '../../evidence/missing-reasons.js';
import { pushAll } from '../../util/arrays.js';

export const ethtoolFeaturesCommand = (dev: string): CommandSpec => ({ argv: ['ethtool', '-k', dev], plugin: 'networking' });
export const ethtoolDriverCommand = (dev: string): CommandSpec => ({ argv: ['ethtool', '-i', dev], plugin: 'networking' });
export const ethtoolStatsCommand = (dev: string): CommandSpec => ({ argv: ['ethtool', '-S', dev], plugin: 'networking' });

/** Link kinds whose offloads matter: plain NICs (real hardware, a VM's virtio/vmxnet3), what is stacked on them, and VXLAN. */
const ETHTOOL_KINDS = new Set(['device', 'bond', 'team', 'vlan', 'vxlan']);

export function ethtoolDevices(links: Link[]): string[] {
  return links.filter((l) => ETHTOOL_KINDS.has(l.kind)).map((l) => l.name);
}

export const ethtoolSource: EvidenceSource = {
  id: 'ethtool',
  provides: ['nics'],
  reads: ['links'],
  commands: [],
  files: [],
  async read(host, facts): Promise<FactsPart> {
    const links = facts.links?.items;
    if (!links) return { missing: missingBecause('nics', because('noLinksForNics')) };
    const nics: Nic[] = [];
    const missing: MissingRef[] = [];
    for (const dev of ethtoolDevices(links)) {
      const k = await host.run(ethtoolFeaturesCommand(dev));
      const i = await host.run(ethtoolDriverCommand(dev));
      const features = k ? parseEthtoolFeatures(k.stdout) : {};
      const driver = i ? parseEthtoolDriver(i.stdout) : {};
      // The reason names the device: it is in the command line.
      const noFeatures = () => (k ? because('noOffloadFeatures', { device: dev }) : whyMissing(host, commandLine(ethtoolFeaturesCommand(dev).argv)));
      if (Object.keys(features).length === 0 && !driver.driver) {
        pushAll(missing, missingBecause('nics.partial', noFeatures()));
        continue;
      }
      if (Object.keys(features).length === 0) pushAll(missing, missingBecause('nics.partial', noFeatures()));
      // The driver's counters, when it has any (a VXLAN device has none): optional, never missing.
      const s = await host.run(ethtoolStatsCommand(dev));
      const stats = s ? parseEthtoolStats(s.stdout) : {};
      const withStats = Object.keys(stats).length > 0;
      nics.push({ name: dev, ...driver, features, ...(withStats ? { stats } : {}), sources: [k?.source, i?.source, withStats ? s?.source : undefined].filter((x): x is string => x !== undefined) });
    }
    const part: FactsPart = {};
    if (nics.length > 0) part.nics = nics;
    else pushAll(missing, missing.length > 0 ? missing.map((m) => ({ ...m, evidence: 'nics' })) : missingBecause('nics', because('noNicsAmongLinks')));
    if (missing.length > 0) part.missing = missing;
    return part;
  },
};
