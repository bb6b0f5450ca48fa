// flannel's public-ip: the underlay address every other node sends this node's VXLAN datagrams to
// (the FDB dst). Two nodes with one public-ip, an address the node does not have, or one on a NIC
// that does not route to the peers, all mean the tunnel ends somewhere else.
import { defineRule } from '../../engine/types.js';
import { agentPod, factLine, listShort, nodePairs, nodeSource, ownAddresses, routeFor, CLUSTER_REASONS, clusterGap } from '../shared/cluster-shared.js';

const OVERWRITE = 'flannel.alpha.coreos.com/public-ip-overwrite';
/** Peers whose route is looked up per node. */
const PEERS_SAMPLED = 32;

export default defineRule({
  meta: {
    id: 'public-ip-wrong',
    kind: 'cluster',
    title: { en: 'flannel public-ip shared by nodes, not the node\'s, or not on the NIC towards the peers', zh: 'flannel public-ip 被多个节点共用、不属于该节点,或不在通往对端的网卡上' },
    severity: 'error',
    needs: ['cluster'],
    uses: ['nodes'],
    reasons: {
      ...CLUSTER_REASONS,
      noPublicIp: { en: 'no node carries flannel\'s public-ip annotation', zh: '没有任何节点带有 flannel 的 public-ip 注解' },
    },
    messages: {
      duplicate: {
        en: 'Nodes {nodes} all advertise public-ip {ip}: the others send the VXLAN traffic of all of them to one host, so pods on all but one are unreachable (flannel picked an address every node has, e.g. a VPN or docker bridge address)',
        zh: '节点 {nodes} 通告的 public-ip 都是 {ip}:其他节点把它们的 VXLAN 流量都发到同一台主机,除其中一个之外的节点上的 Pod 都不可达(flannel 选中了每个节点都有的地址,如 VPN 或 docker 网桥地址)',
      },
      notOwn: {
        en: 'Node {node} advertises public-ip {ip}, but no interface of {node} holds {ip} (it has {addresses}): the other nodes send its VXLAN traffic to an address that is not its own',
        zh: '节点 {node} 通告的 public-ip 是 {ip},但 {node} 没有任何接口持有 {ip}(它的地址是 {addresses}):其他节点把发往它的 VXLAN 流量发到了不属于它的地址',
      },
      notRoutingNic: {
        en: 'Node {node} advertises public-ip {ip} on {ipDev}, but it routes to its peers ({peers}) through {routeDev}: VXLAN replies leave from another interface than the one the peers send to, and a stateful firewall, rp_filter or the cloud network drops them',
        zh: '节点 {node} 通告的 public-ip {ip} 在 {ipDev} 上,但它去往对端({peers})的路由走 {routeDev}:VXLAN 回包从另一个接口发出,会被有状态防火墙、rp_filter 或云网络丢弃',
      },
    },
    explanation: {
      en: 'flannel takes its public-ip from the interface it binds to (--iface, --iface-regex, --iface-can-reach, else the interface of the default route) and writes it to the node\'s flannel.alpha.coreos.com/public-ip annotation; the public-ip-overwrite annotation replaces it. Every other node uses it as the FDB destination of this node\'s VTEP. If two nodes advertise the same address, if the address is not the node\'s, or if it is on an interface other than the one that routes to the peers, the VXLAN traffic goes to the wrong host or comes back from the wrong interface. The knowledge base lists it as "flannel picked the wrong interface".',
      zh: 'flannel 从它绑定的接口(--iface、--iface-regex、--iface-can-reach,否则为默认路由所在接口)取 public-ip,写入节点注解 flannel.alpha.coreos.com/public-ip;public-ip-overwrite 注解可以替换它。其他所有节点把它作为本节点 VTEP 的 FDB 目的地址。两个节点通告同一地址、地址不属于该节点、或地址所在接口不是通往对端的接口时,VXLAN 流量会发往错误的主机或从错误的接口返回。知识库中即“flannel 选错了接口”。',
    },
    remediation: [
      {
        description: { en: 'Pin {node}\'s public-ip to its InternalIP {internalIP} with the overwrite annotation, then restart its flannel pod (or start flannel with --iface / --iface-can-reach)', zh: '用 overwrite 注解把 {node} 的 public-ip 固定为其 InternalIP {internalIP},然后重启其 flannel Pod(或以 --iface / --iface-can-reach 启动 flannel)' },
        commands: [`kubectl annotate node {node} ${OVERWRITE}={internalIP} --overwrite`, 'kubectl -n {namespace} delete pod -l {selector} --field-selector spec.nodeName={node}'],
        undo: [`kubectl annotate node {node} ${OVERWRITE}-`, 'kubectl -n {namespace} delete pod -l {selector} --field-selector spec.nodeName={node}'],
      },
    ],
    references: ['kb:known-failures.md#6 (flannel picked the wrong interface)', 'repo:flannel-io/flannel Documentation/kubernetes.md (public-ip-overwrite annotation)', 'repo:flannel-io/flannel Documentation/configuration.md (--iface, --iface-can-reach)'],
  },
  check(ctx) {
    const cluster = ctx.evidence.cluster!;
    const gap = clusterGap(ctx.evidence, { own: false });
    if (gap) return ctx.skip(gap);
    const pairs = nodePairs(ctx.evidence);
    const agent = agentPod(cluster, 'flannel');
    const pub = (n: (typeof pairs)[number]['node']) => n.flannel?.publicIPOverwrite ?? n.flannel?.publicIP;
    const internal = (n: (typeof pairs)[number]['node']) => n.internalIPs.value.find((a) => !a.includes(':')) ?? n.internalIPs.value[0] ?? '';
    if (!pairs.some((p) => pub(p.node))) return ctx.skip('noPublicIp');
    // Several nodes, one address.
    const byIp = new Map<string, typeof pairs>();
    for (const p of pairs) {
      const ip = pub(p.node)?.value;
      if (ip) byIp.set(ip, [...(byIp.get(ip) ?? []), p]);
    }
    for (const [ip, group] of byIp) {
      if (group.length < 2) continue;
      // The node whose InternalIP it is, if any, keeps it: the fix is for the others.
      const wrong = group.find((p) => internal(p.node) !== ip) ?? group[0]!;
      ctx.report({
        messageId: 'duplicate',
        data: { nodes: listShort(group.map((p) => p.node.name)), ip, node: wrong.node.name, internalIP: internal(wrong.node), ...agent },
        evidence: group.slice(0, 8).map((p) => factLine(pub(p.node)!)),
      });
    }
    for (const { node, own } of pairs) {
      const ip = pub(node);
      if (!ip || !own?.facts.links) continue;
      const facts = own.facts;
      const mine = ownAddresses(facts);
      const holder = mine.find((a) => a.address === ip.value);
      const data = { node: node.name, ip: ip.value, internalIP: internal(node), ...agent };
      const linkSrc = nodeSource(node.name, facts.links?.source, 'ip address');
      if (!holder) {
        const addresses = mine.filter((a) => !a.address.startsWith('127.')).map((a) => `${a.address}/${a.prefixLen} ${a.link.name}`);
        ctx.report({ messageId: 'notOwn', data: { ...data, addresses: listShort(addresses, 6) || 'none' }, evidence: [factLine(ip), { source: linkSrc, text: `inet ${listShort(addresses, 12) || 'none'}` }] });
        continue;
      }
      if (!facts.routes) continue;
      // A sample of the peers is enough to see the interface towards them (and keeps 5,000 nodes linear).
      const peers = pairs.filter((p) => p.node.name !== node.name).map((p) => pub(p.node)?.value).filter((x): x is string => x !== undefined && x !== ip.value).slice(0, PEERS_SAMPLED);
      const astray = peers.map((peer) => ({ peer, route: routeFor(facts, peer) })).filter((x) => x.route?.dev !== undefined && x.route.dev !== holder.link.name);
      if (astray.length === 0) continue;
      const routeDev = [...new Set(astray.map((x) => x.route!.dev!))].join(', ');
      ctx.report({
        messageId: 'notRoutingNic',
        data: { ...data, ipDev: holder.link.name, routeDev, peers: listShort(astray.map((x) => x.peer), 5) },
        evidence: [factLine(ip), { source: linkSrc, text: `${holder.link.name}: inet ${holder.address}/${holder.prefixLen}` }, ...astray.slice(0, 4).map((x) => ({ source: nodeSource(node.name, facts.routes?.source, 'ip route'), text: `${x.peer}: ${x.route!.line}` }))],
      });
    }
  },
});
