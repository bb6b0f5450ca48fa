// `podpath cluster install | uninstall | status`: applies the manifests with server-side apply,
// deletes exactly what install made (by name AND the managed-by label), reports the agents.
import type { KubeClient } from '../../sources/kube/client.js';
import { statusError } from '../../sources/kube/client.js';
import { listAll } from '../../sources/kube/list.js';
import { arr, get, num, str } from '../../sources/kube/objects.js';
import { PodpathError } from '../../util/errors.js';
import { buildManifests, MANAGED_BY, NAMES, type ManagedObject, type ManifestOptions } from './manifests.js';
import { makeInstallSecrets } from './secrets.js';
import type { AgentStatus, InstallAction, InstallStep, InstallWhy } from '../../report/cluster.js';

export type { AgentStatus, InstallAction, InstallStep, InstallWhy };

const FIELD_MANAGER = 'podpath';
const PATHS: Record<ManagedObject['kind'], { base: string; plural: string; namespaced: boolean }> = {
  Namespace: { base: '/api/v1', plural: 'namespaces', namespaced: false },
  ServiceAccount: { base: '/api/v1', plural: 'serviceaccounts', namespaced: true },
  Secret: { base: '/api/v1', plural: 'secrets', namespaced: true },
  ConfigMap: { base: '/api/v1', plural: 'configmaps', namespaced: true },
  DaemonSet: { base: '/apis/apps/v1', plural: 'daemonsets', namespaced: true },
};

export function objectPath(kind: ManagedObject['kind'], name: string, namespace?: string): string {
  const p = PATHS[kind];
  return `${p.base}${p.namespaced ? `/namespaces/${encodeURIComponent(namespace ?? '')}` : ''}/${p.plural}/${encodeURIComponent(name)}`;
}

const isOurs = (body: unknown) => get(body, 'metadata', 'labels', 'app.kubernetes.io/managed-by') === MANAGED_BY['app.kubernetes.io/managed-by'];



export type InstallOptions = Omit<ManifestOptions, 'secrets'>;

/**
 * Server-side apply of every object, except: the Secret is created once and kept on later
 * installs (a new key would cut the running agents off from the coordinator), and an existing
 * namespace podpath did not make is used, never relabelled.
 */
export async function installCluster(client: KubeClient, o: InstallOptions): Promise<InstallStep[]> {
  const objects = buildManifests({ ...o, secrets: makeInstallSecrets() });
  const steps: InstallStep[] = [];
  for (const obj of objects) {
    const name = obj.metadata!.name!;
    const namespace = obj.metadata!.namespace;
    const path = objectPath(obj.kind, name, namespace);
    if (obj.kind === 'Namespace' || obj.kind === 'Secret') {
      const had = await client.request(path);
      if (had.status === 200) {
        if (obj.kind === 'Secret' || !isOurs(had.body)) {
          steps.push({ kind: obj.kind, name, namespace, action: 'kept', why: { code: obj.kind === 'Secret' ? 'secretKept' : 'namespaceNotOurs' } });
          continue;
        }
      } else if (had.status !== 404) throw statusError(had, `read ${obj.kind} ${name}`);
    }
    const res = await client.request(path, {
      method: 'PATCH',
      query: { fieldManager: FIELD_MANAGER, force: 'true' },
      body: JSON.stringify(obj),
      contentType: 'application/apply-patch+yaml',
    });
    if (res.status !== 200 && res.status !== 201) throw statusError(res, `apply ${obj.kind} ${namespace ? `${namespace}/` : ''}${name}`);
    steps.push({ kind: obj.kind, name, namespace, action: res.status === 201 ? 'created' : 'configured' });
  }
  return steps;
}

/** Deletes, in reverse order, each object install makes, if it exists and carries podpath's label. */
export async function uninstallCluster(client: KubeClient, o: Pick<ManifestOptions, 'namespace'>): Promise<InstallStep[]> {
  // Same names and kinds as install; the content (image, bundle) does not matter here.
  const objects = buildManifests({ version: '0', namespace: o.namespace, secrets: { hmacKey: 'x'.repeat(32), apiToken: 'y'.repeat(32) }, bundleGz: Buffer.alloc(0) });
  const steps: InstallStep[] = [];
  for (const obj of objects.reverse()) {
    const name = obj.metadata!.name!;
    const namespace = obj.metadata!.namespace;
    const path = objectPath(obj.kind, name, namespace);
    const had = await client.request(path);
    if (had.status === 404) {
      steps.push({ kind: obj.kind, name, namespace, action: 'skipped', why: { code: 'notThere' } });
      continue;
    }
    if (had.status !== 200) throw statusError(had, `read ${obj.kind} ${name}`);
    if (!isOurs(had.body)) {
      steps.push({ kind: obj.kind, name, namespace, action: 'skipped', why: { code: 'notLabelled' } });
      continue;
    }
    if (obj.kind === 'Namespace') {
      // Deleting a namespace deletes everything in it: keep it if it holds anything not ours.
      const foreign = await foreignObjects(client, name);
      if (foreign.length) {
        steps.push({ kind: obj.kind, name, action: 'kept', why: { code: 'holdsForeign', data: { objects: `${foreign.slice(0, 5).join(', ')}${foreign.length > 5 ? ', ...' : ''}` } } });
        continue;
      }
    }
    const res = await client.request(path, { method: 'DELETE', query: { propagationPolicy: 'Background' } });
    if (res.status !== 200 && res.status !== 202 && res.status !== 404) throw statusError(res, `delete ${obj.kind} ${name}`);
    steps.push({ kind: obj.kind, name, namespace, action: 'deleted' });
  }
  return steps;
}

