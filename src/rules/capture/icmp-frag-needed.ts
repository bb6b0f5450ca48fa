// ICMP "fragmentation needed" / ICMPv6 "packet too big": a hop cannot forward packets this large.
import { icmpRule } from '../shared/capture-icmp.js';

export default icmpRule({
  id: 'icmp-frag-needed',
  kinds: ['frag-needed'],
  title: { en: 'A hop cannot forward packets this large (fragmentation needed)', zh: '路径上某一跳转发不了这么大的报文（需要分片）' },
  severity: 'error',
  message: {
    en: '{count} ICMP "fragmentation needed" / "packet too big": a hop cannot forward packets this large: {list}',
    zh: '{count} 个 ICMP “需要分片”/“报文过大”：路径上某一跳转发不了这么大的报文：{list}',
  },
  detail: {
    en: 'The path MTU is smaller than what the sender sends with DF set. If these ICMPs are filtered before they reach the sender, large packets vanish silently (a PMTU blackhole). Make the MTUs agree (overlay MTU = underlay MTU - 50 for VXLAN) or clamp the TCP MSS.',
    zh: '路径 MTU 小于发送端带 DF 发出的报文。若这些 ICMP 在到达发送端之前被过滤，大报文会悄无声息地消失（PMTU 黑洞）。请统一 MTU（VXLAN 的 overlay MTU = underlay MTU - 50）或钳制 TCP MSS。',
  },
  explanation: {
    en: 'A router or host on the path (the reporter) got a packet larger than the MTU of its next hop with Don\'t Fragment set, dropped it and said so, with the MTU it can forward (ICMP type 3 code 4; ICMPv6 type 2). The sender should lower its path MTU and retry smaller. When these errors do not get back to the sender (a firewall filtering ICMP) large packets vanish without a trace: a PMTU blackhole, where small requests work and large answers hang. In an overlay the usual cause is an MTU that does not leave room for the encapsulation: VXLAN over IPv4 needs 50 bytes, so the overlay MTU must be the underlay MTU minus 50.',
    zh: '路径上的路由器或主机（上报者）收到一个大于下一跳 MTU 且设置了 DF 的报文，丢弃后发出通告，并带上它能转发的 MTU（ICMP 类型 3 代码 4；ICMPv6 类型 2）。发送端应降低路径 MTU 并以更小的报文重试。若这些差错回不到发送端（防火墙过滤了 ICMP），大报文就会无声无息地消失：即 PMTU 黑洞，小请求正常而大响应卡住。在 overlay 中常见原因是 MTU 没有为封装留出空间：基于 IPv4 的 VXLAN 需要 50 字节，因此 overlay MTU 必须等于 underlay MTU 减 50。',
  },
  remediation: [
    {
      description: { en: 'Compare the MTUs along the path with the one the reporter ({reporter}) names, and set the CNI MTU to fit (flannel: the backend "MTU"; Calico: the veth/VXLAN MTU)', zh: '将路径上的 MTU 与上报者（{reporter}）给出的 MTU 对比，并据此设置 CNI 的 MTU（flannel：后端 "MTU"；Calico：veth/VXLAN MTU）' },
      commands: ['ip -d link show  # MTUs of the NIC and the overlay device, on both nodes', 'ping -M do -s 1472 -c 3 "${PEER:?set PEER to the other node}"  # the largest unfragmented IPv4 packet of a 1500 path'],
      undo: ['# nothing to undo: read-only checks'],
    },
  ],
  references: ['kb:known-failures.md#5 (MTU mismatch and size limits in the underlay)', 'RFC 1191', 'RFC 8201'],
  fallbackFilter: '(icmp.type == 3 && icmp.code == 4) || icmpv6.type == 2',
});
