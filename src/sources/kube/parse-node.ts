// A Node's facts: addresses, podCIDRs, conditions, versions, labels, and the annotations flannel
// and Calico write on it. Pure and tolerant: a field of the wrong type is absent, not an error.
import type { CalicoNodeFacts, ClusterNode, Fact, FlannelNodeFacts } from '../../evidence/cluster-facts.js';
import { annotationPath, arr, get, isRecord, refOf, str, type KubeObject } from './objects.js';
import { issue, type Issue } from '../../evidence/cluster-texts.js';

export const FLANNEL_PREFIX = 'flannel.alpha.coreos.com';
const MAC = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/;

export interface BackendData {
  vtepMAC?: string;
  vni?: number;
  problem?: Issue;
}

/**
 * flannel's backend-data, in every shape seen (fragments/node-annotations.json): `{"VtepMAC":..}`,
 * `{"VNI":1,"VtepMAC":..}`, a JSON string (k3s's extension backend: no MAC), not JSON at all
 * (`{VtepMAC:aa:bb:cc:dd:ee}` on a hand-made node), or absent.
 */
export function parseBackendData(text: string): BackendData {
  const t = text.trim();
  let parsed: unknown;
  try {
    parsed = JSON.parse(t);
  } catch {
    // Not JSON: take a VtepMAC-looking pair if there is one, and say it was not JSON.
    const m = /VtepMAC"?\s*:\s*"?([0-9A-Fa-f]{1,2}(?::[0-9A-Fa-f]{1,2})*)/.exec(t);
    if (!m) return { problem: issue('backendNotJson') };
    const mac = normalizeMac(m[1]!);
    return mac ? { vtepMAC: mac, problem: issue('backendNotJsonMacFromText') } : { problem: issue('backendNotJsonBadMac', { mac: JSON.stringify(m[1]) }) };
  }
  if (typeof parsed === 'string') return { problem: issue('backendJsonString') };
  if (!isRecord(parsed)) return { problem: issue('backendNotObject') };
  const out: BackendData = {};
  const vni = parsed.VNI;
  if (typeof vni === 'number' && Number.isInteger(vni)) out.vni = vni;
  const rawMac = parsed.VtepMAC;
  if (rawMac === undefined) out.problem = issue('noVtepMac');
  else if (typeof rawMac !== 'string') out.problem = issue('vtepMacNotString');
  else {
    const mac = normalizeMac(rawMac);
    if (mac) out.vtepMAC = mac;
    else out.problem = issue('vtepMacBad', { mac: JSON.stringify(rawMac) });
  }
  return out;
}

/** `02:56:7C:28:3E:59` -> `02:56:7c:28:3e:59`; single hex digits padded; anything else undefined. */
export function normalizeMac(s: string): string | undefined {
  const parts = s.trim().split(':');
  if (parts.length !== 6 || parts.some((p) => !/^[0-9a-fA-F]{1,2}$/.test(p))) return undefined;
  const mac = parts.map((p) => p.toLowerCase().padStart(2, '0')).join(':');
  return MAC.test(mac) ? mac : undefined;
}

function annotationFact(o: KubeObject, key: string): Fact<string> | undefined {
  const v = o.metadata.annotations[key];
  return v === undefined ? undefined : { value: v.trim(), from: refOf(o, annotationPath(key)) };
}

export function parseFlannelAnnotations(o: KubeObject, prefix = FLANNEL_PREFIX): FlannelNodeFacts | undefined {
  const keys = Object.keys(o.metadata.annotations).filter((k) => k.startsWith(`${prefix}/`));
  if (keys.length === 0) return undefined;
  const a = (name: string) => annotationFact(o, `${prefix}/${name}`);
  const out: FlannelNodeFacts = {};
  const set = <K extends keyof FlannelNodeFacts>(k: K, v: FlannelNodeFacts[K] | undefined) => {
    if (v !== undefined) out[k] = v;
  };
  set('backendType', a('backend-type'));
  set('publicIP', a('public-ip'));
  set('publicIPOverwrite', a('public-ip-overwrite'));
  set('publicIPv6', a('public-ipv6'));
  const ksm = a('kube-subnet-manager');
  if (ksm) out.kubeSubnetManager = { value: ksm.value === 'true', from: ksm.from };
  const bd = a('backend-data');
  if (bd) {
    out.backendData = bd;
    const parsed = parseBackendData(bd.value);
    if (parsed.vtepMAC) out.vtepMAC = { value: parsed.vtepMAC, from: bd.from };
    if (parsed.vni !== undefined) out.vni = { value: parsed.vni, from: bd.from };
    if (parsed.problem) out.backendDataProblem = parsed.problem;
  }
  const bd6 = a('backend-v6-data');
  if (bd6) {
    out.backendV6Data = bd6;
    const parsed = parseBackendData(bd6.value);
    if (parsed.vtepMAC) out.vtepMACv6 = { value: parsed.vtepMAC, from: bd6.from };
  }
  return out;
}

