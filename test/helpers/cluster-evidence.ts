// Evidence for cluster rule tests, from real parts only: the cluster's facts are the recorded kube
// fixtures (test/fixtures/kube, SOURCES.md) run through podpath's own dump parser, with the two
// flannel nodes given the addresses, VtepMACs and podCIDRs of the two-node lab whose command
// output is recorded under test/fixtures/sources/net/flannel-{a,b}; each node's facts are that
// output run through podpath's own parsers. A test breaks one thing on top of that healthy pair.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ClusterFacts } from '../../src/evidence/cluster-facts.js';
import type { ClusterNodeEvidence } from '../../src/evidence/cluster-nodes.js';
import type { Evidence } from '../../src/evidence/evidence.js';
import type { NodeFacts } from '../../src/evidence/node-facts.js';
import { makeFacts, type PartialFacts } from '../../src/evidence/load-facts.js';
import { parseDumpText } from '../../src/sources/kube/files.js';
import { buildClusterFacts } from '../../src/sources/kube/build.js';
import type { KubeObject } from '../../src/sources/kube/objects.js';
import { mergeAddresses, parseIpAddressText, parseIpLinkText } from '../../src/sources/links/parse.js';
import { parseIpRoutes } from '../../src/sources/routes/parse.js';
import { parseIpNeigh } from '../../src/sources/neighbours/parse.js';
import { parseBridgeFdb } from '../../src/sources/fdb/parse.js';

// import.meta.url, not __dirname: test/helpers/cluster-scale-run.ts loads this under plain node + tsx.
const HERE = dirname(fileURLToPath(import.meta.url));
const KUBE = join(HERE, '../fixtures/kube/api');
const NET = join(HERE, '../fixtures/sources/net');

/** The lab pair as the recorded files show it. */
export const LAB = {
  a: { dir: 'flannel-a', ip: '172.31.250.1', mac: '42:d9:e9:67:0e:a5', podCIDR: '10.244.1.0/24', eks: 'ip-192-168-4-135.eu-central-1.compute.internal', eksIp: '192.168.4.135', eksMac: '02:56:7c:28:3e:59', eksCidr: '10.244.0.0/24' },
  b: { dir: 'flannel-b', ip: '172.31.250.2', mac: 'e2:00:6c:cf:88:7a', podCIDR: '10.244.2.0/24', eks: 'ip-192-168-47-102.eu-central-1.compute.internal', eksIp: '192.168.47.102', eksMac: '92:d4:11:1f:95:9d', eksCidr: '10.244.1.0/24' },
} as const;
export const NODE_A = 'node-a';
export const NODE_B = 'node-b';

function kubeText(file: string): string {
  return readFileSync(join(KUBE, file), 'utf8');
}

export type NodeObject = KubeObject;

/** The node's status.nodeInfo as read (kernelVersion, kubeProxyVersion, osImage, ...), to edit in place. */
export function nodeInfo(n: KubeObject): Record<string, string> {
  return ((n.raw.status as Record<string, unknown>).nodeInfo ?? {}) as Record<string, string>;
}

/**
 * The recorded flannel NodeList with the lab's values put where flannel and Kubernetes write them;
 * `edit` changes the objects before podpath parses them (a stale annotation, a second public-ip).
 */
export function labNodeObjects(file = 'nodelist-flannel-composed-server.json'): NodeObject[] {
  return parseDumpText(labNodeListText(file), `test/fixtures/kube/api/${file}`).objects as NodeObject[];
}

/** The recorded NodeList text with the lab's values (for a dump file or the recorded-API server). */
export function labNodeListText(file = 'nodelist-flannel-composed-server.json'): string {
  let text = kubeText(file);
  // Order matters: 10.244.1.0/24 is node b's EKS podCIDR and node a's lab one.
  for (const n of [LAB.b, LAB.a]) {
    text = text.split(n.eksCidr).join(`@${n.podCIDR}`).split(n.eksIp).join(n.ip).split(n.eksMac).join(n.mac).split(n.eks).join(n === LAB.a ? NODE_A : NODE_B);
  }
  return text.split('@').join('');
}

