// The cluster-wide configuration objects: flannel's net-conf, Calico's IPPools and
// FelixConfiguration, kube-proxy's mode, the cluster DNS Service and where it runs. Pure.
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import type { ClusterFacts } from '../../evidence/cluster-facts.js';
import { DnsFacts, FelixFacts, FlannelNetConf, IPPoolFacts, KubeProxyFacts } from '../../evidence/cluster-facts.js';
import { arr, get, isRecord, num, refOf, str, type KubeObject } from './objects.js';
import { issue } from '../../evidence/cluster-texts.js';

type NetConf = z.infer<typeof FlannelNetConf>;

/** ConfigMap kube-flannel-cfg (namespace kube-flannel now, kube-system before), key net-conf.json. */
export function parseFlannelNetConf(cm: KubeObject): NetConf | undefined {
  const text = str(get(cm.raw, 'data', 'net-conf.json'));
  if (text === undefined) return undefined;
  const from = refOf(cm, 'data["net-conf.json"]');
  let j: unknown;
  try {
    j = JSON.parse(text);
  } catch {
    return { from, problem: issue('netConfNotJson') };
  }
  if (!isRecord(j)) return { from, problem: issue('netConfNotObject') };
  const out: NetConf = { from };
  const network = str(j.Network);
  if (network) out.network = network;
  const v6 = str(j.IPv6Network);
  if (v6) out.ipv6Network = v6;
  const backend = j.Backend;
  if (isRecord(backend)) {
    const t = str(backend.Type);
    if (t) out.backendType = t;
    const port = num(backend.Port);
    if (port !== undefined && Number.isInteger(port)) out.port = port;
    const vni = num(backend.VNI);
    if (vni !== undefined && Number.isInteger(vni)) out.vni = vni;
    const mtu = num(backend.MTU);
    if (mtu !== undefined && Number.isInteger(mtu)) out.mtu = mtu;
    if (typeof backend.DirectRouting === 'boolean') out.directRouting = backend.DirectRouting;
  }
  return out;
}

export function isFlannelConfigMap(o: KubeObject): boolean {
  return o.kind === 'ConfigMap' && (o.metadata.name === 'kube-flannel-cfg' || get(o.raw, 'data', 'net-conf.json') !== undefined);
}

export function parseIPPool(o: KubeObject): z.infer<typeof IPPoolFacts> {
  const spec = get(o.raw, 'spec');
  const mode = (k: string) => str(get(spec, k)) ?? 'unset';
  const out: z.infer<typeof IPPoolFacts> = {
    from: refOf(o, 'spec'),
    apiVersion: o.apiVersion ?? 'unknown',
    name: o.metadata.name,
    vxlanMode: mode('vxlanMode'),
    ipipMode: mode('ipipMode'),
  };
  const cidr = str(get(spec, 'cidr'));
  if (cidr) out.cidr = cidr;
  if (typeof get(spec, 'natOutgoing') === 'boolean') out.natOutgoing = get(spec, 'natOutgoing') as boolean;
  if (typeof get(spec, 'disabled') === 'boolean') out.disabled = get(spec, 'disabled') as boolean;
  const bs = num(get(spec, 'blockSize'));
  if (bs !== undefined && Number.isInteger(bs)) out.blockSize = bs;
  const sel = str(get(spec, 'nodeSelector'));
  if (sel) out.nodeSelector = sel;
  return out;
}

export function parseFelix(o: KubeObject): z.infer<typeof FelixFacts> {
  const spec = get(o.raw, 'spec');
  const out: z.infer<typeof FelixFacts> = { from: refOf(o, 'spec'), apiVersion: o.apiVersion ?? 'unknown', name: o.metadata.name };
  for (const k of ['vxlanPort', 'vxlanVNI', 'vxlanMTU'] as const) {
    const v = num(get(spec, k));
    if (v !== undefined && Number.isInteger(v)) out[k] = v;
  }
  if (typeof get(spec, 'vxlanEnabled') === 'boolean') out.vxlanEnabled = get(spec, 'vxlanEnabled') as boolean;
  const fdo = str(get(spec, 'featureDetectOverride'));
  if (fdo !== undefined) {
    // "ChecksumOffloadBroken=true,SNATFullyRandom=false"
    const map: Record<string, string> = {};
    for (const part of fdo.split(',')) {
      const [k, ...v] = part.split('=');
      if (k && k.trim()) map[k.trim()] = v.join('=').trim();
    }
    out.featureDetectOverride = map;
  }
  return out;
}

