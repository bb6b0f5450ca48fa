// Helpers of the cluster rules: the cluster's node and the same node's facts side by side, a fact
// of the cluster as an evidence line that says which object and field it came from, and the
// kernel's route choice for an address. Pure functions of the bag.
import type { ClusterFacts, ClusterNode, Fact } from '../../evidence/cluster-facts.js';
import type { ClusterNodeEvidence } from '../../evidence/cluster-nodes.js';
import type { Evidence } from '../../evidence/evidence.js';
import type { EvidenceLine, Link, NodeFacts, Route } from '../../evidence/node-facts.js';
import { ipv4ToInt, parseCidr } from '../../util/ipv4.js';

export interface NodePair {
  /** The node as the cluster lists it. */
  node: ClusterNode;
  /** Its own facts, when they were had and tied to it. */
  own?: ClusterNodeEvidence;
}

/** Every cluster node with its facts, by the match the app made (unmatched facts are left out). */
export function nodePairs(evidence: Evidence): NodePair[] {
  const nodes = evidence.cluster?.nodes ?? [];
  const byName = new Map((evidence.nodes ?? []).filter((n) => n.matchedBy !== 'none').map((n) => [n.name, n]));
  return nodes.map((node) => {
    const own = byName.get(node.name);
    return own ? { node, own } : { node };
  });
}

/** A cluster fact as evidence: the object and field as the source (`Node/name metadata.annotations[...]`), its value as the text. */
export function factLine<T>(f: Fact<T>, shown?: string): EvidenceLine {
  const where = `${f.from.kind}/${f.from.namespace ? `${f.from.namespace}/` : ''}${f.from.name}`;
  const value = shown ?? (typeof f.value === 'string' ? f.value : JSON.stringify(f.value));
  return { source: `${where} ${f.from.path}`, text: value === '' ? '""' : value };
}

/** The source of a node's facts section, prefixed with the node, so the reader knows whose line it is. */
export function nodeSource(name: string, source: string | undefined, fallback: string): string {
  return `${name}: ${source ?? fallback}`;
}

export function normMac(mac: string): string {
  return mac.trim().toLowerCase();
}

/** The flannel VXLAN device a node should have: flannel.<VNI> (flannel's `fmt.Sprintf("flannel.%v", cfg.VNI)`). */
export function flannelDeviceName(cluster: ClusterFacts, node: ClusterNode): string {
  return `flannel.${node.flannel?.vni?.value ?? cluster.flannelNetConf?.vni ?? 1}`;
}

export function linkOf(facts: NodeFacts, name: string): Link | undefined {
  return facts.links?.items.find((l) => l.name === name);
}

export function linkLine(name: string, facts: NodeFacts, l: Link): EvidenceLine {
  const vx = l.vxlan ? ` vxlan id ${l.vxlan.id}${l.vxlan.port !== undefined ? ` dstport ${l.vxlan.port}` : ''}${l.vxlan.local ? ` local ${l.vxlan.local}` : ''}${l.vxlan.dev ? ` dev ${l.vxlan.dev}` : ''}` : '';
  return { source: nodeSource(name, l.source, facts.links?.source ?? 'ip -d link'), text: `${l.name}: mtu ${l.mtu}${l.mac ? ` link/ether ${l.mac}` : ''}${vx}` };
}

/** Main-table unicast/local IPv4 routes with their prefixes parsed, once per node's facts. */
const parsedRoutes = new WeakMap<NodeFacts, { r: Route; base: number; len: number }[]>();

function mainRoutes(facts: NodeFacts): { r: Route; base: number; len: number }[] {
  let list = parsedRoutes.get(facts);
  if (!list) {
    list = [];
    for (const r of facts.routes?.items ?? []) {
      if (r.table !== 'main' || (r.type !== 'unicast' && r.type !== 'local')) continue;
      const p = r.dst === 'default' ? { base: 0, len: 0 } : parseCidr(r.dst);
      if (p) list.push({ r, base: p.base, len: p.len });
    }
    parsedRoutes.set(facts, list);
  }
  return list;
}

const maskOf = (len: number) => (len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0);

/** The main-table route the kernel picks for an IPv4 address (longest prefix, then lowest metric). */
export function routeFor(facts: NodeFacts, ip: string): Route | undefined {
  const addr = ipv4ToInt(ip);
  if (addr === undefined) return undefined;
  let best: { r: Route; len: number } | undefined;
  for (const { r, base, len } of mainRoutes(facts)) {
    const m = maskOf(len);
    if (((base & m) >>> 0) !== ((addr & m) >>> 0)) continue;
    if (!best || len > best.len || (len === best.len && (r.metric ?? 0) < (best.r.metric ?? 0))) best = { r, len };
  }
  return best?.r;
}

/** The node's own IPv4 addresses, with the link holding each. */
export function ownAddresses(facts: NodeFacts): { address: string; prefixLen: number; link: Link }[] {
  return (facts.links?.items ?? []).flatMap((l) => l.addresses.filter((a) => a.family === 'inet').map((a) => ({ address: a.address, prefixLen: a.prefixLen, link: l })));
}

/** `a, b and 3 more`: a list that stays short on a 5,000-node cluster. */
export function listShort(items: readonly string[], max = 8): string {
  return items.length <= max ? items.join(', ') : `${items.slice(0, max).join(', ')} (+${items.length - max})`;
}

/**
 * The CNI agent pod of a node, to restart it (it rewrites the node's annotations and every peer's
 * entries from the cluster): flannel in the namespace of its net-conf ConfigMap, calico-node in
 * kube-system (manifest installs; operator installs use calico-system).
 */
export function agentPod(cluster: ClusterFacts | undefined, cni: 'flannel' | 'calico'): { namespace: string; selector: string } {
  if (cni === 'flannel') return { namespace: cluster?.flannelNetConf?.from.namespace ?? 'kube-flannel', selector: 'app=flannel' };
  return { namespace: 'kube-system', selector: 'k8s-app=calico-node' };
}

/** Calico's IPv4Address annotation is `addr/len`: the address alone. */
export function bareAddress(s: string): string {
  return s.split('/')[0] ?? s;
}

/**
 * Why a cluster rule cannot judge: each rule spreads these into its meta.reasons and skips with
 * one, so a run with nothing to compare (no Node objects, no node's own facts) never "passes".
 */
export const CLUSTER_REASONS = {
  noClusterNodes: { en: 'the cluster facts list no Node objects', zh: '集群数据中没有 Node 对象' },
  noNodeFacts: { en: 'no cluster node has its own facts here (give them with --nodes-from or --agents)', zh: '没有任何集群节点附带其自身的数据(用 --nodes-from 或 --agents 提供)' },
} as const;

/** The first gap of the bag for a rule that compares the cluster's nodes (and, with `own`, their facts). */
export function clusterGap(evidence: Evidence, o: { own: boolean }): keyof typeof CLUSTER_REASONS | undefined {
  const pairs = nodePairs(evidence);
  if (pairs.length === 0) return 'noClusterNodes';
  if (o.own && !pairs.some((p) => p.own)) return 'noNodeFacts';
  return undefined;
}