/** Cluster facts through podpath's own builder: the nodes, plus the recorded ConfigMaps and Calico objects named. */
export function clusterFacts(nodes: KubeObject[], extraFiles: string[] = ['configmap-kube-flannel-cfg.yaml']): ClusterFacts {
  const objects = [...nodes];
  for (const f of extraFiles) objects.push(...parseDumpText(kubeText(f), `test/fixtures/kube/api/${f}`).objects);
  return buildClusterFacts({ source: { kind: 'files', files: ['test/fixtures/kube/api'] }, objects, partial: [], notes: [] });
}

/** One lab node's facts from its recorded command output, through podpath's parsers; `patch` replaces sections. */
export function labNodeFacts(which: 'a' | 'b', patch: Partial<PartialFacts> = {}): NodeFacts {
  const dir = join(NET, LAB[which].dir);
  const read = (f: string) => readFileSync(join(dir, f), 'utf8');
  const src = (f: string) => `test/fixtures/sources/net/${LAB[which].dir}/${f}`;
  const links = mergeAddresses(parseIpLinkText(read('ip_-s_-d_link'), src('ip_-s_-d_link')), parseIpAddressText(read('ip_-d_address'), src('ip_-d_address')));
  return makeFacts({
    kernel: { source: 'uname -a', release: '6.1.0-18-amd64', version: '#1 SMP PREEMPT_DYNAMIC Debian 6.1.76-1 (2024-02-01)', arch: 'x86_64', hostname: which === 'a' ? NODE_A : NODE_B, uname: `Linux ${which === 'a' ? NODE_A : NODE_B} 6.1.0-18-amd64 #1 SMP PREEMPT_DYNAMIC Debian 6.1.76-1 (2024-02-01) x86_64 GNU/Linux` },
    links: { items: links, source: src('ip_-s_-d_link') },
    routes: { items: parseIpRoutes(read('ip_route_show_table_all')), source: src('ip_route_show_table_all') },
    neighbours: { items: parseIpNeigh(read('ip_-s_-s_neigh_show')), source: src('ip_-s_-s_neigh_show') },
    fdb: { items: parseBridgeFdb(read('bridge_fdb_show')), source: src('bridge_fdb_show') },
    ...patch,
  } as PartialFacts);
}

export function nodeEvidence(name: string, facts: NodeFacts, extra: Partial<ClusterNodeEvidence> = {}): ClusterNodeEvidence {
  return { name, matchedBy: 'name', from: `test/fixtures/sources/net/${name}`, facts, ...extra };
}

/** The healthy lab pair: cluster facts and both nodes' facts. */
export function labEvidence(o: { nodes?: NodeObject[]; a?: NodeFacts; b?: NodeFacts; extraFiles?: string[] } = {}): Evidence {
  return {
    cluster: clusterFacts(o.nodes ?? labNodeObjects(), o.extraFiles),
    nodes: [nodeEvidence(NODE_A, o.a ?? labNodeFacts('a')), nodeEvidence(NODE_B, o.b ?? labNodeFacts('b'))],
  };
}

/** The lab pair's own facts with cluster facts that hold no object at all (a node bundle given as dumps). */
export function emptyClusterEvidence(): Evidence {
  return { cluster: clusterFacts([], []), nodes: labEvidence().nodes };
}

/** The lab's Node objects with the annotations under `prefix` removed (a cluster whose CNI wrote none). */
export function labNodesWithout(prefix: string, file?: string): NodeObject[] {
  return labNodeObjects(file).map((n) => ({ ...n, metadata: { ...n.metadata, annotations: Object.fromEntries(Object.entries(n.metadata.annotations ?? {}).filter(([k]) => !k.startsWith(prefix))) } }));
}
