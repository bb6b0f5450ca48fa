// Seed 002's proof: `WARNING: ... skb_warn_bad_offload` in the kernel log, with its call trace. The
// trace says which offload to turn off: a receive path (napi_gro_receive, a driver's poll) into
// ip_forward/br_forward is LRO on the receiving NIC; a transmit through a bond or VLAN device
// (bond_start_xmit, vlan_dev_hard_start_xmit) is GSO/scatter-gather that device passes on to a
// slave that cannot do it. Without a recognisable path it asks for the devices' offloads.
import { fragment, type ShellFragment } from '../../engine/shell-fill.js';
import { defineRule } from '../../engine/types.js';
import type { EvidenceLine, NodeFacts } from '../../evidence/node-facts.js';

const DRIVER_IN_TRACE = /\[(virtio_net|ixgbe|i40e|ice|mlx5_core|mlx4_en|bnx2x|bnxt_en|vmxnet3|ena|hv_netvsc|e1000e|igb|be2net|qede|sfc|tg3|bnx2|enic|nfp|gve|r8169|e1000)\]/;
/** A driver's receive poll in the trace: `virtnet_poll+0x265/0x750 [virtio_net]`, `ixgbe_poll`. */
const FRAME_NAME = /\b(\w+)\+0x/g;

/** A receive frame in the trace (each function name taken whole, then tested: one regex for it backtracked). */
function hasReceiveFrame(text: string): boolean {
  for (const m of text.matchAll(FRAME_NAME)) {
    const name = m[1]!;
    if (name === 'napi_gro_receive' || name.startsWith('netif_receive_skb') || name.startsWith('__netif_receive_skb')) return true;
    // `<something>_poll`, alone or followed by `_<more>` (virtnet_poll, mlx5e_napi_poll, ixgbe_poll_x).
    for (let at = name.indexOf('_poll', 1); at > 0; at = name.indexOf('_poll', at + 1)) {
      if (at + 5 === name.length || name[at + 5] === '_') return true;
    }
  }
  return false;
}
const FORWARD = /\b(ip_forward|ip6_forward|br_forward\w*|br_dev_queue_push_xmit)\+0x/;
const STACKED_XMIT = /\b(bond_start_xmit|bond_dev_queue_xmit|bond_xmit_\w+|vlan_dev_hard_start_xmit|team_xmit|macvlan_start_xmit)\+0x/;
const FRAMES = ['__skb_gso_segment', 'skb_gso_segment', 'skb_mac_gso_segment', 'validate_xmit_skb', 'ip_forward', 'br_forward', 'vxlan_xmit', 'bond_start_xmit', 'vlan_dev_hard_start_xmit', 'napi_gro_receive'];

const LRO_OFF_ALL = 'for n in $(ls /sys/class/net); do ethtool -k "$n" 2>/dev/null | grep -q "large-receive-offload: on$" && ethtool -K "$n" lro off && echo "$n" >> /var/tmp/podpath-lro-off; done; cat /var/tmp/podpath-lro-off';
const LRO_OFF_DRIVER = 'for n in $(ls /sys/class/net); do [ "$(basename "$(readlink -f "/sys/class/net/$n/device/driver")")" = {driver} ] && ethtool -k "$n" 2>/dev/null | grep -q "large-receive-offload: on$" && ethtool -K "$n" lro off && echo "$n" >> /var/tmp/podpath-lro-off; done; cat /var/tmp/podpath-lro-off';
const LRO_ON_RECORDED = 'while read -r n; do ethtool -K "$n" lro on; done < /var/tmp/podpath-lro-off && rm -f /var/tmp/podpath-lro-off';
const GSO_OFF_STACKED = 'for n in $(ls /sys/class/net); do { [ -d "/sys/class/net/$n/bonding" ] || [ -e "/proc/net/vlan/$n" ]; } && ethtool -K "$n" gso off sg off && echo "$n" >> /var/tmp/podpath-gso-off; done; cat /var/tmp/podpath-gso-off';
const GSO_ON_RECORDED = 'while read -r n; do ethtool -K "$n" sg on gso on; done < /var/tmp/podpath-gso-off && rm -f /var/tmp/podpath-gso-off';
const SHOW_OFFLOADS = 'for n in $(ls /sys/class/net); do echo "== $n"; ethtool -k "$n" 2>/dev/null | grep -E "segmentation|scatter|large-receive|checksum"; done';

