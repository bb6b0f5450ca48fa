// CNI (plugin, versions, flannel config, CNI config files, kube-proxy mode) and NetworkManager.
import { worded } from '../../../evidence/node-diff-notes.js';
import { type NodeContext } from '../context.js';
import type { NodeDiffSink } from '../sink.js';

const CNI_DEVICE = /^(flannel|cni\d|cbr\d|cali|vxlan[.-]|tunl|veth|wireguard\.cali|vxlan-v6)/;

export function compareCni(sink: NodeDiffSink, a: NodeContext, b: NodeContext): void {
  const ca = a.facts.cni;
  const cb = b.facts.cni;
  if (ca && cb) {
    sink.value('cni', 'cni.plugin', ca.plugin, cb.plugin, 'high');
    sink.value('cni', 'cni.kube-proxy-mode', ca.kubeProxyMode, cb.kubeProxyMode, 'high');
    for (const name of new Set([...Object.keys(ca.versions), ...Object.keys(cb.versions)])) {
      sink.value('cni', `cni.version.${name}`, ca.versions[name], cb.versions[name], 'medium', { note: { code: 'cniVersions' } });
    }
    const ea = ca.flannelSubnetEnv;
    const eb = cb.flannelSubnetEnv;
    if (ea && eb) {
      sink.value('cni', 'flannel.subnet-env.network', ea.network, eb.network, 'high', { evA: [{ source: ea.source, text: `FLANNEL_NETWORK=${ea.network ?? ''}` }], evB: [{ source: eb.source, text: `FLANNEL_NETWORK=${eb.network ?? ''}` }] });
      sink.value('cni', 'flannel.subnet-env.mtu', ea.mtu, eb.mtu, 'high', { evA: [{ source: ea.source, text: `FLANNEL_MTU=${ea.mtu ?? ''}` }], evB: [{ source: eb.source, text: `FLANNEL_MTU=${eb.mtu ?? ''}` }] });
      sink.value('cni', 'flannel.subnet-env.ipmasq', ea.ipmasq, eb.ipmasq, 'medium');
      const prefix = (s: string | undefined) => s?.split('/')[1];
      sink.value('cni', 'flannel.subnet-env.subnet-length', prefix(ea.subnet), prefix(eb.subnet), 'medium');
    }
    const na = ca.flannelNetConf;
    const nb = cb.flannelNetConf;
    if (na && nb) {
      sink.value('cni', 'flannel.net-conf.backend', na.backendType, nb.backendType, 'high');
      sink.value('cni', 'flannel.net-conf.port', na.port, nb.port, 'high');
      sink.value('cni', 'flannel.net-conf.network', na.network, nb.network, 'high');
    }
    const confs = (c: typeof ca) => new Map(c.configs.map((f) => [f.file.replace(/^.*\//, ''), f]));
    const fa = confs(ca);
    const fb = confs(cb);
    for (const file of new Set([...fa.keys(), ...fb.keys()])) {
      const x = fa.get(file);
      const y = fb.get(file);
      if (!x || !y) {
        sink.value('cni', `cni.config.${file}`, x ? worded('present') : undefined, y ? worded('present') : undefined, 'high', { note: { code: 'cniConfigFile' } });
        continue;
      }
      sink.value('cni', `cni.config.${file}.type`, x.type, y.type, 'high');
      sink.value('cni', `cni.config.${file}.plugins`, x.plugins.join(','), y.plugins.join(','), 'medium');
      sink.value('cni', `cni.config.${file}.mtu`, x.mtu, y.mtu, 'high');
    }
  }

  const ma = a.facts.networkManager;
  const mb = b.facts.networkManager;
  if (ma && mb) {
    sink.value('network-manager', 'nm.running', ma.running, mb.running, 'medium');
    const managed = (nm: typeof ma) => nm.devices.filter((d) => CNI_DEVICE.test(d.device) && d.state !== 'unmanaged').map((d) => `${d.device.replace(/^(veth|cali)\w+$/, '$1*')}: ${d.state}`);
    sink.sets('network-manager', 'nm.managed-cni-devices', managed(ma), managed(mb), 'high', { note: { code: 'nmManagesCni' }, sourceA: ma.sources[0], sourceB: mb.sources[0] });
    sink.sets('network-manager', 'nm.unmanaged-specs', ma.unmanagedSpecs.map((s) => s.spec), mb.unmanagedSpecs.map((s) => s.spec), 'medium');
  }
}
