// Calico's vxlanMode CrossSubnet encapsulates only between nodes in different subnets; between
// nodes felix takes for one subnet, pod packets go out bare, with pod addresses on the underlay.
// That works only where the underlay delivers them: not through a router (the kernel sends the
// peer via a gateway although Calico thinks it is on-link), not in an AWS VPC with the instances'
// source/destination check on.
import { defineRule } from '../../engine/types.js';
import type { ClusterNode } from '../../evidence/cluster-facts.js';
import { networkAddress, cidrContains } from '../../util/ipv4.js';
import { bareAddress, factLine, nodePairs, nodeSource, routeFor, CLUSTER_REASONS, clusterGap } from '../shared/cluster-shared.js';

/** Peers in the same subnet whose route is looked up per node. */
const PEERS_SAMPLED = 32;
const REGION_LABELS = ['topology.kubernetes.io/region', 'failure-domain.beta.kubernetes.io/region'];
/** AWS region names (eu-central-1, us-gov-west-1): other clouds name theirs otherwise. */
const AWS_REGION = /^(us|eu|ap|sa|ca|me|af|il|mx)(-gov)?-[a-z]+-\d+$/;

function awsRegion(n: ClusterNode): string | undefined {
  for (const k of REGION_LABELS) {
    const v = n.labels.value[k];
    if (v && AWS_REGION.test(v)) return v;
  }
  return undefined;
}

