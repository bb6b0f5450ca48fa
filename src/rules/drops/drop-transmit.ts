// The probes died on their way out of a node: PKT_TOO_BIG (larger than the path allows, DF set),
// NEIGH_* (no neighbour entry for the next hop), QDISC_* (the queue discipline dropped them).
import { defineRule } from '../../engine/types.js';
import { checkDrops, dropData } from '../shared/drop-rule.js';

export default defineRule({
  meta: {
    id: 'drop-transmit',
    kind: 'drops',
    title: { en: 'A node drops the probes on their way out', zh: '节点在发送途中丢弃探测报文' },
    severity: 'error',
    needs: ['probes', 'drops'],
    messages: {
      tooBig: {
        en: '{lost} of {sent} UDP probes from {from} to {to} ({label}) were dropped by {node}\'s kernel on the way out: {reason} in {symbol}, {count} times during the probe ({baseline} in the baseline): larger than the device\'s MTU allows. The kernel\'s trace outranks the placement by counters',
        zh: '{from} 到 {to}({label})的 {sent} 个 UDP 探测中有 {lost} 个在发出时被 {node} 的内核丢弃:{symbol} 中的 {reason},探测期间 {count} 次(基线期间 {baseline} 次):超过了设备 MTU 允许的大小。内核跟踪优先于按计数器的定位',
      },
      neighbour: {
        en: '{lost} of {sent} UDP probes from {from} to {to} ({label}) were dropped by {node}\'s kernel on the way out: {reason} in {symbol}, {count} times during the probe ({baseline} in the baseline): no neighbour (ARP/FDB) entry for the next hop. The kernel\'s trace outranks the placement by counters',
        zh: '{from} 到 {to}({label})的 {sent} 个 UDP 探测中有 {lost} 个在发出时被 {node} 的内核丢弃:{symbol} 中的 {reason},探测期间 {count} 次(基线期间 {baseline} 次):下一跳没有邻居(ARP/FDB)表项。内核跟踪优先于按计数器的定位',
      },
      queue: {
        en: '{lost} of {sent} UDP probes from {from} to {to} ({label}) were dropped by {node}\'s kernel on the way out: {reason} in {symbol}, {count} times during the probe ({baseline} in the baseline): the device\'s queue discipline dropped them. The kernel\'s trace outranks the placement by counters',
        zh: '{from} 到 {to}({label})的 {sent} 个 UDP 探测中有 {lost} 个在发出时被 {node} 的内核丢弃:{symbol} 中的 {reason},探测期间 {count} 次(基线期间 {baseline} 次):设备的队列规则丢弃了它们。内核跟踪优先于按计数器的定位',
      },
    },
    reasons: {
      noUdpEcho: { en: 'no UDP echo among the probes', zh: '探测结果中没有 UDP 回显' },
      untraced: { en: 'the probes that lost packets were not traced on both nodes ({node}: {why})', zh: '丢包的探测没有在两个节点上都被跟踪({node}:{why})' },
    },
    explanation: {
      en: 'The kernel freed the packets where they leave a node: PKT_TOO_BIG when a packet larger than the device\'s MTU may not be fragmented (the overlay MTU above the underlay\'s less 50 bytes), NEIGH_FAILED / NEIGH_QUEUEFULL when the next hop\'s neighbour entry cannot be resolved (on a VXLAN overlay: flannel\'s permanent neighbour and FDB entries for the peer\'s VTEP are missing), QDISC_DROP and the other QDISC reasons when a queue discipline (a policer, a full queue) drops them. Older kernels name the place only (__dev_queue_xmit, neigh_*, ip_fragment).',
      zh: '内核在报文离开节点的地方释放了它们:PKT_TOO_BIG 表示报文大于设备 MTU 且不允许分片(overlay MTU 大于底层 MTU 减 50 字节),NEIGH_FAILED / NEIGH_QUEUEFULL 表示下一跳的邻居表项无法解析(在 VXLAN overlay 上:flannel 为对端 VTEP 配置的永久邻居和 FDB 表项缺失),QDISC_DROP 等 QDISC 原因表示队列规则(限速、队列满)丢弃了它们。更老的内核只给出位置(__dev_queue_xmit、neigh_*、ip_fragment)。',
    },
    remediation: [
      {
        description: { en: 'On {node}, look at the devices\' MTU, the neighbour and FDB entries of the VXLAN device, and the devices\' drop counters (tc -s qdisc show for the queue disciplines)', zh: '在 {node} 上查看设备 MTU、VXLAN 设备的邻居和 FDB 表项以及设备的丢包计数(队列规则用 tc -s qdisc show)' },
        commands: ['ip -d link show; ip neigh show; bridge fdb show | grep -e flannel -e vxlan; ip -s link show  # on the node that dropped them'],
        undo: ['# nothing to undo: read-only'],
      },
    ],
    references: ['kb:known-failures.md (MTU, stale VTEP)', 'include/net/dropreason-core.h'],
  },
  check(ctx) {
    checkDrops(ctx, (p, placed) => {
      if (placed.place !== 'kernel' || placed.drop.kind !== 'transmit') return undefined;
      const r = placed.drop.row.reason ?? placed.drop.row.symbol ?? '';
      const messageId = /TOO_BIG|fragment/i.test(r) ? 'tooBig' : /NEIGH|neigh/.test(r) ? 'neighbour' : 'queue';
      return { messageId, data: dropData(p, placed) };
    });
  },
});
