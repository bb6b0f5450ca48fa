// Turns the objects read (from the API or from dumps) into ClusterFacts. Pure: the same objects
// give the same facts, whichever way they were read.
import { CLUSTER_FACTS_SCHEMA_VERSION, ClusterFacts, type PartialList } from '../../evidence/cluster-facts.js';
import { NO_NAME, type KubeObject } from './objects.js';
import { parseNode } from './parse-node.js';
import { isFlannelConfigMap, parseDns, parseFelix, parseFlannelNetConf, parseIPPool, parseKubeProxy } from './parse-config.js';
import { issue, type Issue } from '../../evidence/cluster-texts.js';

export interface KubeInventory {
  source: ClusterFacts['source'];
  objects: KubeObject[];
  partial: PartialList[];
  notes: Issue[];
  /** Which API served the IPPools (API reads only). */
  ippoolsApi?: string;
}

const V3 = 'projectcalico.org/v3';

/** Calico serves its objects in two groups (v3 and crd v1): one object seen in both is one object. */
function group(o: KubeObject): string {
  const g = o.apiVersion?.includes('/') ? o.apiVersion.split('/')[0]! : '';
  return g.endsWith('projectcalico.org') ? 'calico' : g;
}

/** Core (v1) objects only: Calico has a `Node` kind of its own (projectcalico.org/v3). */
function isCore(o: KubeObject): boolean {
  return o.apiVersion === undefined || o.apiVersion === 'v1';
}

/** One object per kind/namespace/name: a dump may hold the same object twice (two files, two lists). */
function dedupe(objects: KubeObject[]): KubeObject[] {
  const seen = new Map<string, KubeObject>();
  for (const o of objects) {
    if (o.metadata.name === NO_NAME) {
      seen.set(`${seen.size}/${NO_NAME}`, o);
      continue;
    }
    const key = `${group(o)}/${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
    const had = seen.get(key);
    // The v3 view of a Calico object is the one Calico's own tools show: prefer it.
    if (!had || (o.apiVersion === V3 && had.apiVersion !== V3)) seen.set(key, o);
  }
  return [...seen.values()];
}

export function buildClusterFacts(inv: KubeInventory): ClusterFacts {
  const objects = dedupe(inv.objects);
  const of = (kind: string) => objects.filter((o) => o.kind === kind && (kind === 'IPPool' || kind === 'FelixConfiguration' || kind === 'EndpointSlice' || isCore(o)));
  const counts: Record<string, number> = {};
  for (const o of objects) {
    const k = isCore(o) ? o.kind : `${o.kind}.${o.apiVersion}`;
    counts[k] = (counts[k] ?? 0) + 1;
  }
  const flannelCms = of('ConfigMap').filter(isFlannelConfigMap);
  const flannelCm = flannelCms.find((c) => c.metadata.name === 'kube-flannel-cfg') ?? flannelCms[0];
  const proxyCm = of('ConfigMap').find((c) => c.metadata.name === 'kube-proxy' && (c.metadata.namespace ?? 'kube-system') === 'kube-system');
  const notes = [...inv.notes];
  if (flannelCms.length > 1) notes.push(issue('flannelConfigMaps', { n: flannelCms.length, from: `${flannelCm?.metadata.namespace}/${flannelCm?.metadata.name}` }));
  const pools = of('IPPool');
  const facts: ClusterFacts = {
    schemaVersion: CLUSTER_FACTS_SCHEMA_VERSION,
    source: inv.source,
    counts,
    partial: inv.partial,
    notes,
    nodes: of('Node').map((n) => parseNode(n)).sort((a, b) => a.name.localeCompare(b.name)),
    calico: {
      ...(inv.ippoolsApi ? { ippoolsApi: inv.ippoolsApi } : pools.length ? { ippoolsApi: [...new Set(pools.map((p) => p.apiVersion ?? 'unknown'))].join(',') } : {}),
      ippools: pools.map(parseIPPool),
      felixConfigurations: of('FelixConfiguration').map(parseFelix),
    },
  };
  const netConf = flannelCm ? parseFlannelNetConf(flannelCm) : undefined;
  if (netConf) facts.flannelNetConf = netConf;
  const proxy = proxyCm ? parseKubeProxy(proxyCm) : undefined;
  if (proxy) facts.kubeProxy = proxy;
  const dns = parseDns(of('Service'), of('Endpoints'), of('EndpointSlice'));
  if (dns) facts.dns = dns;
  return ClusterFacts.parse(facts);
}