/** Kinds a namespace commonly holds, with the objects Kubernetes itself puts in every namespace. */
const NAMESPACE_CONTENTS: [string, string, string[]][] = [
  ['/api/v1', 'configmaps', ['kube-root-ca.crt']],
  ['/api/v1', 'secrets', []],
  ['/api/v1', 'serviceaccounts', ['default']],
  ['/api/v1', 'services', []],
  ['/api/v1', 'persistentvolumeclaims', []],
  ['/apis/apps/v1', 'deployments', []],
  ['/apis/apps/v1', 'statefulsets', []],
  ['/apis/apps/v1', 'daemonsets', []],
  ['/apis/batch/v1', 'jobs', []],
];

async function foreignObjects(client: KubeClient, ns: string): Promise<string[]> {
  const out: string[] = [];
  for (const [base, plural, builtin] of NAMESPACE_CONTENTS) {
    // A consistent read: the watch cache may lag behind an object made a moment ago, and missing
    // it here would delete a namespace that holds someone else's object.
    const r = await listAll(client, `${base}/namespaces/${encodeURIComponent(ns)}/${plural}`, { kind: plural, apiVersion: base, consistent: true });
    if (r.partial) out.push(`${plural} (cannot list: ${r.partial.code})`);
    for (const o of r.objects) if (!builtin.includes(o.metadata.name) && o.metadata.labels['app.kubernetes.io/managed-by'] !== 'podpath') out.push(`${plural}/${o.metadata.name}`);
  }
  return out;
}


export async function clusterStatus(client: KubeClient, o: Pick<ManifestOptions, 'namespace'>): Promise<AgentStatus> {
  const ns = o.namespace ?? 'podpath';
  const daemonSets: AgentStatus['daemonSets'] = [];
  for (const name of [NAMES.hostDaemonSet, NAMES.podDaemonSet]) {
    const res = await client.request(objectPath('DaemonSet', name, ns));
    if (res.status === 404) {
      daemonSets.push({ name, desired: 0, ready: 0, updated: 0, available: 0, present: false });
      continue;
    }
    if (res.status !== 200) throw statusError(res, `read DaemonSet ${ns}/${name}`);
    const s = (k: string) => num(get(res.body, 'status', k)) ?? 0;
    daemonSets.push({ name, desired: s('desiredNumberScheduled'), ready: s('numberReady'), updated: s('updatedNumberScheduled'), available: s('numberAvailable'), present: true });
  }
  const list = await listAll(client, `/api/v1/namespaces/${encodeURIComponent(ns)}/pods`, { kind: 'Pod', apiVersion: 'v1', labelSelector: 'app.kubernetes.io/name=podpath' });
  if (list.partial) throw new PodpathError(list.partial.code, `list the agent pods: ${list.partial.message}`);
  const pods = list.objects.map((p) => {
    const statuses = arr(get(p.raw, 'status', 'containerStatuses'));
    const podIP = str(get(p.raw, 'status', 'podIP'));
    return {
      name: p.metadata.name,
      plane: p.metadata.labels['app.kubernetes.io/component'] === 'host-agent' ? 'host' : 'pod',
      node: str(get(p.raw, 'spec', 'nodeName')) ?? '(not scheduled)',
      phase: str(get(p.raw, 'status', 'phase')) ?? 'Unknown',
      ready: arr(get(p.raw, 'status', 'conditions')).some((c) => get(c, 'type') === 'Ready' && get(c, 'status') === 'True'),
      restarts: statuses.reduce<number>((n, c) => n + (num(get(c, 'restartCount')) ?? 0), 0),
      ...(podIP ? { podIP } : {}),
    };
  });
  pods.sort((a, b) => a.node.localeCompare(b.node) || a.plane.localeCompare(b.plane));
  return { daemonSets, pods };
}
