// The receiver's VXLAN device refused the datagrams: VXLAN_VNI_NOT_FOUND (no device with that VNI
// on the port), VXLAN_INVALID_HDR, or vxlan_rcv on older kernels.
import { defineRule } from '../../engine/types.js';
import { checkDrops, dropData } from '../shared/drop-rule.js';

export default defineRule({
  meta: {
    id: 'drop-vxlan',
    kind: 'drops',
    title: { en: 'The receiver\'s VXLAN device refuses the datagrams', zh: '接收端的 VXLAN 设备拒收报文' },
    severity: 'critical',
    needs: ['probes', 'drops'],
    messages: {
      vni: {
        en: '{lost} of {sent} UDP probes from {from} to {to} over the overlay were dropped by {node}\'s kernel: {reason} in {symbol}, {count} times during the probe ({baseline} in the baseline): a VXLAN device listens on the port, but not for the VNI the sender uses (a VNI mismatch). The kernel\'s trace outranks the placement by counters',
        zh: '{from} 到 {to} 经 overlay 的 {sent} 个 UDP 探测中有 {lost} 个被 {node} 的内核丢弃:{symbol} 中的 {reason},探测期间 {count} 次(基线期间 {baseline} 次):该端口上有 VXLAN 设备,但不接收发送端使用的 VNI(VNI 不一致)。内核跟踪优先于按计数器的定位',
      },
      header: {
        en: '{lost} of {sent} UDP probes from {from} to {to} over the overlay were dropped by {node}\'s kernel: {reason} in {symbol}, {count} times during the probe ({baseline} in the baseline): the VXLAN header is not one the device accepts (flags, or a GBP/GPE extension only one side uses). The kernel\'s trace outranks the placement by counters',
        zh: '{from} 到 {to} 经 overlay 的 {sent} 个 UDP 探测中有 {lost} 个被 {node} 的内核丢弃:{symbol} 中的 {reason},探测期间 {count} 次(基线期间 {baseline} 次):VXLAN 头不被设备接受(标志位,或只有一端使用的 GBP/GPE 扩展)。内核跟踪优先于按计数器的定位',
      },
      location: {
        en: '{lost} of {sent} UDP probes from {from} to {to} over the overlay were dropped by {node}\'s kernel in {symbol}, {count} times during the probe ({baseline} in the baseline): its VXLAN device refused them (this kernel gives no drop reason: a VNI or header mismatch). The kernel\'s trace outranks the placement by counters',
        zh: '{from} 到 {to} 经 overlay 的 {sent} 个 UDP 探测中有 {lost} 个在 {node} 的内核 {symbol} 中被丢弃,探测期间 {count} 次(基线期间 {baseline} 次):其 VXLAN 设备拒收了它们(该内核不提供丢包原因:VNI 或报文头不一致)。内核跟踪优先于按计数器的定位',
      },
    },
    reasons: {
      noUdpEcho: { en: 'no UDP echo among the probes', zh: '探测结果中没有 UDP 回显' },
      untraced: { en: 'the probes that lost packets were not traced on both nodes ({node}: {why})', zh: '丢包的探测没有在两个节点上都被跟踪({node}:{why})' },
    },
    explanation: {
      en: 'The outer datagram reached the node\'s VXLAN socket, and vxlan_rcv freed it: VXLAN_VNI_NOT_FOUND when no VXLAN device on that port has the VNI in the header (flannel uses VNI 1, Calico 4096; a device recreated with another id), VXLAN_INVALID_HDR when the header\'s flags do not match what the device was created with. Older kernels print vxlan_rcv only. Compare `ip -d link show` (id, dstport, gbp) on both nodes.',
      zh: '外层报文到达了节点的 VXLAN 套接字,被 vxlan_rcv 释放:VXLAN_VNI_NOT_FOUND 表示该端口上没有 VXLAN 设备使用报文头中的 VNI(flannel 使用 VNI 1,Calico 使用 4096;或设备被以另一个 id 重建),VXLAN_INVALID_HDR 表示报文头标志与设备创建时的设置不符。更老的内核只给出 vxlan_rcv。在两个节点上比较 `ip -d link show`(id、dstport、gbp)。',
    },
    remediation: [
      {
        description: { en: 'Compare the VXLAN devices of both nodes: id (VNI), dstport and gbp must match', zh: '比较两个节点的 VXLAN 设备:id(VNI)、dstport 和 gbp 必须一致' },
        commands: ['ip -d link show type vxlan  # on both nodes'],
        undo: ['# nothing to undo: read-only'],
      },
    ],
    references: ['https://www.kernel.org/doc/html/latest/networking/vxlan.html', 'kernel commit 4c06401ab7b6 (vxlan drop reasons)'],
  },
  check(ctx) {
    checkDrops(ctx, (p, placed) => {
      if (placed.place !== 'kernel' || placed.drop.kind !== 'vxlan') return undefined;
      const messageId = placed.drop.byLocation ? 'location' : placed.drop.row.reason === 'VXLAN_VNI_NOT_FOUND' ? 'vni' : 'header';
      return { messageId, data: dropData(p, placed) };
    });
  },
});
