// podpath's agent pods as the API server holds them once `podpath cluster install` ran: adapted
// from two real DaemonSet pods recorded in test/fixtures/kube/api/podlist-calico-server.json
// (honeycombio/honeycomb-kubernetes-agent testdata/pods.json, see SOURCES.md): calico-node-h2bjp
// (hostNetwork: its podIP is its hostIP) for the host plane, honeycomb-agent-59mqh (pod network) for
// the pod plane. Kept as recorded: the server form (no apiVersion/kind in list items), status
// conditions, containerStatuses, ownerReferences, managedFields. Changed: name, namespace, labels
// and owner (the install's), node, addresses, the container's name and ports (the agent's).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_NAMESPACE, NAMES } from '../../src/app/cluster/manifests.js';

const RECORDED = join(__dirname, '../fixtures/kube/api/podlist-calico-server.json');

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface AgentPodSpec {
  plane: 'host' | 'pod';
  name: string;
  node: string;
  hostIP: string;
  /** The pod plane's own address (the host plane's is its hostIP). */
  podIP?: string;
  probePort?: number;
  apiPort?: number;
  namespace?: string;
  /** Pending: not started, no podIP (as the API shows a pod still being created). */
  phase?: 'Running' | 'Pending';
}

export function agentPod(o: AgentPodSpec): Json {
  const list = JSON.parse(readFileSync(RECORDED, 'utf8')) as { items: Json[] };
  const recorded = list.items.find((p) => p.metadata.name === (o.plane === 'host' ? 'calico-node-h2bjp' : 'honeycomb-agent-59mqh'))!;
  const pod = structuredClone(recorded);
  const ns = o.namespace ?? DEFAULT_NAMESPACE;
  const component = o.plane === 'host' ? 'host-agent' : 'pod-agent';
  const ds = o.plane === 'host' ? NAMES.hostDaemonSet : NAMES.podDaemonSet;
  pod.apiVersion = 'v1';
  pod.kind = 'Pod';
  pod.metadata.name = o.name;
  pod.metadata.generateName = `${ds}-`;
  pod.metadata.namespace = ns;
  pod.metadata.selfLink = `/api/v1/namespaces/${ns}/pods/${o.name}`;
  // The install's pod template labels (manifests.ts labels()), plus what the DaemonSet controller adds.
  pod.metadata.labels = {
    'app.kubernetes.io/name': 'podpath', 'app.kubernetes.io/instance': 'podpath', 'app.kubernetes.io/component': component,
    'app.kubernetes.io/part-of': 'podpath', 'app.kubernetes.io/version': '0.0.0-test', 'app.kubernetes.io/managed-by': 'podpath',
    'controller-revision-hash': pod.metadata.labels['controller-revision-hash'], 'pod-template-generation': '1',
  };
  pod.metadata.ownerReferences[0].name = ds;
  pod.spec.nodeName = o.node;
  const probe = o.probePort ?? 7946;
  const api = o.apiPort ?? 7947;
  const c = pod.spec.containers[0];
  c.name = 'agent';
  c.ports = [
    { name: 'probe-udp', containerPort: probe, protocol: 'UDP', ...(o.plane === 'host' ? { hostPort: probe } : {}) },
    { name: 'probe-tcp', containerPort: probe, protocol: 'TCP', ...(o.plane === 'host' ? { hostPort: probe } : {}) },
    { name: 'api', containerPort: api, protocol: 'TCP', ...(o.plane === 'host' ? { hostPort: api } : {}) },
  ];
  const ip = o.plane === 'host' ? o.hostIP : o.podIP ?? o.hostIP;
  pod.status.hostIP = o.hostIP;
  if (o.phase === 'Pending') {
    pod.status.phase = 'Pending';
    delete pod.status.podIP;
    delete pod.status.podIPs;
    pod.status.conditions = pod.status.conditions.map((x: Json) => (x.type === 'PodScheduled' ? x : { ...x, status: 'False' }));
  } else {
    pod.status.podIP = ip;
    pod.status.podIPs = [{ ip }];
  }
  pod.status.containerStatuses = pod.status.containerStatuses.slice(0, 1).map((s: Json) => ({ ...s, name: 'agent' }));
  return pod;
}
