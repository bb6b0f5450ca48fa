// flannel routes each peer's podCIDR over flannel.<VNI> (or, with DirectRouting, via the peer's
// public-ip): a node's podCIDR with no route on another node is unreachable from there, and a
// route to a CIDR no node owns is left over from a node that is gone (or sends pods astray).
import { fragment } from '../../engine/shell-fill.js';
import { defineRule } from '../../engine/types.js';
import { networkAddress, parseCidr } from '../../util/ipv4.js';
import { agentPod, factLine, flannelDeviceName, listShort, nodePairs, nodeSource, CLUSTER_REASONS, clusterGap } from '../shared/cluster-shared.js';

/** `10.244.1.0/24` in one spelling (host bits cleared), so route and podCIDR compare. */
function canonical(cidr: string): string | undefined {
  const p = parseCidr(cidr);
  if (!p || !cidr.includes('/')) return undefined;
  const net = networkAddress(cidr.split('/')[0]!, p.len);
  return net ? `${net}/${p.len}` : undefined;
}

/** More missing routes than this on one node are reported as one finding. */
const MAX_SINGLE = 3;

export default defineRule({
  meta: {
    id: 'pod-cidr-routes',
    kind: 'cluster',
    title: { en: 'A node\'s podCIDR has no route on another node, or a route leads to a CIDR no node owns', zh: '某节点的 podCIDR 在其他节点上没有路由,或有路由指向不属于任何节点的网段' },
    severity: 'error',
    needs: ['cluster', 'nodes'],
    messages: {
      missingRoute: {
        en: '{peer} has no route to {node}\'s podCIDR {cidr}: pods on {peer} cannot reach pods on {node} (flannel on {peer} never saw {node}\'s lease, or failed to add the route)',
        zh: '{peer} 没有去往 {node} 的 podCIDR {cidr} 的路由:{peer} 上的 Pod 无法访问 {node} 上的 Pod({peer} 上的 flannel 没有看到 {node} 的租约,或添加路由失败)',
      },
      missingRoutes: {
        en: '{peer} has no route to the podCIDRs of {count} nodes ({cidrs}): pods on {peer} cannot reach pods on those nodes (flannel on {peer} is not running or not watching the leases)',
        zh: '{peer} 没有去往 {count} 个节点的 podCIDR 的路由({cidrs}):{peer} 上的 Pod 无法访问这些节点上的 Pod({peer} 上的 flannel 没有运行或没有在监视租约)',
      },
      orphanRoute: {
        en: '{peer} routes {cidr} over {dev}, but no node in the cluster owns {cidr}: a leftover of a deleted or renumbered node; traffic to pods that now get addresses there goes to the wrong place',
        zh: '{peer} 经 {dev} 路由 {cidr},但集群中没有节点拥有 {cidr}:这是已删除或重新分配网段的节点留下的路由;发往现在使用这些地址的 Pod 的流量会走错地方',
      },
    },
    reasons: {
      ...CLUSTER_REASONS,
      noPodCidrs: { en: 'no node lists spec.podCIDRs', zh: '没有任何节点列出 spec.podCIDRs' },
      noRoutes: { en: 'no cluster node has its routing table here', zh: '没有任何集群节点附带其路由表' },
      notFlannel: { en: 'no flannel in the cluster facts (Calico routes per IPAM block, not per podCIDR)', zh: '集群数据中没有 flannel(Calico 按 IPAM 块路由,而不是按 podCIDR)' },
    },
    explanation: {
      en: 'With the kube subnet manager, flannel gives each node the podCIDR the controller manager assigned (spec.podCIDRs) and, on every other node, adds a route to it: `<podCIDR> via <subnet address> dev flannel.<VNI> onlink` (VXLAN), or via the peer\'s public-ip when DirectRouting applies. A podCIDR without that route on some node means the pods there cannot reach that node\'s pods; a route over the flannel device to a CIDR no node owns is stale (flannel removes routes when a lease expires, but a node deleted while flannel was down on a peer leaves them). podpath compares every node\'s main routing table with every node\'s spec.podCIDRs.',
      zh: '使用 `--kube-subnet-mgr` 时,flannel 让每个节点使用 controller manager 分配的 podCIDR(spec.podCIDRs),并在其他每个节点上添加去往它的路由:`<podCIDR> via <子网地址> dev flannel.<VNI> onlink`(VXLAN),或在 DirectRouting 生效时经对端 public-ip。某节点缺少该路由,则其上的 Pod 无法访问那个节点的 Pod;经 flannel 设备去往不属于任何节点的网段的路由是过期的(租约过期时 flannel 会删除路由,但对端 flannel 停止期间被删除的节点会留下路由)。podpath 把每个节点的主路由表与所有节点的 spec.podCIDRs 比较。',
    },
    remediation: [
      {
        description: { en: 'Restart flannel on {peer}: it adds a route for every lease and removes the others', zh: '重启 {peer} 上的 flannel:它会为每个租约添加路由并删除其他路由' },
        commands: ['ip route show > /tmp/podpath-routes.before.txt  # on {peer}', 'kubectl -n {namespace} delete pod -l {selector} --field-selector spec.nodeName={peer}'],
        undo: ['# nothing to undo: the DaemonSet starts a new flannel pod; the routes as they were are in /tmp/podpath-routes.before.txt on {peer}'],
      },
      {
        description: { en: 'Or, on {peer}, correct the route by hand', zh: '或在 {peer} 上手工修正路由' },
        commands: ['{fixCommand}'],
        undo: ['{undoCommand}'],
      },
    ],
    references: ['repo:flannel-io/flannel pkg/backend/vxlan/vxlan_network.go (route per lease: via the lease\'s subnet address, dev flannel.<VNI>, onlink)', 'node rule peer-pod-routes-missing (one node\'s view)'],
  },
  check(ctx) {
    const cluster = ctx.evidence.cluster!;
    const gap = clusterGap(ctx.evidence, { own: true });
    if (gap) return ctx.skip(gap);
    const pairs = nodePairs(ctx.evidence);
    if (!cluster.flannelNetConf && !pairs.some((p) => p.node.flannel)) return ctx.skip('notFlannel');
    const agent = agentPod(cluster, 'flannel');
    const owned = new Map<string, string>();
    for (const { node } of pairs) for (const c of node.podCIDRs.value) { const k = canonical(c); if (k) owned.set(k, node.name); }
    // Without any podCIDR every route on the flannel device would look orphaned.
    if (owned.size === 0) return ctx.skip('noPodCidrs');
    let judged = 0;
    // A node list cut short proves nothing about who owns what: no orphan then.
    const listComplete = !cluster.partial.some((p) => /nodes/.test(p.resource));
    for (const peer of pairs) {
      const facts = peer.own?.facts;
      if (!facts?.routes) continue;
      judged++;
      const dev = flannelDeviceName(cluster, peer.node);
      const src = nodeSource(peer.node.name, facts.routes.source, 'ip route');
      const main = facts.routes.items.filter((r) => r.table === 'main' && r.dst !== 'default');
      const routed = new Set(main.map((r) => canonical(r.dst.includes('/') ? r.dst : `${r.dst}/32`)));
      const unrouted: { node: (typeof pairs)[number]['node']; cidr: string }[] = [];
      for (const { node } of pairs) {
        if (node.name === peer.node.name) continue;
        for (const cidr of node.podCIDRs.value.filter((c) => !c.includes(':'))) {
          const k = canonical(cidr);
          if (k && !routed.has(k)) unrouted.push({ node, cidr: k });
        }
      }
      const onDev = `on ${dev}: ${listShort(main.filter((r) => r.dev === dev).map((r) => r.dst), 6) || 'none'}`;
      // A few missing routes one by one (each with its by-hand fix); many (flannel down there) as one.
      if (unrouted.length > MAX_SINGLE) {
        ctx.report({
          messageId: 'missingRoutes',
          data: { peer: peer.node.name, count: unrouted.length, cidrs: listShort(unrouted.map((u) => `${u.cidr} (${u.node.name})`), 6), dev, ...agent },
          commandData: { fixCommand: fragment('# {count} routes: restart flannel on {peer} (above)', { count: unrouted.length, peer: peer.node.name }), undoCommand: fragment('# nothing to undo') },
          evidence: [...unrouted.slice(0, 3).map((u) => factLine(u.node.podCIDRs)), { source: src, text: `no route to ${unrouted.length} podCIDRs; ${onDev}` }],
        });
      } else {
        for (const { node, cidr: k } of unrouted) {
          const gw = k.split('/')[0]!;
          ctx.report({
            messageId: 'missingRoute',
            data: { peer: peer.node.name, node: node.name, cidr: k, dev, ...agent },
            commandData: { fixCommand: fragment('ip route replace {cidr} via {gw} dev {dev} onlink', { cidr: k, gw, dev }), undoCommand: fragment('ip route del {cidr} via {gw} dev {dev}', { cidr: k, gw, dev }) },
            evidence: [factLine(node.podCIDRs), { source: src, text: `no route to ${k}; ${onDev}` }],
          });
        }
      }
      if (!listComplete) continue;
      for (const r of main) {
        if (r.dev !== dev || !r.dst.includes('/')) continue;
        const k = canonical(r.dst);
        if (!k || owned.has(k)) continue;
        const back = r.via ? fragment('ip route replace {cidr} via {via} dev {dev} onlink', { cidr: k, via: r.via, dev }) : fragment('ip route replace {cidr} dev {dev}', { cidr: k, dev });
        ctx.report({
          messageId: 'orphanRoute',
          data: { peer: peer.node.name, cidr: k, dev, ...agent },
          commandData: { fixCommand: fragment('ip route del {cidr} dev {dev}', { cidr: k, dev }), undoCommand: back },
          evidence: [{ source: src, text: r.line }, { source: `${cluster.nodes.length} nodes`, text: `spec.podCIDRs: ${listShort([...owned.keys()], 10)}` }],
        });
      }
    }
    if (judged === 0) ctx.skip('noRoutes');
  },
});
