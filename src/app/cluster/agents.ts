// The agents `podpath cluster install` runs, as the cluster lists them: the two DaemonSets' pods
// (the install's label selector) become a mesh inventory (node name, the host plane at the pod's
// hostIP, the pod plane at its podIP, ports from the pod's named container ports) with each
// endpoint's pod, for the API server's pod proxy. The node objects add labels and, where Calico
// publishes the node address with its prefix, the subnet. The token comes from the install's
// Secret when the user gives none. Every field is the API's answer: untrusted, checked as input.
import { isIP } from 'node:net';
import { inventoryFrom, type Inventory } from '../../mesh/inventory.js';
import { networkOf } from '../../mesh/cells.js';
import { DEFAULT_API_PORT, DEFAULT_PROBE_PORT } from '../../probe/ports.js';
import { statusError, type KubeClient } from '../../sources/kube/client.js';
import { listAll } from '../../sources/kube/list.js';
import { arr, get, num, str, type KubeObject } from '../../sources/kube/objects.js';
import { PodpathError } from '../../util/errors.js';
import { LIMITS } from '../../util/limits.js';
import { displayLine } from '../../util/terminal-safe.js';
import { NAMES, SECRET_KEYS } from './manifests.js';
import { skippedText, type SkippedAgent } from '../../report/agents-text.js';

/** The pods of both agent DaemonSets (manifests.ts labels(); the component says the plane). */
export const AGENT_SELECTOR = 'app.kubernetes.io/name=podpath';
const PLANE_OF: Record<string, 'host' | 'pod'> = { 'host-agent': 'host', 'pod-agent': 'pod' };

export interface AgentPodRef {
  node: string;
  plane: 'host' | 'pod';
  pod: string;
  address: string;
  port: number;
  apiPort: number;
}

export interface ClusterAgents {
  namespace: string;
  pods: AgentPodRef[];
  /** Pods not used, each with why: not running, no address, no node, a second pod of a plane on a node. */
  skipped: SkippedAgent[];
  /** Node labels and subnets could not be read (RBAC): said once. */
  nodesUnread?: { code: string; message: string };
  /** Per node: its labels, and the subnet of Calico's IPv4Address annotation. */
  nodes: Map<string, { labels: Record<string, string>; subnet?: string }>;
}

function containerPort(pod: KubeObject, name: string, fallback: number): number {
  for (const c of arr(get(pod.raw, 'spec', 'containers'))) {
    for (const p of arr(get(c, 'ports'))) {
      const n = num(get(p, 'containerPort'));
      if (str(get(p, 'name')) === name && n !== undefined && Number.isInteger(n) && n >= 1 && n <= 65535) return n;
    }
  }
  return fallback;
}

/** A node's labels that fit the inventory's bounds (a hostile label must not sink the whole list). */
function labelsOf(node: KubeObject): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(node.metadata.labels).slice(0, 256)) if (k.length <= 317 && typeof v === 'string' && v.length <= 1024) out[k] = v;
  return out;
}

/** Calico's `projectcalico.org/IPv4Address: 10.0.1.5/24` says the node's subnet; flannel's annotations do not. */
function subnetOf(node: KubeObject): string | undefined {
  const a = str(get(node.raw, 'metadata', 'annotations', 'projectcalico.org/IPv4Address'));
  const m = a ? /^([0-9.]+)\/(\d{1,2})$/.exec(a) : null;
  return m && isIP(m[1]!) === 4 ? networkOf(m[1]!, Number(m[2])) : undefined;
}

