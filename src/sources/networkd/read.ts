// networkd: whether systemd-networkd manages the CNI's links (`networkctl`), and the unit files
// that decide it (.network: DHCP and route clean-up on matched links; .link: the MAC policy that
// rewrote flannel.1's MAC after flannel published it).
import { because, missingBecause } from '../../evidence/missing-reasons.js';
import type { CommandSpec, EvidenceSource, FactsPart } from '../types.js';
import { whyMissing } from '../host/types.js';
import { parseNetworkctlList, parseNetworkctlStatus, parseUnitFile } from './parse.js';

const LIST: CommandSpec = { argv: ['networkctl', 'list'], plugin: 'networking' };
const STATUS: CommandSpec = { argv: ['networkctl', 'status', '--all'], plugin: 'networking' };
/** In systemd's order of precedence: /etc overrides /run overrides /usr/lib (and /lib). */
const DIRS = ['/etc/systemd/network', '/run/systemd/network', '/usr/lib/systemd/network', '/lib/systemd/network'];
const KINDS: Record<string, 'network' | 'link' | 'netdev'> = { network: 'network', link: 'link', netdev: 'netdev' };

export const networkdSource: EvidenceSource = {
  id: 'networkd',
  provides: ['networkd'],
  reads: [],
  commands: [LIST, STATUS],
  files: DIRS.flatMap((d) => [`${d}/*.network`, `${d}/*.link`]),
  async read(host): Promise<FactsPart> {
    const sources: string[] = [];
    const links: NonNullable<FactsPart['networkd']>['links'] = [];
    for (const cmd of [LIST, STATUS]) {
      const out = await host.run(cmd);
      if (!out) continue;
      const parsed = cmd === LIST ? parseNetworkctlList(out.stdout) : parseNetworkctlStatus(out.stdout);
      if (parsed.length === 0) continue;
      sources.push(out.source);
      for (const { line: _line, ...l } of parsed) links.push({ ...l, source: out.source });
    }
    const files: NonNullable<FactsPart['networkd']>['files'] = [];
    const seen = new Set<string>();
    for (const dir of DIRS) {
      for (const path of await host.listDir(dir)) {
        const ext = /\.(network|link|netdev)$/.exec(path)?.[1];
        const name = path.slice(path.lastIndexOf('/') + 1);
        // A file of the same name earlier in the search path masks this one.
        if (!ext || seen.has(name)) continue;
        seen.add(name);
        const f = await host.readFile(path);
        if (!f) continue;
        sources.push(f.source);
        files.push({ path, kind: KINDS[ext]!, sections: parseUnitFile(f.text), source: f.source });
      }
    }
    if (sources.length === 0) {
      return { missing: missingBecause('networkd', because('noNetworkdState'), whyMissing(host, 'networkctl list')) };
    }
    return { networkd: { links, files, sources } };
  },
};
