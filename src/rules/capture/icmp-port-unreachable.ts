// ICMP "port unreachable": nothing listens on the port (or a REJECT rule answers so).
import { icmpRule } from '../shared/capture-icmp.js';

export default icmpRule({
  id: 'icmp-port-unreachable',
  kinds: ['port-unreachable'],
  title: { en: 'Nothing listens on the port (port unreachable)', zh: '端口上没有程序监听（端口不可达）' },
  severity: 'warning',
  message: {
    en: '{count} ICMP "port unreachable": nothing listens on these ports (or a REJECT rule answers so): {list}',
    zh: '{count} 个 ICMP “端口不可达”：这些端口上没有程序监听（或有 REJECT 规则这样应答）：{list}',
  },
  detail: {
    en: "The reporter is the destination host itself (or a firewall using iptables' default REJECT, which answers port-unreachable). Check that the service listens on that address and port.",
    zh: '上报者通常就是目标主机本身（或使用 iptables 默认 REJECT 的防火墙，它以端口不可达应答）。请确认服务在该地址和端口上监听。',
  },
  explanation: {
    en: 'A UDP datagram reached a host with no socket on its port, and the host said so (ICMP type 3 code 3, ICMPv6 type 1 code 4); iptables\' REJECT without options answers the same way. For VXLAN between nodes it means the receiving node has no VXLAN device on that port (a port mismatch between the nodes: flannel uses 8472, Calico and the Linux default 4789), or its overlay is down.',
    zh: 'UDP 数据报到达的主机在该端口上没有套接字，主机于是通告（ICMP 类型 3 代码 3，ICMPv6 类型 1 代码 4）；不带选项的 iptables REJECT 也这样应答。若是节点之间的 VXLAN，说明接收节点在该端口上没有 VXLAN 设备（节点之间端口不一致：flannel 用 8472，Calico 和 Linux 默认用 4789），或其 overlay 已停止。',
  },
  remediation: [
    {
      description: { en: 'On the reporting host ({reporter}), check what listens on the port; for VXLAN, the device\'s port on both nodes', zh: '在上报主机（{reporter}）上检查该端口上的监听；若是 VXLAN，检查两个节点上设备的端口' },
      commands: ['ss -lunp  # on {reporter}', 'ip -d link show type vxlan | grep -o "dstport [0-9]*"  # on both nodes'],
      undo: ['# nothing to undo: read-only checks'],
    },
  ],
  references: ['kb:known-failures.md#6 (VXLAN port mismatch between nodes)'],
  fallbackFilter: '(icmp.type == 3 && icmp.code == 3) || (icmpv6.type == 1 && icmpv6.code == 4)',
});
