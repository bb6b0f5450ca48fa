// Seed 002's proof: `WARNING: ... skb_warn_bad_offload` in the kernel log, with __skb_gso_segment
// and ip_forward in the call trace: forwarded packets with an offload state the output cannot handle.
import type { EvidenceLine } from '../../evidence/node-facts.js';
import { defineRule } from '../../engine/types.js';

const DRIVER_IN_TRACE = /\[(virtio_net|ixgbe|i40e|ice|mlx5_core|mlx4_en|bnx2x|bnxt_en|vmxnet3|ena|hv_netvsc|e1000e|igb|be2net|qede|sfc)\]/;

export default defineRule({
  meta: {
    id: 'kernel-log-bad-offload',
    kind: 'node',
    title: { en: 'Kernel dropped packets with a bad offload state (skb_warn_bad_offload)', zh: '内核因 offload 状态异常丢包(skb_warn_bad_offload)' },
    severity: 'error',
    needs: ['kernelLog'],
    uses: ['nics'],
    messages: {
      forwarded: {
        en: 'The kernel logged skb_warn_bad_offload {count} time(s) on the forwarding path ({frames}; driver {driver}): packets merged on receive (LRO) cannot be segmented again when forwarded, and are dropped. Turn LRO off on the receiving NIC.',
        zh: '内核在转发路径上记录了 {count} 次 skb_warn_bad_offload({frames};驱动 {driver}):接收时被合并(LRO)的报文在转发时无法重新分段,被丢弃。请关闭接收网卡的 LRO。',
      },
      local: {
        en: 'The kernel logged skb_warn_bad_offload {count} time(s) ({frames}; driver {driver}): a packet reached a device with a GSO/checksum state it cannot handle and was dropped. Compare the offloads (ethtool -k) of the devices in the trace.',
        zh: '内核记录了 {count} 次 skb_warn_bad_offload({frames};驱动 {driver}):报文到达设备时的 GSO/校验和状态该设备无法处理,被丢弃。比较调用栈中各设备的 offload(ethtool -k)。',
      },
    },
    explanation: {
      en: 'skb_warn_bad_offload() warns when __skb_gso_segment() gets a packet whose offload state (gso_type, ip_summed) the output device does not support; the packet is dropped. With `ip_forward` or `br_forward` in the trace, the packet was being forwarded: typically LRO on the receiving NIC merged it (seed 002: CentOS 7, `virtnet_poll [virtio_net]` → `ip_forward` → `__skb_gso_segment`, `len=1464 ... gso_type=5 ip_summed=1`). Red Hat calls the warning harmless (solution 654283), but the packet is gone: small packets pass, large ones vanish. The warning is rate-limited and easily lost among thousands of log lines a second, as in the seed.',
      zh: '当 __skb_gso_segment() 收到输出设备不支持的 offload 状态(gso_type、ip_summed)的报文时,skb_warn_bad_offload() 发出警告,该报文被丢弃。调用栈中有 `ip_forward` 或 `br_forward` 说明报文正在被转发:通常是接收网卡的 LRO 合并了它(种子 002:CentOS 7,`virtnet_poll [virtio_net]` → `ip_forward` → `__skb_gso_segment`,`len=1464 ... gso_type=5 ip_summed=1`)。Red Hat 称该警告无害(solution 654283),但报文确实丢了:小包能通,大包消失。该警告有限速,在每秒上千条的日志中很容易被淹没,种子中就是如此。',
    },
    remediation: [
      {
        description: { en: 'Turn LRO off on every NIC that receives forwarded traffic (see lro-on-forwarding-host)', zh: '关闭所有接收被转发流量的网卡的 LRO(见 lro-on-forwarding-host)' },
        commands: ['for n in $(ls /sys/class/net); do ethtool -k "$n" 2>/dev/null | grep -q "large-receive-offload: on$" && ethtool -K "$n" lro off && echo "$n: lro off"; done'],
        undo: ['ethtool -K "${NIC:?set NIC to each NIC the fix printed}" lro on'],
      },
    ],
    references: ['seeds/002_0d72c60b7b7623b4.txt', 'https://access.redhat.com/solutions/654283', 'kb:known-failures.md#3'],
  },
  check(ctx) {
    const log = ctx.facts.kernelLog;
    if (!log) return;
    const matches = log.matches.filter((m) => m.pattern === 'skb-warn-bad-offload' || /skb_warn_bad_offload/.test(m.line));
    if (matches.length === 0) return;
    const warnings = matches.filter((m) => /WARNING/.test(m.line) && /skb_warn_bad_offload/.test(m.line));
    const count = Math.max(1, warnings.length);
    const text = matches.map((m) => m.line).join('\n');
    const frames = ['__skb_gso_segment', 'skb_gso_segment', 'validate_xmit_skb', 'ip_forward', 'br_forward', 'vxlan_xmit'].filter((f) => new RegExp(`\\b${f}\\b`).test(text));
    const driver = DRIVER_IN_TRACE.exec(text)?.[1];
    const forwarded = frames.includes('ip_forward') || frames.includes('br_forward');
    const evidence: EvidenceLine[] = matches.slice(0, 8).map((m) => ({ source: m.source, text: m.line }));
    ctx.report({
      messageId: forwarded ? 'forwarded' : 'local',
      data: { count, frames: frames.length > 0 ? frames.join(', ') : '-', driver: driver ?? '?' },
      evidence,
    });
  },
});