/** Lists the agent pods (and the nodes, for labels and subnets) in `namespace`. */
export async function listClusterAgents(client: KubeClient, namespace: string): Promise<ClusterAgents> {
  const path = `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods`;
  const list = await listAll(client, path, { kind: 'Pod', apiVersion: 'v1', labelSelector: AGENT_SELECTOR });
  if (list.partial) {
    throw new PodpathError(list.partial.code, `cannot list podpath's agent pods in namespace ${namespace} (${list.partial.message}): RBAC needs list pods there, or give --agents FILE / --nodes LIST`);
  }
  const out: ClusterAgents = { namespace, pods: [], skipped: [], nodes: new Map() };
  const seen = new Set<string>();
  for (const p of list.objects) {
    const name = displayLine(p.metadata.name, 253);
    const plane = PLANE_OF[p.metadata.labels['app.kubernetes.io/component'] ?? ''];
    if (!plane) continue;
    const node = str(get(p.raw, 'spec', 'nodeName'));
    const phase = str(get(p.raw, 'status', 'phase')) ?? 'Unknown';
    const address = str(get(p.raw, 'status', plane === 'host' ? 'hostIP' : 'podIP'));
    if (!node) {
      out.skipped.push({ pod: name, why: 'unscheduled' });
      continue;
    }
    if (phase !== 'Running' || !address || isIP(address) === 0) {
      out.skipped.push({ pod: name, node: displayLine(node, 253), why: address ? 'notRunning' : 'noAddress', phase: displayLine(phase, 64) });
      continue;
    }
    const key = `${node}/${plane}`;
    if (seen.has(key)) {
      out.skipped.push({ pod: name, node: displayLine(node, 253), why: 'secondAgent', plane });
      continue;
    }
    seen.add(key);
    out.pods.push({ node, plane, pod: p.metadata.name, address, port: containerPort(p, 'probe-udp', DEFAULT_PROBE_PORT), apiPort: containerPort(p, 'api', DEFAULT_API_PORT) });
  }
  const nodes = await listAll(client, '/api/v1/nodes', { kind: 'Node', apiVersion: 'v1' });
  if (nodes.partial) out.nodesUnread = { code: nodes.partial.code, message: nodes.partial.message };
  for (const n of nodes.objects) out.nodes.set(n.metadata.name, { labels: labelsOf(n), subnet: subnetOf(n) });
  out.pods.sort((a, b) => a.node.localeCompare(b.node) || a.plane.localeCompare(b.plane));
  return out;
}

/** The agents as a mesh inventory: one entry per node with a running agent, each endpoint with its pod. */
export function inventoryOfAgents(a: ClusterAgents): Inventory {
  const byNode = new Map<string, { host?: AgentPodRef; pod?: AgentPodRef }>();
  for (const p of a.pods) byNode.set(p.node, { ...byNode.get(p.node), [p.plane]: p });
  const names = [...byNode.keys()].sort();
  if (names.length < 2) {
    throw new PodpathError(LIMITS.meshAgentsFile.code, `the cluster has ${names.length} node(s) with a running podpath agent in namespace ${a.namespace}; a mesh needs at least two${a.skipped.length ? ` (not running: ${a.skipped.slice(0, 3).map((x) => skippedText(x, 'en')).join('; ')})` : ''}: \`podpath cluster status\``);
  }
  const endpoint = (p: AgentPodRef | undefined) => p && { address: p.address, port: p.port, apiPort: p.apiPort };
  const inv = inventoryFrom({
    nodes: names.map((name) => {
      const e = byNode.get(name)!;
      const n = a.nodes.get(name);
      return { name, labels: n?.labels ?? {}, ...(n?.subnet ? { subnet: n.subnet } : {}), ...(e.host ? { host: endpoint(e.host) } : {}), ...(e.pod ? { pod: endpoint(e.pod) } : {}) };
    }),
  }, `the agent pods in namespace ${a.namespace}`);
  for (const n of inv.nodes) {
    const e = byNode.get(n.name)!;
    if (n.host && e.host) n.host.pod = e.host.pod;
    if (n.pod && e.pod) n.pod.pod = e.pod.pod;
  }
  return inv;
}

/**
 * The agents' API token from the install's Secret (data["api-token"]). A user who may not read
 * Secrets (RBAC) is told so on one line, with the other ways to give it.
 */
export async function tokenFromCluster(client: KubeClient, namespace: string): Promise<string> {
  const path = `/api/v1/namespaces/${encodeURIComponent(namespace)}/secrets/${NAMES.secret}`;
  const res = await client.request(path);
  const other = 'give --token-file FILE or set PODPATH_TOKEN';
  if (res.status === 403) throw statusError(res, `cannot read the agents' API token from Secret ${namespace}/${NAMES.secret} (RBAC needs get secrets in ${namespace}; ${other})`);
  if (res.status === 404) throw new PodpathError('E_NO_TOKEN', `no Secret ${namespace}/${NAMES.secret} with the agents' API token (is podpath installed there? \`podpath cluster install\`, or ${other})`);
  if (res.status < 200 || res.status > 299) throw statusError(res, `read Secret ${namespace}/${NAMES.secret}`);
  const b64 = str(get(res.body, 'data', SECRET_KEYS.apiToken));
  const token = b64 !== undefined && b64.length <= 4096 ? Buffer.from(b64, 'base64').toString('utf8').trim() : '';
  if (token.length < 16) throw new PodpathError('E_NO_TOKEN', `Secret ${namespace}/${NAMES.secret} has no usable data["${SECRET_KEYS.apiToken}"] (at least 16 characters); ${other}`);
  return token;
}
