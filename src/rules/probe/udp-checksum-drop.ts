// Seeds 000 and 004 seen from the probes: datagrams leave one node and the receiver's kernel drops
// them for a bad UDP checksum (its InCsumErrors rises by about the number lost).
import { defineRule } from '../../engine/types.js';
import { echoLines, probesOf } from '../shared/probe-shared.js';
import { placedByTrace } from '../shared/drop-place.js';
import { isDelivered, placeLoss } from '../shared/loss-place.js';

export default defineRule({
  meta: {
    id: 'udp-checksum-drop',
    kind: 'probe',
    title: { en: 'Probes or their answers are dropped for a bad UDP checksum', zh: '探测报文或其应答因 UDP 校验和错误被丢弃' },
    severity: 'critical',
    needs: ['probes'],
    uses: ['drops'],
    messages: {
      underlay: {
        en: 'UDP datagrams from {from} reach {to} with a wrong checksum and {to} drops them: reached {to}\'s NIC, dropped by {to}\'s kernel: InCsumErrors +{csum} = bad UDP checksum',
        zh: '{from} 发出的 UDP 报文到达 {to} 时校验和错误,被 {to} 丢弃:到达了 {to} 的网卡,被 {to} 的内核丢弃:InCsumErrors +{csum} = UDP 校验和错误',
      },
      overlay: {
        en: 'Overlay (VXLAN) traffic from {from} reaches {to} with a wrong outer UDP checksum and {to} drops it, while the underlay is clean: reached {to}\'s NIC, dropped by {to}\'s kernel: InCsumErrors +{csum} = bad UDP checksum',
        zh: '{from} 发出的 overlay(VXLAN)流量到达 {to} 时外层 UDP 校验和错误,被 {to} 丢弃,而底层网络正常:到达了 {to} 的网卡,被 {to} 的内核丢弃:InCsumErrors +{csum} = UDP 校验和错误',
      },
      answersUnderlay: {
        en: 'UDP probes from {from} reach {to} ({label}), but {to}\'s answers reach {from} with a wrong checksum and {from} drops them: {lost} of {sent} answers lost, dropped by {from}\'s kernel: InCsumErrors +{csum} = bad UDP checksum',
        zh: '{from} 的 UDP 探测到达了 {to}({label}),但 {to} 的应答到达 {from} 时校验和错误,被 {from} 丢弃:{sent} 个应答中丢失 {lost} 个,被 {from} 的内核丢弃:InCsumErrors +{csum} = UDP 校验和错误',
      },
      answersOverlay: {
        en: 'Overlay (VXLAN) probes from {from} reach {to}, but {to}\'s answers reach {from} with a wrong outer UDP checksum and {from} drops them, while the underlay is clean: {lost} of {sent} answers lost, dropped by {from}\'s kernel: InCsumErrors +{csum} = bad UDP checksum',
        zh: '{from} 的 overlay(VXLAN)探测到达了 {to},但 {to} 的应答到达 {from} 时外层 UDP 校验和错误,被 {from} 丢弃,而底层网络正常:{sent} 个应答中丢失 {lost} 个,被 {from} 的内核丢弃:InCsumErrors +{csum} = UDP 校验和错误',
      },
    },
    reasons: {
      noUdpEcho: { en: 'no UDP echo among the probes', zh: '探测结果中没有 UDP 回显' },
    },
    explanation: {
      en: 'The probe placed the loss by the receiver\'s counters: the datagrams reached its NIC, and its /proc/net/snmp Udp InCsumErrors rose by about the number lost. The sender emits UDP with a wrong checksum. On the underlay (plain UDP between nodes) this is the sending kernel or NIC: seed 000, a Kylin kernel build whose UDP checksums were wrong while nc\'s were right. On the overlay only, it is the outer VXLAN header: seed 004, where the outer UDP header of node-to-service traffic was masqueraded on a kernel that then wrote 0xffff into a zero checksum with tx checksum offload on the VXLAN device. Look at the sender\'s kernel build (rule kernel-bad-udp-checksum), its VXLAN device offloads and KUBE-POSTROUTING (rule vxlan-nat-checksum); `tcpdump -vv` on the receiver shows `bad udp cksum`.',
      zh: '探测根据接收端计数器定位丢包:报文到达了它的网卡,且 /proc/net/snmp 的 Udp InCsumErrors 上涨数约等于丢失数。发送端发出的 UDP 校验和错误。在底层(节点之间的普通 UDP)上,原因在发送端内核或网卡:种子 000,麒麟内核版本的 UDP 校验和错误而 nc 的正确。只在 overlay 上出现时,是外层 VXLAN 头:种子 004,节点到 Service 的流量外层 UDP 头被 MASQUERADE,而内核在 VXLAN 设备开启发送校验和 offload 时把 0 校验和改写成了 0xffff。检查发送端内核版本(规则 kernel-bad-udp-checksum)、VXLAN 设备的 offload 与 KUBE-POSTROUTING(规则 vxlan-nat-checksum);在接收端 `tcpdump -vv` 会看到 `bad udp cksum`。',
    },
    remediation: [
      {
        description: { en: 'On the node whose datagrams arrive bad (the one the finding says sends them), stop the VXLAN device from leaving checksums to offload (seed 004\'s fix; harmless elsewhere)', zh: '在发出错误报文的节点上(见结论中的发送方),关闭 VXLAN 设备的校验和 offload(种子 004 的修复;其他情况下也无害)' },
        commands: ['ethtool -K flannel.1 tx-checksum-ip-generic off  # or vxlan.calico'],
        undo: ['ethtool -K flannel.1 tx-checksum-ip-generic on'],
      },
      {
        description: { en: 'If plain UDP from the sender is bad too (underlay), boot the sender\'s previous kernel build (seed 000\'s fix): see `podpath explain kernel-bad-udp-checksum`', zh: '如果发送端的普通 UDP 也有问题(底层),让发送端启动上一个内核版本(种子 000 的修复):见 `podpath explain kernel-bad-udp-checksum`' },
        commands: ['grubby --default-kernel; awk -F\\\' \'$1=="menuentry " {print i++ " : " $2}\' /etc/grub2.cfg  # on the sender: pick the older entry N', 'grub2-set-default "${N:?set N to the number of the older entry}" && reboot'],
        undo: ['grub2-set-default 0 && reboot'],
      },
    ],
    references: ['seeds/000_694fb590af4e1503.txt', 'seeds/004_5dd277779bb5bec7.txt', 'gh:projectcalico/calico#3145', 'kernel commit ea64d8d6c675'],
  },
  check(ctx) {
    const probes = probesOf(ctx.facts).filter((p) => p.echo);
    if (probes.length === 0) return ctx.skip('noUdpEcho');
    for (const p of probes) {
      // A kernel drop trace that names the place outranks the counters: a drops rule says it.
      if (placedByTrace(ctx.evidence, p)) continue;
      const placed = placeLoss(p);
      // The bad datagrams are the probes (dropped at the receiver) or the answers (dropped back at
      // the sender, who then names the answering node as the one emitting them).
      if (placed?.place !== 'receiver-kernel-checksum' && placed?.place !== 'return-path-checksum') continue;
      const answers = placed.place === 'return-path-checksum';
      // Overlay-only when the underlay between the same two ends delivered.
      const underlayOk = probes.some((q) => q.label === 'underlay' && q.from === p.from && q.to === p.to && isDelivered(q));
      const overlayOnly = p.label === 'overlay' && underlayOk;
      const messageId = answers ? (overlayOnly ? 'answersOverlay' : 'answersUnderlay') : (overlayOnly ? 'overlay' : 'underlay');
      ctx.report({ messageId, data: placed.data, evidence: echoLines(p, placed) });
    }
  },
});
