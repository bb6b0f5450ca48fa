// Seed 002's effect, measured: large packets cross the underlay between two nodes but vanish on the
// overlay, after the tunnel, where the receiving node forwards decapsulated packets to its pods
// (there: LRO-merged frames the kernel could not forward). The size sweeps of both paths, in the
// same direction, tell this from an underlay limit or a path MTU.
import { defineRule } from '../../engine/types.js';
import { probesOf, sweepLine } from '../shared/probe-shared.js';

/** Outer IPv4 + UDP + VXLAN + inner Ethernet: what the underlay must carry beyond the overlay's payload. */
const VXLAN_OVERHEAD = 50;

export default defineRule({
  meta: {
    id: 'overlay-size-limit',
    kind: 'probe',
    title: { en: 'Large packets are lost on the overlay though the underlay carries them', zh: '大报文在 overlay 上丢失,而底层网络能承载' },
    severity: 'error',
    needs: ['probes'],
    uses: ['links'],
    messages: {
      pastTunnel: {
        en: 'UDP datagrams from {from} to {target} over the overlay larger than {largest} bytes never arrive ({smallest} bytes and more are lost), while the underlay between the same nodes carries {underlayLargest}-byte datagrams: they are lost after the tunnel, in {to}\'s kernel between its VXLAN device and {target} (a forwarding hop to the pods: seed 002, LRO-merged frames it could not forward; or a filter on packet length)',
        zh: '{from} 经 overlay 发往 {target} 的大于 {largest} 字节的 UDP 报文始终无法到达({smallest} 字节及以上全部丢失),而同一对节点之间的底层网络能承载 {underlayLargest} 字节的报文:报文在隧道之后丢失,位于 {to} 内核中 VXLAN 设备与 {target} 之间(转发到 Pod 的一跳:种子 002 中是无法转发的 LRO 合并帧;或按报文长度过滤的规则)',
      },
    },
    reasons: {
      noSizeSweep: { en: 'no size sweep among the probes', zh: '探测结果中没有大小扫描' },
    },
    explanation: {
      en: 'doctor --peer sweeps datagram sizes over the underlay (node addresses) and the overlay (the peer\'s VXLAN address, or a pod on the peer running the agent with `--overlay POD_IP`). When the underlay carries large datagrams and the overlay in the same direction loses everything above a size well below that, the loss is not in the network between the nodes and not the tunnel MTU: it is on the receiving node after decapsulation. In seed 002 a NIC with LRO on merged received frames that the forwarding path could not re-segment, so small pod traffic passed and large transfers stalled; a packet filter that drops by length, or a bridge or veth with a smaller MTU on the way to the pods, look the same. Check there: `ethtool -k <nic> | grep large-receive-offload`, the forward chains (`nft list ruleset`, `iptables-save`) and the MTUs of cni0 and the pod veths.',
      zh: 'doctor --peer 在底层(节点地址)和 overlay(对端的 VXLAN 地址,或用 `--overlay POD_IP` 指定对端上运行 agent 的 Pod)上扫描报文大小。如果底层能承载大报文,而同方向的 overlay 丢失远小于此的某个大小以上的所有报文,那么丢包既不在节点之间的网络,也不是隧道 MTU:而是在接收节点解封装之后。种子 002 中开启 LRO 的网卡合并了收到的帧,转发路径无法重新分段,于是小的 Pod 流量正常,大的传输卡住;按长度丢包的过滤规则,或通往 Pod 的网桥、veth 的 MTU 更小,现象相同。在该节点检查:`ethtool -k <网卡> | grep large-receive-offload`、转发链(`nft list ruleset`、`iptables-save`)以及 cni0 和 Pod veth 的 MTU。',
    },
    remediation: [
      {
        description: { en: 'On {to}: find what drops large forwarded packets (LRO, a length filter, a smaller MTU toward the pods)', zh: '在 {to} 上:找出丢弃大的转发报文的原因(LRO、按长度过滤、通往 Pod 的 MTU 更小)' },
        commands: [
          'ethtool -k "${NIC:?set NIC to the underlay NIC}" | grep large-receive-offload  # on {to}; if on: ethtool -K "$NIC" lro off',
          "nft list ruleset | grep -n -E 'length|forward'  # on {to}",
          'ip -d link show cni0; ip -d link show type veth  # on {to}: MTUs toward the pods',
        ],
        undo: ['ethtool -K "${NIC:?set NIC to the underlay NIC}" lro on  # only if it was turned off above'],
      },
    ],
    references: ['seeds/002_0d72c60b7b7623b4.txt', 'kb:known-failures.md#3'],
  },
  check(ctx) {
    const probes = probesOf(ctx.facts).filter((p) => p.sweep);
    if (probes.length === 0) return ctx.skip('noSizeSweep');
    for (const p of probes) {
      const s = p.sweep!;
      if (p.label !== 'overlay' || s.largestPassing === undefined || s.smallestFailing === undefined) continue;
      // The underlay sweep of the same direction: it must carry the overlay's limit plus the tunnel.
      const under = probes.find((u) => u.label === 'underlay' && u.from === p.from && u.to === p.to && u.sweep?.largestPassing !== undefined);
      const underLargest = under?.sweep?.largestPassing;
      if (!under || underLargest === undefined || underLargest <= s.largestPassing + VXLAN_OVERHEAD) continue;
      ctx.report({
        messageId: 'pastTunnel',
        data: { from: p.from, to: p.to, target: p.target, largest: s.largestPassing, smallest: s.smallestFailing, underlayLargest: underLargest },
        evidence: [
          sweepLine(p, p.target),
          sweepLine(under, under.target),
        ],
      });
    }
  },
});
