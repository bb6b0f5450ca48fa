// ICMP "host / network unreachable" (and the rarer unreachable codes): a hop has no way there.
import { icmpRule } from '../shared/capture-icmp.js';

export default icmpRule({
  id: 'icmp-host-unreachable',
  kinds: ['host-unreachable', 'net-unreachable', 'protocol-unreachable', 'unreachable'],
  title: { en: 'A hop has no way to the destination (host or network unreachable)', zh: '某一跳到不了目的地（主机/网络不可达）' },
  severity: 'error',
  message: {
    en: '{count} ICMP "host / network unreachable": a hop has no way to these destinations: {list}',
    zh: '{count} 个 ICMP “主机/网络不可达”：某一跳到不了这些目的地：{list}',
  },
  detail: {
    en: 'The reporting hop has no route to the destination, or its neighbour (ARP/NDP) never answered: check routes and neighbours there (for an overlay: the peer-pod routes and the VXLAN FDB/neighbour entries of the node that reports it).',
    zh: '上报的那一跳没有到目的地的路由，或邻居（ARP/NDP）始终无应答：检查它的路由和邻居表（overlay 时：上报节点的对端 Pod 路由以及 VXLAN FDB/邻居条目）。',
  },
  explanation: {
    en: 'The reporter could not forward the quoted packets: no route to the destination network (ICMP type 3 code 0, ICMPv6 type 1 code 0), or a route but no answer from the next hop\'s neighbour resolution (code 1; ICMPv6 code 3), or another unreachable code. On a node of an overlay it means the route to the peer\'s pod subnet through the VXLAN device is missing (seed 001: NetworkManager removed flannel\'s routes), or the VXLAN neighbour and FDB entries for the peer are missing or stale.',
    zh: '上报者无法转发被引用的报文：没有到目的网络的路由（ICMP 类型 3 代码 0，ICMPv6 类型 1 代码 0），或有路由但下一跳的邻居解析没有应答（代码 1；ICMPv6 代码 3），或其他不可达代码。在 overlay 节点上这意味着经 VXLAN 设备到对端 Pod 子网的路由缺失（种子 001：NetworkManager 删除了 flannel 的路由），或对端的 VXLAN 邻居和 FDB 条目缺失或过期。',
  },
  remediation: [
    {
      description: { en: 'On the reporting host ({reporter}), check the route and the neighbour for the destination; podpath doctor there runs the route and FDB rules', zh: '在上报主机（{reporter}）上检查到目的地的路由和邻居；在该主机运行 podpath doctor 会执行路由和 FDB 相关规则' },
      commands: ['ip route get "${DEST:?set DEST to the unreachable address}"  # on {reporter}', 'ip neigh show; bridge fdb show dev flannel.1  # on {reporter} (vxlan.calico for Calico)', 'podpath doctor  # on {reporter}'],
      undo: ['# nothing to undo: read-only checks'],
    },
  ],
  references: ['seeds/001_0a221eb4beabdda2.txt', 'kb:known-failures.md#6 (stale VtepMAC / FDB / neighbour)'],
  fallbackFilter: '(icmp.type == 3 && (icmp.code <= 1 || icmp.code == 2 || icmp.code >= 5)) || (icmpv6.type == 1 && (icmpv6.code == 0 || icmpv6.code == 2 || icmpv6.code == 3))',
});