const CALICO_KEYS: Record<keyof CalicoNodeFacts, string> = {
  ipv4Address: 'projectcalico.org/IPv4Address',
  ipv4VXLANTunnelAddr: 'projectcalico.org/IPv4VXLANTunnelAddr',
  vxlanTunnelMACAddr: 'projectcalico.org/VXLANTunnelMACAddr',
  ipv4IPIPTunnelAddr: 'projectcalico.org/IPv4IPIPTunnelAddr',
  ipv6Address: 'projectcalico.org/IPv6Address',
  ipv6VXLANTunnelAddr: 'projectcalico.org/IPv6VXLANTunnelAddr',
  vxlanTunnelMACAddrV6: 'projectcalico.org/VXLANTunnelMACAddrV6',
  asNumber: 'projectcalico.org/ASNumber',
};

export function parseCalicoAnnotations(o: KubeObject): CalicoNodeFacts | undefined {
  const out: CalicoNodeFacts = {};
  for (const [field, key] of Object.entries(CALICO_KEYS) as [keyof CalicoNodeFacts, string][]) {
    const f = annotationFact(o, key);
    if (!f) continue;
    // MACs in one form so a rule compares them with the device's as strings.
    if (field === 'vxlanTunnelMACAddr' || field === 'vxlanTunnelMACAddrV6') f.value = normalizeMac(f.value) ?? f.value;
    out[field] = f;
  }
  return Object.keys(out).length ? out : undefined;
}

function strings(v: unknown): string[] {
  return arr(v).filter((x): x is string => typeof x === 'string');
}

export function parseNode(o: KubeObject, flannelPrefix = FLANNEL_PREFIX): ClusterNode {
  const raw = o.raw;
  const addrs = arr(get(raw, 'status', 'addresses'));
  const byType = (t: string) => addrs.filter((a) => str(get(a, 'type')) === t).map((a) => str(get(a, 'address'))).filter((a): a is string => !!a);
  const podCIDRs = strings(get(raw, 'spec', 'podCIDRs'));
  const podCIDR = str(get(raw, 'spec', 'podCIDR'));
  const info = (k: string): Fact<string> | undefined => {
    const v = str(get(raw, 'status', 'nodeInfo', k));
    return v === undefined ? undefined : { value: v, from: refOf(o, `status.nodeInfo.${k}`) };
  };
  const node: ClusterNode = {
    name: o.metadata.name,
    internalIPs: { value: byType('InternalIP'), from: refOf(o, 'status.addresses[type=InternalIP]') },
    externalIPs: { value: byType('ExternalIP'), from: refOf(o, 'status.addresses[type=ExternalIP]') },
    podCIDRs: podCIDRs.length
      ? { value: podCIDRs, from: refOf(o, 'spec.podCIDRs') }
      : { value: podCIDR ? [podCIDR] : [], from: refOf(o, 'spec.podCIDR') },
    conditions: {
      value: arr(get(raw, 'status', 'conditions')).flatMap((c) => {
        const type = str(get(c, 'type'));
        const status = str(get(c, 'status'));
        const reason = str(get(c, 'reason'));
        return type && status ? [{ type, status, ...(reason ? { reason } : {}) }] : [];
      }),
      from: refOf(o, 'status.conditions'),
    },
    unschedulable: { value: get(raw, 'spec', 'unschedulable') === true, from: refOf(o, 'spec.unschedulable') },
    labels: { value: o.metadata.labels, from: refOf(o, 'metadata.labels') },
  };
  const put = (k: 'kernelVersion' | 'osImage' | 'architecture' | 'containerRuntimeVersion' | 'kubeletVersion' | 'kubeProxyVersion') => {
    const f = info(k);
    if (f) node[k] = f;
  };
  put('kernelVersion');
  put('osImage');
  put('architecture');
  put('containerRuntimeVersion');
  put('kubeletVersion');
  put('kubeProxyVersion');
  const flannel = parseFlannelAnnotations(o, flannelPrefix);
  if (flannel) node.flannel = flannel;
  const calico = parseCalicoAnnotations(o);
  if (calico) node.calico = calico;
  return node;
}
