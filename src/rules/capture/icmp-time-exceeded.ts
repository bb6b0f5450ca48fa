// ICMP "time exceeded": packets ran out of TTL on the way (a routing loop, unless a traceroute ran).
import { icmpRule } from '../shared/capture-icmp.js';

export default icmpRule({
  id: 'icmp-time-exceeded',
  kinds: ['time-exceeded'],
  title: { en: 'Packets ran out of TTL on the way (time exceeded)', zh: '报文在途中 TTL 耗尽（超时）' },
  severity: 'warning',
  message: {
    en: '{count} ICMP "time exceeded": packets ran out of TTL on the way (a routing loop, unless a traceroute ran): {list}',
    zh: '{count} 个 ICMP “超时”：报文在途中 TTL 耗尽（除非有人在跑 traceroute，否则是路由环路）：{list}',
  },
  detail: {
    en: 'Two hops that route the destination to each other loop packets until the TTL runs out: compare the routes of the reporting hops.',
    zh: '两跳互相把目的地路由给对方，报文循环直到 TTL 耗尽：请对比上报各跳的路由。',
  },
  explanation: {
    en: 'A hop decremented a packet\'s TTL (hop limit) to zero and dropped it (ICMP type 11, ICMPv6 type 3). traceroute does that on purpose with small TTLs; ordinary traffic runs out of TTL only when it loops: two hosts each route the destination to the other (a node whose route to a pod subnet points back at the sender, an overlay address routed into the underlay).',
    zh: '某一跳把报文的 TTL（跳数限制）减到零并丢弃（ICMP 类型 11，ICMPv6 类型 3）。traceroute 会故意用小 TTL 触发；普通流量只有在环路时才会耗尽 TTL：两台主机各自把目的地路由给对方（某节点到 Pod 子网的路由又指回发送端，overlay 地址被路由进了底层网络）。',
  },
  remediation: [
    {
      description: { en: 'Compare the routes to the destination on the reporting hops ({reporter} first)', zh: '对比各上报跳（先看 {reporter}）到目的地的路由' },
      commands: ['ip route get "${DEST:?set DEST to the looping destination}"  # on {reporter} and on the next hop it names'],
      undo: ['# nothing to undo: read-only checks'],
    },
  ],
  references: ['kb:known-failures.md#6'],
  fallbackFilter: 'icmp.type == 11 || icmpv6.type == 3',
});
