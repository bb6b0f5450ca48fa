// The kernel's own word for seeds 000 and 004: the receiver freed the probes with UDP_CSUM (5.17+),
// or, on older kernels, in __udp4_lib_rcv / udp_queue_rcv_one_skb while InCsumErrors rose.
import { defineRule } from '../../engine/types.js';
import { checkDrops, dropData } from '../shared/drop-rule.js';

export default defineRule({
  meta: {
    id: 'drop-udp-checksum',
    kind: 'drops',
    title: { en: 'The kernel drops the probes for a bad UDP checksum', zh: '内核因 UDP 校验和错误丢弃探测报文' },
    severity: 'critical',
    needs: ['probes', 'drops'],
    messages: {
      reason: {
        en: '{lost} of {sent} UDP probes from {from} to {to} ({label}) were dropped by {node}\'s kernel: {reason} in {symbol}, {count} times during the probe ({baseline} in the baseline). The kernel\'s trace names the place; it outranks the placement by counters',
        zh: '{from} 到 {to}({label})的 {sent} 个 UDP 探测中有 {lost} 个被 {node} 的内核丢弃:{symbol} 中的 {reason},探测期间 {count} 次(基线期间 {baseline} 次)。内核跟踪给出了确切位置,优先于按计数器的定位',
      },
      location: {
        en: '{lost} of {sent} UDP probes from {from} to {to} ({label}) were dropped by {node}\'s kernel in {symbol}, {count} times during the probe ({baseline} in the baseline), while its InCsumErrors rose: a bad UDP checksum (this kernel gives no drop reason; the place and the counter do). The kernel\'s trace outranks the placement by counters',
        zh: '{from} 到 {to}({label})的 {sent} 个 UDP 探测中有 {lost} 个在 {node} 的内核 {symbol} 中被丢弃,探测期间 {count} 次(基线期间 {baseline} 次),同时其 InCsumErrors 上涨:UDP 校验和错误(该内核不提供丢包原因,由位置和计数器判断)。内核跟踪优先于按计数器的定位',
      },
    },
    reasons: {
      noUdpEcho: { en: 'no UDP echo among the probes', zh: '探测结果中没有 UDP 回显' },
      untraced: { en: 'the probes that lost packets were not traced on both nodes ({node}: {why})', zh: '丢包的探测没有在两个节点上都被跟踪({node}:{why})' },
    },
    explanation: {
      en: 'With --trace, podpath watches skb:kfree_skb on both nodes around each probe. The receiver\'s kernel freed the probes because their UDP checksum was wrong: reason UDP_CSUM (kernels 5.17 and later) in __udp4_lib_rcv, or, for a VXLAN datagram handed to the tunnel socket, udp_queue_rcv_one_skb; older kernels print the place only, and the receiver\'s Udp InCsumErrors says why. The sender writes the bad checksum: seed 000 (a kernel build whose UDP checksums were wrong) or seed 004 (the outer VXLAN header masqueraded with checksum offload on the VXLAN device). See the rules udp-checksum-drop, kernel-bad-udp-checksum and vxlan-nat-checksum.',
      zh: '使用 --trace 时,podpath 在每次探测前后于两个节点上观察 skb:kfree_skb。接收端内核因 UDP 校验和错误释放了探测报文:原因 UDP_CSUM(5.17 及以后的内核),位置 __udp4_lib_rcv,或者对交给隧道套接字的 VXLAN 报文是 udp_queue_rcv_one_skb;更老的内核只给出位置,由接收端的 Udp InCsumErrors 说明原因。错误的校验和由发送端写入:种子 000(UDP 校验和错误的内核版本)或种子 004(外层 VXLAN 头被 MASQUERADE,且 VXLAN 设备开启了校验和 offload)。参见规则 udp-checksum-drop、kernel-bad-udp-checksum 和 vxlan-nat-checksum。',
    },
    remediation: [
      {
        description: { en: 'On the sender, stop the VXLAN device from leaving checksums to offload (seed 004\'s fix; harmless elsewhere)', zh: '在发送端关闭 VXLAN 设备的校验和 offload(种子 004 的修复;其他情况下也无害)' },
        commands: ['ethtool -K flannel.1 tx-checksum-ip-generic off  # or vxlan.calico, on the sender'],
        undo: ['ethtool -K flannel.1 tx-checksum-ip-generic on'],
      },
      {
        description: { en: 'See the bad checksums on the receiver while probing', zh: '探测时在接收端查看错误的校验和' },
        commands: ['tcpdump -vv -nn -i any udp port 8472 or udp port 4789 2>&1 | grep -m 5 "bad udp cksum"'],
        undo: ['# nothing to undo: read-only'],
      },
    ],
    references: ['seeds/000_694fb590af4e1503.txt', 'seeds/004_5dd277779bb5bec7.txt', 'kernel commit c504e5c2f964 (skb drop reasons, 5.17)'],
  },
  check(ctx) {
    checkDrops(ctx, (p, placed) => (placed.place === 'kernel' && placed.drop.kind === 'udp-checksum'
      ? { messageId: placed.drop.byLocation ? 'location' : 'reason', data: dropData(p, placed) }
      : undefined));
  },
});
