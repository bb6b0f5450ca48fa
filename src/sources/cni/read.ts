import type { EvidenceSource, FactsPart } from '../types.js';
import { whyMissing } from '../host/types.js';
import { missingBecause } from '../../evidence/missing-reasons.js';
import { decidePlugin, parseCniConfig, parseFlannelNetConf, parseFlannelSubnetEnv, scanWorkloads } from './parse.js';

const CNI_DIR = '/etc/cni/net.d';
const SUBNET_ENV = '/run/flannel/subnet.env';
const NET_CONF = '/etc/kube-flannel/net-conf.json';
const PS = { argv: ['ps', 'auxwww'], plugin: 'process' };
const CRICTL_PS = { argv: ['crictl', 'ps', '-a'], plugin: 'crio' };
const CRICTL_IMAGES = { argv: ['crictl', 'images'], plugin: 'crio' };
const DOCKER_PS = { argv: ['docker', 'ps', '-a'], plugin: 'docker' };

export const cniSource: EvidenceSource = {
  id: 'cni',
  provides: ['cni'],
  reads: [],
  commands: [PS, CRICTL_PS, CRICTL_IMAGES, DOCKER_PS],
  files: [`${CNI_DIR}/*`, SUBNET_ENV, NET_CONF],
  async read(host): Promise<FactsPart> {
    const sources: string[] = [];
    const configs: NonNullable<FactsPart['cni']>['configs'] = [];
    for (const file of await host.listDir(CNI_DIR)) {
      if (!/\.(conflist|conf|json)$/.test(file)) continue;
      const f = await host.readFile(file);
      if (!f) continue;
      const parsed = parseCniConfig(f.text);
      if (!parsed) continue;
      sources.push(f.source);
      configs.push({ file: f.source, ...parsed });
    }
    const env = await host.readFile(SUBNET_ENV);
    const flannelSubnetEnv = env ? { ...parseFlannelSubnetEnv(env.text), source: env.source } : undefined;
    if (env) sources.push(env.source);
    const netConfFile = await host.readFile(NET_CONF);
    const netConf = netConfFile ? parseFlannelNetConf(netConfFile.text) : undefined;
    const flannelNetConf = netConf && netConfFile ? { ...netConf, source: netConfFile.source } : undefined;
    if (flannelNetConf) sources.push(flannelNetConf.source);

    const listings: string[] = [];
    for (const cmd of [PS, CRICTL_PS, CRICTL_IMAGES, DOCKER_PS]) {
      const out = await host.run(cmd);
      if (!out) continue;
      listings.push(out.stdout);
      sources.push(out.source);
    }
    const workloads = scanWorkloads(listings);
    const plugin = decidePlugin(configs.flatMap((c) => [c.type ?? '', ...c.plugins]), workloads.seen, !!env || !!flannelNetConf);
    if (configs.length === 0 && !env && !flannelNetConf && workloads.seen.size === 0) {
      return { missing: missingBecause('cni', whyMissing(host, CNI_DIR), whyMissing(host, SUBNET_ENV)) };
    }
    return {
      cni: { configs, flannelSubnetEnv, flannelNetConf, plugin, versions: workloads.versions, kubeProxyMode: workloads.kubeProxyMode, sources },
    };
  },
};
