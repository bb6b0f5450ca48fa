// Seed 004 on the wire: outer UDP checksums of VXLAN packets that are 0xffff and wrong, the mark
// of the kernel bug where NAT "updates" the zero sum of a VXLAN packet sent with tx checksum
// offload. The releases with the fix come from rules/data/kernel-builds.ts, as for the node rule
// vxlan-nat-checksum.
import { defineRule } from '../../engine/types.js';
import { natChecksumFixReleases } from '../data/kernel-builds.js';
import { captureLine, captureLocation } from '../shared/capture.js';

export default defineRule({
  meta: {
    id: 'checksum-vxlan-ffff',
    kind: 'capture',
    title: { en: 'Outer VXLAN checksum 0xffff: NAT with tx checksum offload (kernel bug)', zh: 'VXLAN 外层校验和为 0xffff：NAT 加发送校验和卸载（内核缺陷）' },
    severity: 'error',
    needs: ['captures'],
    messages: {
      ffff: {
        en: '{count} outer VXLAN UDP checksums are 0xffff and wrong (from {srcs}): the kernel bug where a NATed VXLAN packet on a device with tx checksum offload gets a bad outer sum; the receiver drops it',
        zh: '{count} 个外层 VXLAN UDP 校验和为 0xffff 且错误（来自 {srcs}）：VXLAN 报文经过 NAT 且设备开启发送校验和卸载时的内核缺陷，接收端会丢弃',
      },
      ffffOne: {
        en: '1 outer VXLAN UDP checksum is 0xffff and wrong (from {srcs}): the kernel bug where a NATed VXLAN packet on a device with tx checksum offload gets a bad outer sum; the receiver drops it',
        zh: '1 个外层 VXLAN UDP 校验和为 0xffff 且错误（来自 {srcs}）：VXLAN 报文经过 NAT 且设备开启发送校验和卸载时的内核缺陷，接收端会丢弃',
      },
      detail: {
        en: 'Known kernel bug (fixed in {fixedIn}{unconfirmed}): shows as ~63 s delays to Services across nodes. Workaround: `ethtool --offload vxlan.calico rx off tx off` on the sending node (Calico >= 3.20 does it); permanent: upgrade the kernel.',
        zh: '已知内核缺陷（{fixedIn}{unconfirmed} 修复），表现为跨节点访问 Service 延迟约 63 秒。临时规避：在发送节点执行 `ethtool --offload vxlan.calico rx off tx off`（Calico >= 3.20 会自动关闭）；根治：升级内核。',
      },
      unconfirmedFix: { en: '; {releases} UNCONFIRMED', zh: '；{releases} 未确认' },
    },
    explanation: {
      en: "The VXLAN device sends with UDP checksum 0 and leaves the rest to tx checksum offload. When netfilter NATs the outer UDP header of a packet this node sends (kube-proxy's mark 0x4000 survives encapsulation, so KUBE-POSTROUTING masquerades the outer packet too; Calico's NAT), udp_manip_pkt() \"updates\" the zero checksum and the wire carries 0xffff. The receiver drops the packet (Udp: InCsumErrors rises; tcpdump there prints `[bad udp cksum 0xffff -> ...!] VXLAN`). From a node or hostNetwork pod, a Service whose backend is on another node answers after ~63 s: the SYN is retried at +1, +3, +7, +15, +31, +63 s until a retry leaves with another source port. Pod IP to pod IP works. Fixed by kernel commit ea64d8d6c675 (\"netfilter: nat: never update the UDP checksum when it's 0\"); Kubernetes PR #92035 (v1.18.6, v1.17.9) stops masquerading the outer packet; Calico >= 3.20 turns the offload off. The node rule vxlan-nat-checksum finds the same on the sending node from its kernel release, offloads and iptables rules. A 0xffff sum on a packet the capture shows answered is not this: the receiver took it (see checksum-artefacts).",
      zh: 'VXLAN 设备发送时 UDP 校验和为 0，其余交给发送校验和卸载。当 netfilter 对本节点发出报文的外层 UDP 头做 NAT 时（kube-proxy 的 0x4000 标记在封装后仍然保留，KUBE-POSTROUTING 于是也对外层报文做 MASQUERADE；或 Calico 的 NAT），udp_manip_pkt() 会“更新”这个为 0 的校验和，线上就成了 0xffff。接收端丢弃该报文（Udp: InCsumErrors 上涨；在接收端 tcpdump 可见 `[bad udp cksum 0xffff -> ...!] VXLAN`）。从节点或 hostNetwork Pod 访问后端在其他节点的 Service，约 63 秒后才响应：SYN 在 +1、+3、+7、+15、+31、+63 秒重传，直到某次重传换了源端口。Pod IP 直连正常。内核修复提交 ea64d8d6c675（`netfilter: nat: never update the UDP checksum when it\'s 0`）；Kubernetes PR #92035（v1.18.6、v1.17.9）不再对外层报文做 MASQUERADE；Calico >= 3.20 会关闭该卸载。节点规则 vxlan-nat-checksum 根据发送节点的内核版本、卸载设置和 iptables 规则发现同一问题。若抓包显示 0xffff 校验和的报文得到了应答，则不是此问题：接收端已收下（见 checksum-artefacts）。',
    },
    remediation: [
      {
        description: { en: 'On the sending node, turn tx checksum offload off on the VXLAN device (takes effect at once)', zh: '在发送节点关闭 VXLAN 设备的发送校验和卸载（立即生效）' },
        commands: ['ethtool -K "${VXLAN_DEV:?set VXLAN_DEV to the VXLAN device: flannel.1 or vxlan.calico}" tx-checksum-ip-generic off'],
        undo: ['ethtool -K "${VXLAN_DEV:?set VXLAN_DEV to the VXLAN device: flannel.1 or vxlan.calico}" tx-checksum-ip-generic on'],
      },
      {
        description: { en: 'For good: a kernel with the fix ({fixedIn}), kube-proxy >= v1.18.6, Calico >= 3.20; podpath doctor on the sending node says which it lacks', zh: '根本解决：升级到含修复的内核（{fixedIn}）、kube-proxy >= v1.18.6、Calico >= 3.20；在发送节点运行 podpath doctor 可知缺少哪一项' },
        commands: ['podpath doctor --only vxlan-nat-checksum  # on the sending node: {srcs}'],
        undo: ['# nothing to undo: a read-only check'],
      },
    ],
    references: ['seeds/004_5dd277779bb5bec7.txt', 'kb:known-failures.md#1', 'kernel commit ea64d8d6c675', 'gh:kubernetes/kubernetes#92035', 'gh:projectcalico/calico#3145'],
  },
  check(ctx) {
    const fix = natChecksumFixReleases();
    for (const sum of ctx.evidence.captures ?? []) {
      const f = sum.checksums.tunnelFfff;
      if (f.count === 0) continue;
      const srcs = f.srcs.slice(0, 3).join(', ');
      ctx.report({
        messageId: f.count === 1 ? 'ffffOne' : 'ffff',
        detailId: 'detail',
        data: { count: f.count, srcs, fixedIn: fix.confirmed.join(', ') },
        phrases: { unconfirmed: fix.unconfirmed.length > 0 ? [{ id: 'unconfirmedFix', data: { releases: fix.unconfirmed.join(', ') } }] : [] },
        evidence: [captureLine(sum.file, `outer-udp bad, 0xffff, tunnel: ${f.count} from ${f.srcs.join(', ')}`)],
        location: captureLocation(sum.file, f.frames, undefined, 'udp.checksum == 0xffff && vxlan'),
      });
    }
  },
});
