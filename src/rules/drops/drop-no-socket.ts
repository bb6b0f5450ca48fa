// NO_SOCKET at the receiver: on the overlay, the VXLAN datagrams reached a node with no VXLAN
// device on their UDP port (a port mismatch); on the underlay, nothing listened on the probe port.
import { defineRule } from '../../engine/types.js';
import { checkDrops, dropData } from '../shared/drop-rule.js';

export default defineRule({
  meta: {
    id: 'drop-no-socket',
    kind: 'drops',
    title: { en: 'The receiver has no socket for the probes (VXLAN port mismatch)', zh: '接收端没有接收探测报文的套接字(VXLAN 端口不一致)' },
    severity: 'critical',
    needs: ['probes', 'drops'],
    messages: {
      vxlanPort: {
        en: '{lost} of {sent} UDP probes from {from} to {to} over the overlay were dropped by {node}\'s kernel: {reason} in {symbol}, {count} times during the probe ({baseline} in the baseline): the VXLAN datagrams reached {node}, but no VXLAN device listens on their UDP port there (a VXLAN port mismatch). The kernel\'s trace outranks the placement by counters',
        zh: '{from} 到 {to} 经 overlay 的 {sent} 个 UDP 探测中有 {lost} 个被 {node} 的内核丢弃:{symbol} 中的 {reason},探测期间 {count} 次(基线期间 {baseline} 次):VXLAN 报文到达了 {node},但那里没有 VXLAN 设备监听该 UDP 端口(VXLAN 端口不一致)。内核跟踪优先于按计数器的定位',
      },
      port: {
        en: '{lost} of {sent} UDP probes from {from} to {to} ({label}) were dropped by {node}\'s kernel: {reason} in {symbol}, {count} times during the probe ({baseline} in the baseline): nothing listens on the probe port there. The kernel\'s trace outranks the placement by counters',
        zh: '{from} 到 {to}({label})的 {sent} 个 UDP 探测中有 {lost} 个被 {node} 的内核丢弃:{symbol} 中的 {reason},探测期间 {count} 次(基线期间 {baseline} 次):那里没有程序监听探测端口。内核跟踪优先于按计数器的定位',
      },
    },
    reasons: {
      noUdpEcho: { en: 'no UDP echo among the probes', zh: '探测结果中没有 UDP 回显' },
      untraced: { en: 'the probes that lost packets were not traced on both nodes ({node}: {why})', zh: '丢包的探测没有在两个节点上都被跟踪({node}:{why})' },
    },
    explanation: {
      en: 'The kernel freed the datagrams in __udp4_lib_rcv with reason NO_SOCKET: no socket was bound to their destination UDP port (older kernels: the same place while Udp NoPorts rose). For overlay probes the datagram that died is the outer VXLAN one, so the receiving node has no VXLAN device on the port the sender uses: flannel uses 8472 (the Linux default), Calico and the IANA port are 4789; a node whose vxlan device was recreated with another dstport, or a CNI upgrade that changed the port on some nodes only, shows exactly this. Compare `ip -d link show` on both nodes.',
      zh: '内核在 __udp4_lib_rcv 中以 NO_SOCKET 原因释放了报文:没有套接字绑定在其目的 UDP 端口上(更老的内核:同一位置且 Udp NoPorts 上涨)。对 overlay 探测而言,被丢弃的是外层 VXLAN 报文,说明接收节点在发送端使用的端口上没有 VXLAN 设备:flannel 使用 8472(Linux 默认),Calico 和 IANA 端口为 4789;VXLAN 设备被以另一个 dstport 重建,或 CNI 升级只在部分节点上改了端口,都会出现这种情况。在两个节点上比较 `ip -d link show`。',
    },
    remediation: [
      {
        description: { en: 'Compare the VXLAN device\'s port on both nodes (dstport)', zh: '比较两个节点上 VXLAN 设备的端口(dstport)' },
        commands: ['ip -d link show type vxlan | grep -o "dstport [0-9]*"  # on both nodes'],
        undo: ['# nothing to undo: read-only'],
      },
    ],
    references: ['kb:known-failures.md (VXLAN port mismatch)', 'https://github.com/flannel-io/flannel/blob/master/Documentation/backends.md'],
  },
  check(ctx) {
    checkDrops(ctx, (p, placed) => (placed.place === 'kernel' && placed.drop.kind === 'no-socket'
      ? { messageId: p.label === 'overlay' ? 'vxlanPort' : 'port', data: dropData(p, placed) }
      : undefined));
  },
});