/** ConfigMap kube-proxy, key config.conf (KubeProxyConfiguration as YAML). */
export function parseKubeProxy(cm: KubeObject): z.infer<typeof KubeProxyFacts> | undefined {
  const text = str(get(cm.raw, 'data', 'config.conf'));
  if (text === undefined) return undefined;
  let conf: unknown;
  try {
    conf = parseYaml(text, { maxAliasCount: 10 });
  } catch {
    return undefined;
  }
  const written = str(get(conf, 'mode')) ?? '';
  // kube-proxy's own rule: an empty mode is iptables on Linux (kubernetes#70096).
  return { mode: { value: written === '' ? 'iptables' : written, from: refOf(cm, 'data["config.conf"].mode') }, modeAsWritten: written };
}

/** The cluster DNS Service: by label k8s-app=kube-dns (kubeadm names it kube-dns, kubespray coredns). */
export function parseDns(services: KubeObject[], endpoints: KubeObject[], slices: KubeObject[]): z.infer<typeof DnsFacts> | undefined {
  const svc = services.find((s) => s.metadata.labels['k8s-app'] === 'kube-dns') ?? services.find((s) => s.metadata.name === 'kube-dns' && s.metadata.namespace === 'kube-system');
  if (!svc) return undefined;
  const spec = get(svc.raw, 'spec');
  const ips = arr(get(spec, 'clusterIPs')).filter((x): x is string => typeof x === 'string');
  const one = str(get(spec, 'clusterIP'));
  const clusterIPs = ips.length ? ips : one ? [one] : [];
  const ports = arr(get(spec, 'ports')).flatMap((p) => {
    const port = num(get(p, 'port'));
    if (port === undefined) return [];
    const name = str(get(p, 'name'));
    return [{ ...(name ? { name } : {}), port, protocol: str(get(p, 'protocol')) ?? 'TCP' }];
  });
  const ns = svc.metadata.namespace ?? 'default';
  const eps: z.infer<typeof DnsFacts>['endpoints'] = [];
  const seen = new Set<string>();
  for (const ep of endpoints.filter((e) => e.metadata.name === svc.metadata.name && (e.metadata.namespace ?? 'default') === ns)) {
    arr(get(ep.raw, 'subsets')).forEach((sub, si) => {
      for (const [field, ready] of [['addresses', true], ['notReadyAddresses', false]] as const) {
        arr(get(sub, field)).forEach((a, ai) => {
          const ip = str(get(a, 'ip'));
          if (!ip || seen.has(ip)) return;
          seen.add(ip);
          const nodeName = str(get(a, 'nodeName'));
          eps.push({ from: refOf(ep, `subsets[${si}].${field}[${ai}]`), ip, ...(nodeName ? { nodeName } : {}), ready });
        });
      }
    });
  }
  for (const sl of slices.filter((s) => s.metadata.labels['kubernetes.io/service-name'] === svc.metadata.name && (s.metadata.namespace ?? 'default') === ns)) {
    arr(get(sl.raw, 'endpoints')).forEach((e, i) => {
      const nodeName = str(get(e, 'nodeName'));
      const ready = get(e, 'conditions', 'ready');
      for (const ip of arr(get(e, 'addresses'))) {
        if (typeof ip !== 'string' || seen.has(ip)) continue;
        seen.add(ip);
        eps.push({ from: refOf(sl, `endpoints[${i}]`), ip, ...(nodeName ? { nodeName } : {}), ...(typeof ready === 'boolean' ? { ready } : {}) });
      }
    });
  }
  return { service: { from: refOf(svc, 'spec'), namespace: ns, name: svc.metadata.name, clusterIPs, ports }, endpoints: eps };
}

export type CalicoFacts = ClusterFacts['calico'];