/** Commands (one fragment) joined with &&, one per device. */
function perDevice(template: string, devs: string[]): ShellFragment {
  const data: Record<string, string> = {};
  devs.forEach((d, i) => (data[`d${i}`] = d));
  return fragment(devs.map((_, i) => template.replace('{dev}', `{d${i}}`)).join(' && '), data);
}

/** The NICs the facts show with this driver (and LRO not known off). */
function nicsWithDriver(facts: NodeFacts, driver: string | undefined): string[] {
  if (!driver) return [];
  return (facts.nics ?? []).filter((n) => n.driver === driver && n.features['large-receive-offload']?.on !== false).map((n) => n.name);
}

export default defineRule({
  meta: {
    id: 'kernel-log-bad-offload',
    kind: 'node',
    title: { en: 'Kernel dropped packets with a bad offload state (skb_warn_bad_offload)', zh: '内核因 offload 状态异常丢包(skb_warn_bad_offload)' },
    severity: 'error',
    needs: ['kernelLog'],
    uses: ['nics', 'links'],
    outranks: ['lro-on-forwarding-host'],
    messages: {
      forwarded: {
        en: 'The kernel logged skb_warn_bad_offload {count} time(s) on the forwarding path ({frames}; received by {driver}): packets merged on receive (LRO) cannot be segmented again when forwarded, and are dropped. Turn LRO off on the receiving NIC.',
        zh: '内核在转发路径上记录了 {count} 次 skb_warn_bad_offload({frames};由 {driver} 接收):接收时被合并(LRO)的报文在转发时无法重新分段,被丢弃。请关闭接收网卡的 LRO。',
      },
      forwardedNoDriver: {
        en: 'The kernel logged skb_warn_bad_offload {count} time(s) on the forwarding path ({frames}): packets merged on receive (LRO) cannot be segmented again when forwarded, and are dropped. The trace does not name the receiving driver: turn LRO off on every NIC that has it on.',
        zh: '内核在转发路径上记录了 {count} 次 skb_warn_bad_offload({frames}):接收时被合并(LRO)的报文在转发时无法重新分段,被丢弃。调用栈没有给出接收驱动:请关闭所有开启了 LRO 的网卡的 LRO。',
      },
      stacked: {
        en: 'The kernel logged skb_warn_bad_offload {count} time(s) while transmitting through a bond or VLAN device ({frames}): the stacked device hands a segmentation (GSO) or scatter-gather state to a slave that cannot take it, and the packet is dropped. Turn GSO and scatter-gather off on the bond/VLAN device.',
        zh: '内核在经 bond 或 VLAN 设备发送时记录了 {count} 次 skb_warn_bad_offload({frames}):上层设备把从属网卡无法处理的分段(GSO)或分散聚合状态交给了它,报文被丢弃。请关闭 bond/VLAN 设备的 GSO 与分散聚合。',
      },
      local: {
        en: 'The kernel logged skb_warn_bad_offload {count} time(s) ({frames}): a packet reached a device with a GSO/checksum state it cannot handle and was dropped. The trace shows neither forwarding nor a bond/VLAN transmit: compare the offloads (ethtool -k) of the devices on the path.',
        zh: '内核记录了 {count} 次 skb_warn_bad_offload({frames}):报文到达设备时的 GSO/校验和状态该设备无法处理,被丢弃。调用栈既不是转发也不是 bond/VLAN 发送:请比较路径上各设备的 offload(ethtool -k)。',
      },
    },
    explanation: {
      en: 'skb_warn_bad_offload() warns when __skb_gso_segment() gets a packet whose offload state (gso_type, ip_summed) the output device does not support; the packet is dropped. The call trace says where it came from. With `ip_forward` or `br_forward` after a driver\'s receive poll, the packet was being forwarded after the NIC merged it (LRO): seed 002, CentOS 7, `virtnet_poll [virtio_net]` → `ip_forward` → `__skb_gso_segment`, `len=1464 ... gso_type=5 ip_summed=1`, fixed with `ethtool -K eth0 lro off`. With `bond_start_xmit` or `vlan_dev_hard_start_xmit`, a stacked device passed GSO or scatter-gather on to a slave that cannot do it (mixed NICs in a bond, a VLAN over a NIC without that offload): turn those off on the bond/VLAN. Red Hat calls the warning harmless (solution 654283), but the packet is gone: small packets pass, large ones vanish. The warning is rate-limited and easily lost among thousands of log lines a second, as in the seed.',
      zh: '当 __skb_gso_segment() 收到输出设备不支持的 offload 状态(gso_type、ip_summed)的报文时,skb_warn_bad_offload() 发出警告,该报文被丢弃。调用栈说明了报文从哪里来。驱动的接收轮询之后出现 `ip_forward` 或 `br_forward`,说明报文被网卡合并(LRO)后又被转发:即种子 002,CentOS 7,`virtnet_poll [virtio_net]` → `ip_forward` → `__skb_gso_segment`,`len=1464 ... gso_type=5 ip_summed=1`,用 `ethtool -K eth0 lro off` 解决。出现 `bond_start_xmit` 或 `vlan_dev_hard_start_xmit` 时,是上层设备把从属网卡做不到的 GSO 或分散聚合交了下去(bond 中混用网卡、VLAN 建在不支持该卸载的网卡上):请在 bond/VLAN 上关闭它们。Red Hat 称该警告无害(solution 654283),但报文确实丢了:小包能通,大包消失。该警告有限速,在每秒上千条的日志中很容易被淹没,种子中就是如此。',
    },
    remediation: [
      {
        description: { en: 'Turn off the offload the trace points at (the commands below are the ones for this trace; each records what it changed)', zh: '关闭调用栈指向的卸载功能(下面的命令对应本次调用栈;每条命令都会记录它改了什么)' },
        commands: ['{fix}'],
        undo: ['{undo}'],
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
    const frames = FRAMES.filter((f) => new RegExp(`\\b${f}\\b`).test(text));
    const shown = frames.length > 0 ? frames.join(', ') : 'skb_warn_bad_offload';
    const driver = DRIVER_IN_TRACE.exec(text)?.[1];
    const evidence: EvidenceLine[] = matches.slice(0, 8).map((m) => ({ source: m.source, text: m.line }));
    if (STACKED_XMIT.test(text)) {
      const stacked = (ctx.facts.links?.items ?? []).filter((l) => l.kind === 'bond' || l.kind === 'vlan' || l.kind === 'team').map((l) => l.name);
      const commandData = stacked.length > 0
        ? { fix: perDevice('ethtool -K {dev} gso off sg off', stacked), undo: perDevice('ethtool -K {dev} sg on gso on', stacked) }
        : { fix: fragment(GSO_OFF_STACKED), undo: fragment(GSO_ON_RECORDED) };
      ctx.report({ messageId: 'stacked', data: { count, frames: shown }, commandData, evidence });
      return;
    }
    if (FORWARD.test(text) || (hasReceiveFrame(text) && /\bip_forward\b|\bbr_forward\b/.test(text))) {
      const nics = nicsWithDriver(ctx.facts, driver);
      const commandData = nics.length > 0
        ? { fix: perDevice('ethtool -K {dev} lro off', nics), undo: perDevice('ethtool -K {dev} lro on', nics) }
        : driver
          ? { fix: fragment(LRO_OFF_DRIVER, { driver }), undo: fragment(LRO_ON_RECORDED) }
          : { fix: fragment(LRO_OFF_ALL), undo: fragment(LRO_ON_RECORDED) };
      ctx.report({ messageId: driver ? 'forwarded' : 'forwardedNoDriver', data: { count, frames: shown, ...(driver ? { driver } : {}) }, commandData, evidence });
      return;
    }
    ctx.report({ messageId: 'local', data: { count, frames: shown }, commandData: { fix: fragment(SHOW_OFFLOADS), undo: fragment('# nothing to undo: read-only') }, evidence });
  },
});