export default defineRule({
  meta: {
    id: 'calico-crosssubnet-underlay',
    kind: 'cluster',
    title: { en: 'Calico CrossSubnet sends pod traffic unencapsulated over an underlay that cannot route pod addresses', zh: 'Calico CrossSubnet 在无法路由 Pod 地址的底层网络上发送未封装的 Pod 流量' },
    severity: 'error',
    needs: ['cluster'],
    uses: ['nodes'],
    reasons: {
      ...CLUSTER_REASONS,
      noIPPools: { en: 'no Calico IPPool in the cluster facts', zh: '集群数据中没有 Calico IPPool' },
      noCalicoAddress: { en: 'no node carries projectcalico.org/IPv4Address with its prefix length', zh: '没有任何节点带有含前缀长度的 projectcalico.org/IPv4Address' },
    },
    messages: {
      viaGateway: {
        en: 'IPPool {pool} has vxlanMode CrossSubnet and Calico takes {node} and {peer} for one subnet ({subnet}, {node}\'s IPv4Address), so pod traffic from {node} to {peer} leaves unencapsulated; but {node} routes {peerIp} via gateway {gw}: the router receives packets with pod addresses it has no route for and drops them',
        zh: 'IPPool {pool} 的 vxlanMode 为 CrossSubnet,Calico 认为 {node} 与 {peer} 在同一子网({subnet},来自 {node} 的 IPv4Address),因此 {node} 发往 {peer} 的 Pod 流量不封装;但 {node} 经网关 {gw} 路由 {peerIp}:路由器收到带 Pod 地址的报文,没有对应路由而丢弃',
      },
      awsVpc: {
        en: 'IPPool {pool} has vxlanMode CrossSubnet and {count} node pair(s) share a subnet ({pairs}): their pod traffic leaves unencapsulated into the AWS VPC ({region}), which drops packets whose addresses are not the instance\'s own unless the source/destination check is off on every instance',
        zh: 'IPPool {pool} 的 vxlanMode 为 CrossSubnet,有 {count} 对节点在同一子网({pairs}):它们之间的 Pod 流量不封装地进入 AWS VPC({region}),除非每个实例都关闭了源/目的检查,VPC 会丢弃地址不属于该实例的报文',
      },
    },
    explanation: {
      en: 'With vxlanMode CrossSubnet, felix routes a peer\'s IPAM blocks over vxlan.calico only when the peer\'s address lies outside this node\'s subnet, taken from the node\'s projectcalico.org/IPv4Address (address/prefix, as calico-node autodetected it); inside it, the route is `<block> via <peer IP> dev <NIC>` and pod packets cross the underlay bare. That needs an underlay that delivers packets addressed to pods: a subnet whose prefix is wider than the real link (the kernel then reaches the peer via a gateway, and the router drops pod addresses), or a cloud network that checks addresses (AWS: source/destination check), breaks same-subnet pod traffic while cross-subnet traffic (encapsulated) works. podpath takes the pools and each node\'s IPv4Address from the cluster and, where it has the node\'s facts, the kernel\'s route to the peer.',
      zh: 'vxlanMode 为 CrossSubnet 时,只有当对端地址在本节点子网之外时,felix 才经 vxlan.calico 路由对端的 IPAM 块;子网取自节点的 projectcalico.org/IPv4Address(calico-node 自动探测的 地址/前缀)。在子网之内,路由为 `<块> via <对端 IP> dev <网卡>`,Pod 报文不封装地穿过底层网络。这要求底层网络能投递目的为 Pod 地址的报文:若子网前缀比实际链路宽(内核经网关到达对端,路由器丢弃 Pod 地址),或云网络检查地址(AWS 的源/目的检查),同子网的 Pod 流量就会中断,而跨子网(封装)的流量正常。podpath 从集群取 IP 池和各节点的 IPv4Address,并在有节点数据时取内核到对端的路由。',
    },
    remediation: [
      {
        description: { en: 'Encapsulate all pod traffic of pool {pool} (vxlanMode Always); new routes take effect at once', zh: '让 IP 池 {pool} 的所有 Pod 流量都封装(vxlanMode Always);新路由立即生效' },
        commands: ['kubectl get {resource} {pool} -o yaml > /tmp/podpath-ippool.before.yaml', 'kubectl patch {resource} {pool} --type merge -p \'{"spec":{"vxlanMode":"Always"}}\''],
        undo: ['kubectl patch {resource} {pool} --type merge -p \'{"spec":{"vxlanMode":"CrossSubnet"}}\''],
      },
    ],
    references: ['repo:projectcalico/calico felix/dataplane/linux/vxlan_mgr.go (CrossSubnet: same-subnet peers routed without encapsulation)', 'repo:projectcalico/calico libcalico-go/lib/backend/k8s/resources/node.go (IPv4Address annotation)', 'https://docs.tigera.io/calico/latest/networking/configuring/vxlan-ipip (CrossSubnet; AWS source/destination check)'],
  },
  check(ctx) {
    const cluster = ctx.evidence.cluster!;
    const gap = clusterGap(ctx.evidence, { own: false });
    if (gap) return ctx.skip(gap);
    if (cluster.calico.ippools.length === 0) return ctx.skip('noIPPools');
    const pools = cluster.calico.ippools.filter((p) => p.vxlanMode === 'CrossSubnet' && p.disabled !== true);
    if (pools.length === 0) return;
    const pairs = nodePairs(ctx.evidence).filter((p) => p.node.calico?.ipv4Address?.value.includes('/'));
    if (pairs.length === 0) return ctx.skip('noCalicoAddress');
    for (const pool of pools) {
      const resource = pool.apiVersion.startsWith('crd.') ? 'ippools.crd.projectcalico.org' : 'ippools.projectcalico.org';
      const poolLine = { source: `IPPool/${pool.name} spec.vxlanMode`, text: `vxlanMode: CrossSubnet (cidr ${pool.cidr ?? '?'})` };
      // Grouped by network first: a 5,000-node cluster in one subnet is not compared pair by pair.
      const keyOf = (p: (typeof pairs)[number]) => {
        const a = p.node.calico!.ipv4Address!.value;
        const len = Number(a.split('/')[1]);
        return `${networkAddress(bareAddress(a), len) ?? a}/${len}`;
      };
      const byNet = new Map<string, typeof pairs>();
      for (const p of pairs) byNet.set(keyOf(p), [...(byNet.get(keyOf(p)) ?? []), p]);
      let pairCount = 0;
      const shown: string[] = [];
      for (const x of pairs) {
        const subnet = x.node.calico!.ipv4Address!.value;
        const own = keyOf(x);
        // Same network and length: the same subnet; other lengths: checked address by address.
        const peers = [...(byNet.get(own) ?? []), ...[...byNet].filter(([k]) => k !== own && k.split('/')[1] !== own.split('/')[1]).flatMap(([, g]) => g).filter((y) => cidrContains(subnet, bareAddress(y.node.calico!.ipv4Address!.value)))].filter((y) => y !== x);
        pairCount += peers.length;
        for (const y of peers) if (shown.length < 5 && x.node.name < y.node.name) shown.push(`${x.node.name}-${y.node.name}`);
        const facts = x.own?.facts;
        if (!facts?.routes) continue;
        for (const y of peers.slice(0, PEERS_SAMPLED)) {
          const peerIp = bareAddress(y.node.calico!.ipv4Address!.value);
          const route = routeFor(facts, peerIp);
          if (!route?.via) continue;
          ctx.report({
            messageId: 'viaGateway',
            data: { pool: pool.name, node: x.node.name, peer: y.node.name, subnet, peerIp, gw: route.via, resource },
            evidence: [poolLine, factLine(x.node.calico!.ipv4Address!), factLine(y.node.calico!.ipv4Address!), { source: nodeSource(x.node.name, facts.routes.source, 'ip route'), text: `${peerIp}: ${route.line}` }],
          });
        }
      }
      // Each pair was counted from both ends (a wider prefix on one side counts once: rounded up).
      const same = Math.ceil(pairCount / 2);
      const region = pairs.map((p) => awsRegion(p.node)).find((r) => r !== undefined);
      if (same > 0 && region) {
        ctx.report({
          messageId: 'awsVpc',
          severity: 'warning',
          data: { pool: pool.name, count: same, pairs: `${shown.join(', ')}${same > shown.length ? ', ...' : ''}`, region, resource },
          evidence: [poolLine, ...pairs.slice(0, 3).map((p) => factLine(p.node.calico!.ipv4Address!)), { source: `Node/${pairs[0]!.node.name} metadata.labels`, text: `region ${region}` }],
        });
      }
    }
  },
});
