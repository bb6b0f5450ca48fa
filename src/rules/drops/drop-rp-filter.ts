// The reverse-path filter dropped the probes: IP_RPFILTER (5.17+), or ip_rcv_finish while
// IPReversePathFilter rose on older kernels.
import { defineRule } from '../../engine/types.js';
import { checkDrops, dropData } from '../shared/drop-rule.js';

export default defineRule({
  meta: {
    id: 'drop-rp-filter',
    kind: 'drops',
    title: { en: 'The reverse-path filter drops the probes', zh: '反向路径过滤丢弃探测报文' },
    severity: 'critical',
    needs: ['probes', 'drops'],
    messages: {
      reason: {
        en: '{lost} of {sent} UDP probes from {from} to {to} ({label}) were lost: {node}\'s kernel dropped the packets with {reason} in {symbol} (reverse-path filter), {count} times during the probe ({baseline} in the baseline). The kernel\'s trace names the place; it outranks the placement by counters',
        zh: '{from} 到 {to}({label})的 {sent} 个 UDP 探测中有 {lost} 个丢失:{node} 的内核在 {symbol} 中以 {reason} 丢弃了报文(反向路径过滤),探测期间 {count} 次(基线期间 {baseline} 次)。内核跟踪给出了确切位置,优先于按计数器的定位',
      },
      location: {
        en: '{lost} of {sent} UDP probes from {from} to {to} ({label}) were lost: {node}\'s kernel dropped the packets in {symbol}, {count} times during the probe ({baseline} in the baseline), while its IPReversePathFilter rose: the reverse-path filter (this kernel gives no drop reason). The kernel\'s trace outranks the placement by counters',
        zh: '{from} 到 {to}({label})的 {sent} 个 UDP 探测中有 {lost} 个丢失:{node} 的内核在 {symbol} 中丢弃了报文,探测期间 {count} 次(基线期间 {baseline} 次),同时其 IPReversePathFilter 上涨:反向路径过滤(该内核不提供丢包原因)。内核跟踪优先于按计数器的定位',
      },
    },
    reasons: {
      noUdpEcho: { en: 'no UDP echo among the probes', zh: '探测结果中没有 UDP 回显' },
      untraced: { en: 'the probes that lost packets were not traced on both nodes ({node}: {why})', zh: '丢包的探测没有在两个节点上都被跟踪({node}:{why})' },
    },
    explanation: {
      en: 'The kernel freed the packets in ip_rcv_finish_core with reason IP_RPFILTER: strict reverse-path filtering (rp_filter=1) found that the route back to the source leaves through another device than the packet came in on. On a VXLAN overlay this happens when a node routes the peer\'s pod subnet over eth0 while the traffic arrives on flannel.1 or vxlan.calico (a stale or conflicting route), or with asymmetric routing between NICs. The node named is where the packets entered: the receiver of the probes, or, when the requests all arrived, the sender as the answers came back. See the rule rp-filter-strict.',
      zh: '内核在 ip_rcv_finish_core 中以 IP_RPFILTER 原因释放了报文:严格反向路径过滤(rp_filter=1)发现返回源地址的路由经由的设备与报文进入的设备不同。在 VXLAN overlay 上,当节点把对端 Pod 网段路由到 eth0 而流量从 flannel.1 或 vxlan.calico 进入(陈旧或冲突的路由),或多网卡之间路由不对称时就会发生。所指节点是报文进入的节点:探测的接收端,或者在请求全部到达时,应答返回的发送端。参见规则 rp-filter-strict。',
    },
    remediation: [
      {
        description: { en: 'On {node}, use loose reverse-path filtering (2), as Calico and most CNIs expect', zh: '在 {node} 上使用宽松反向路径过滤(2),这是 Calico 和大多数 CNI 所期望的' },
        commands: ['sysctl -w net.ipv4.conf.all.rp_filter=2  # on the node that dropped them'],
        undo: ['sysctl -w net.ipv4.conf.all.rp_filter=1'],
      },
      {
        description: { en: 'Find the route that sends the answers out another way', zh: '找出使应答从另一条路径发出的路由' },
        commands: ['ip route get {from}  # on the node that dropped them, for an address of the other node'],
        undo: ['# nothing to undo: read-only'],
      },
    ],
    references: ['seeds/003_2b1b2eccaee5794d.txt', 'https://www.kernel.org/doc/html/latest/networking/ip-sysctl.html (rp_filter)'],
  },
  check(ctx) {
    checkDrops(ctx, (p, placed) => (placed.place === 'kernel' && placed.drop.kind === 'rp-filter'
      ? { messageId: placed.drop.byLocation ? 'location' : 'reason', data: dropData(p, placed) }
      : undefined));
  },
});
