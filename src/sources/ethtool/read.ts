// ethtool: offload features and driver of every physical NIC and every VXLAN device, the devices
// whose offloads break overlays (LRO on a forwarding NIC, tx checksum offload on flannel.1/vxlan.calico).
import type { CommandSpec, EvidenceSource, FactsPart } from '../types.js';
import type { Link, Nic } from '../../evidence/node-facts.js';
import { whyMissing } from '../host/types.js';
import { commandLine } from '../host/sos-names.js';
import { parseEthtoolDriver, parseEthtoolFeatures } from './parse.js';

export const ethtoolFeaturesCommand = (dev: string): CommandSpec => ({ argv: ['ethtool', '-k', dev], plugin: 'networking' });
export const ethtoolDriverCommand = (dev: string): CommandSpec => ({ argv: ['ethtool', '-i', dev], plugin: 'networking' });

/** Link kinds whose offloads matter: plain NICs (real hardware, a VM's virtio/vmxnet3), what is stacked on them, and VXLAN. */
const ETHTOOL_KINDS = new Set(['device', 'bond', 'team', 'vlan', 'vxlan']);

export function ethtoolDevices(links: Link[]): string[] {
  return links.filter((l) => ETHTOOL_KINDS.has(l.kind)).map((l) => l.name);
}

export const ethtoolSource: EvidenceSource = {
  id: 'ethtool',
  provides: ['nics'],
  commands: [],
  files: [],
  async read(host, facts): Promise<FactsPart> {
    const links = facts.links?.items;
    if (!links) return { missing: [{ evidence: 'nics', reason: 'no links known: cannot tell which NICs to ask ethtool about' }] };
    const nics: Nic[] = [];
    const missing: { evidence: string; reason: string }[] = [];
    for (const dev of ethtoolDevices(links)) {
      const k = await host.run(ethtoolFeaturesCommand(dev));
      const i = await host.run(ethtoolDriverCommand(dev));
      const features = k ? parseEthtoolFeatures(k.stdout) : {};
      const driver = i ? parseEthtoolDriver(i.stdout) : {};
      if (Object.keys(features).length === 0 && !driver.driver) {
        missing.push({ evidence: 'nics.partial', reason: `${dev}: ${whyMissing(host, commandLine(ethtoolFeaturesCommand(dev).argv))}` });
        continue;
      }
      if (Object.keys(features).length === 0) missing.push({ evidence: 'nics.partial', reason: `${dev} has no offload features: ${whyMissing(host, commandLine(ethtoolFeaturesCommand(dev).argv))}` });
      nics.push({ name: dev, ...driver, features, sources: [k?.source, i?.source].filter((s): s is string => s !== undefined) });
    }
    const part: FactsPart = {};
    if (nics.length > 0) part.nics = nics;
    else missing.push({ evidence: 'nics', reason: missing.length > 0 ? missing.map((m) => m.reason).join('; ') : 'no physical NIC or VXLAN device among the links' });
    if (missing.length > 0) part.missing = missing;
    return part;
  },
};
