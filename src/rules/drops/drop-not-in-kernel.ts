// Probes were lost, both nodes' kernels were traced whole, and neither dropped them: the loss is
// between the nodes (the underlay: a switch, a security group, a cloud firewall).
import { defineRule } from '../../engine/types.js';
import { checkDrops } from '../shared/drop-rule.js';

export default defineRule({
  meta: {
    id: 'drop-not-in-kernel',
    kind: 'drops',
    title: { en: 'Neither node\'s kernel dropped the lost probes: the underlay did', zh: '两个节点的内核都没有丢弃丢失的探测:丢在底层网络' },
    severity: 'error',
    needs: ['probes', 'drops'],
    messages: {
      underlay: {
        en: '{lost} of {sent} UDP probes from {from} to {to} ({label}) were lost, and not dropped by either node\'s kernel: in the underlay between the nodes (both kernels were traced during the probe and freed nothing that matches). The kernel\'s trace outranks the placement by counters',
        zh: '{from} 到 {to}({label})的 {sent} 个 UDP 探测中有 {lost} 个丢失,且不是被任一节点的内核丢弃:丢在节点之间的底层网络(探测期间两个内核都被跟踪,没有释放相符的报文)。内核跟踪优先于按计数器的定位',
      },
    },
    reasons: {
      noUdpEcho: { en: 'no UDP echo among the probes', zh: '探测结果中没有 UDP 回显' },
      untraced: { en: 'the probes that lost packets were not traced on both nodes ({node}: {why})', zh: '丢包的探测没有在两个节点上都被跟踪({node}:{why})' },
    },
    explanation: {
      en: 'With --trace, podpath watched skb:kfree_skb on both nodes around the probe, and neither kernel freed about as many packets as were lost beyond its baseline, while both traces were complete (no limit hit, no events overwritten). The packets left one node and never reached the other\'s kernel: a switch, a router, a cloud security group or a network firewall between them dropped them, or a policer (see underlay-rate-blackhole) or an MTU limit on the path (underlay-size-limit). A NIC that drops in hardware before the kernel sees the packet looks the same: compare `ethtool -S` rx drop counters.',
      zh: '使用 --trace 时,podpath 在探测前后于两个节点上观察 skb:kfree_skb,两个内核释放的报文(扣除基线)都远少于丢失数,且两份跟踪都完整(未触及限制,没有事件被覆盖)。报文离开了一个节点,却没有到达另一个节点的内核:它们之间的交换机、路由器、云安全组或网络防火墙丢弃了它们,或路径上的限速(见 underlay-rate-blackhole)或 MTU 限制(underlay-size-limit)。在内核看到报文之前就在硬件中丢包的网卡看起来也一样:比较 `ethtool -S` 的接收丢包计数。',
    },
    remediation: [
      {
        description: { en: 'Check the security groups or firewalls between the nodes for the VXLAN port (UDP 8472 flannel, 4789 Calico) and the probe port', zh: '检查节点之间的安全组或防火墙是否放行 VXLAN 端口(flannel UDP 8472,Calico 4789)和探测端口' },
        commands: ['tcpdump -nn -i any udp port 8472 or udp port 4789  # on both nodes while probing: sent on one, never seen on the other', 'ethtool -S eth0 | grep -i -e drop -e miss  # on the receiver'],
        undo: ['# nothing to undo: read-only'],
      },
    ],
    references: ['kb:known-failures.md#6 (firewall or security group blocks the tunnel)', 'seeds/003_2b1b2eccaee5794d.txt'],
  },
  check(ctx) {
    checkDrops(ctx, (p, placed) => (placed.place === 'underlay'
      ? { messageId: 'underlay', data: { from: p.from, to: p.to, label: p.label, sent: p.echo?.sent ?? 0, lost: placed.lost } }
      : undefined));
  },
});
