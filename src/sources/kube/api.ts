// Reads the cluster's facts through the API: only what the facts need (nodes, three ConfigMaps
// by name, the DNS Service and its endpoints, Calico's pools and Felix settings), in pages.
import { pushAll } from '../../util/arrays.js';
import type { PartialList } from '../../evidence/cluster-facts.js';
import { statusCode, statusError, statusMessage, type KubeClient } from './client.js';
import { listAll } from './list.js';
import { toKubeObject, type KubeObject } from './objects.js';
import type { KubeInventory } from './build.js';

const CONFIGMAPS: [string, string][] = [
  ['kube-flannel', 'kube-flannel-cfg'],
  ['kube-system', 'kube-flannel-cfg'],
  ['kube-system', 'kube-proxy'],
];

async function getOne(client: KubeClient, path: string, kind: string, apiVersion: string, partial: PartialList[]): Promise<KubeObject | undefined> {
  const res = await client.request(path);
  if (res.status === 200) return toKubeObject(res.body, kind, apiVersion);
  if (res.status === 404) return undefined;
  if (res.status === 401) throw statusError(res, path);
  partial.push({ resource: path, code: statusCode(res.status), message: statusMessage(res) });
  return undefined;
}

/** Calico serves v3 only with its API server (or as CRDs from v3.32); crd v1 always exists. */
async function listCalico(client: KubeClient, plural: string, kind: string, inv: KubeInventory): Promise<string> {
  for (const [group, version] of [['projectcalico.org', 'v3'], ['crd.projectcalico.org', 'v1']] as const) {
    const r = await listAll(client, `/apis/${group}/${version}/${plural}`, { kind, apiVersion: `${group}/${version}` });
    if (r.notFound) continue;
    pushAll(inv.objects, r.objects);
    if (r.partial) inv.partial.push(r.partial);
    return `${group}/${version}`;
  }
  return 'none';
}

export async function collectFromApi(client: KubeClient): Promise<KubeInventory> {
  const inv: KubeInventory = { source: { kind: 'api', server: client.server, context: client.context }, objects: [], partial: [], notes: [] };
  const nodes = await listAll(client, '/api/v1/nodes', { kind: 'Node', apiVersion: 'v1' });
  pushAll(inv.objects, nodes.objects);
  if (nodes.partial) inv.partial.push(nodes.partial);
  for (const [ns, name] of CONFIGMAPS) {
    const cm = await getOne(client, `/api/v1/namespaces/${ns}/configmaps/${name}`, 'ConfigMap', 'v1', inv.partial);
    if (cm) inv.objects.push(cm);
  }
  const svcs = await listAll(client, '/api/v1/services', { kind: 'Service', apiVersion: 'v1', labelSelector: 'k8s-app=kube-dns' });
  pushAll(inv.objects, svcs.objects);
  if (svcs.partial) inv.partial.push(svcs.partial);
  for (const svc of svcs.objects) {
    const ns = svc.metadata.namespace ?? 'default';
    const ep = await getOne(client, `/api/v1/namespaces/${ns}/endpoints/${svc.metadata.name}`, 'Endpoints', 'v1', inv.partial);
    if (ep) inv.objects.push(ep);
    const slices = await listAll(client, `/apis/discovery.k8s.io/v1/namespaces/${ns}/endpointslices`, {
      kind: 'EndpointSlice', apiVersion: 'discovery.k8s.io/v1', labelSelector: `kubernetes.io/service-name=${svc.metadata.name}`,
    });
    pushAll(inv.objects, slices.objects);
    if (slices.partial) inv.partial.push(slices.partial);
  }
  inv.ippoolsApi = await listCalico(client, 'ippools', 'IPPool', inv);
  await listCalico(client, 'felixconfigurations', 'FelixConfiguration', inv);
  return inv;
}
