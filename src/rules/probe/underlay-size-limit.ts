// Seed 003: a device between the nodes dropped every UDP datagram above 1472 bytes. The size sweep
// finds the largest payload that crosses; set against the NIC MTU it tells a fragment-dropping
// device from a path MTU smaller than the NIC's.
import { defineRule } from '../../engine/types.js';
import { PROBE_QUOTES, probesOf, sweepLine, underlayMtu } from '../shared/probe-shared.js';

export default defineRule({
  meta: {
    id: 'underlay-size-limit',
    kind: 'probe',
    title: { en: 'Large UDP datagrams do not cross between the nodes', zh: '大 UDP 报文无法在节点之间通过' },
    severity: 'error',
    needs: ['probes'],
    uses: ['links', 'routes'],
    messages: {
      fragmentsDropped: {
        en: 'UDP datagrams from {from} to {to} ({label}) larger than {largest} bytes never arrive ({smallest} bytes and more are lost), although the hosts fragment them ({mtu}-byte MTU): a device on the path drops large or fragmented UDP',
        zh: '{from} 到 {to}({label})大于 {largest} 字节的 UDP 报文始终无法到达({smallest} 字节及以上全部丢失),而主机会把它们分片({mtu} 字节 MTU):路径上的设备丢弃了大的或分片的 UDP 报文',
      },
      pathMtuSmaller: {
        en: 'The largest UDP payload that crosses from {from} to {to} ({label}) is {largest} bytes, less than the {mtu}-byte MTU allows ({mtuPayload}): the path MTU is smaller than the NIC MTU, and full-size VXLAN packets are lost',
        zh: '{from} 到 {to}({label})能通过的最大 UDP 载荷为 {largest} 字节,小于 {mtu} 字节 MTU 所允许的 {mtuPayload}:路径 MTU 小于网卡 MTU,满长的 VXLAN 报文会丢失',
      },
      sizeLimit: {
        en: 'UDP datagrams from {from} to {to} ({label}) larger than {largest} bytes never arrive ({smallest} bytes and more are lost)',
        zh: '{from} 到 {to}({label})大于 {largest} 字节的 UDP 报文始终无法到达({smallest} 字节及以上全部丢失)',
      },
    },
    reasons: {
      noSizeSweep: { en: 'no size sweep among the probes', zh: '探测结果中没有大小扫描' },
    },
    explanation: {
      en: 'podpath sends UDP datagrams of growing size to the peer agent, each size several times at once, and bisects to the largest payload that arrives. On an Ethernet underlay with a 1500-byte MTU the hosts send payloads up to 1472 bytes whole and fragment larger ones; a limit of exactly 1472 means fragments (or UDP above that size) are dropped on the way: seed 003, where a device between two subnets dropped UDP over 1472 bytes and the cluster died intermittently. A limit below MTU - 28 means the path MTU is smaller than the NIC says (a tunnel, a VPN, an OpenStack or cloud network): full-size VXLAN frames (pod MTU + 50) are lost. Pod traffic then works for small requests and stalls for large ones.',
      zh: 'podpath 向对端 agent 发送逐步增大的 UDP 报文,每个大小同时发送多次,用二分法找出能到达的最大载荷。以太网底层 MTU 为 1500 时,主机会完整发送不超过 1472 字节的载荷,更大的会被分片;恰好 1472 的上限说明分片(或超过该大小的 UDP)在途中被丢弃:即种子 003,两个子网之间的设备丢弃超过 1472 字节的 UDP,集群间歇性瘫痪。低于 MTU - 28 的上限说明路径 MTU 小于网卡所报(隧道、VPN、OpenStack 或云网络):满长的 VXLAN 帧(Pod MTU + 50)会丢失。于是小请求正常,大请求卡住。',
    },
    remediation: [
      {
        description: { en: 'Take the numbers to the network team: the device between the nodes must pass UDP (and fragments) up to the MTU', zh: '把这些数字交给网络团队:节点之间的设备必须放行直到 MTU 大小的 UDP(及分片)' },
        commands: ['ping -M do -s {largest} -c 3 {target}  # on {from}: passes', 'ping -M dont -s {smallest} -c 3 {target}  # on {from}: lost, the limit'],
        undo: ['# nothing to undo: read-only checks'],
      },
      {
        description: { en: 'If full-size pod traffic is lost too, keep every VXLAN packet under the limit meanwhile: overlay MTU at most {overlayMtu} (flannel: net-conf.json "MTU" / Calico: veth_mtu), then restart the CNI agents and pods', zh: '如果满长的 Pod 流量也丢失,在此之前让所有 VXLAN 报文低于上限:overlay MTU 不超过 {overlayMtu}(flannel:net-conf.json 的 "MTU" / Calico:veth_mtu),然后重启 CNI 组件和 Pod' },
        commands: ['kubectl -n kube-flannel edit configmap kube-flannel-cfg  # set "MTU": {overlayMtu} in net-conf.json, then restart the flannel pods'],
        undo: ['kubectl -n kube-flannel edit configmap kube-flannel-cfg  # remove the "MTU" line again, then restart the flannel pods'],
      },
    ],
    references: ['seeds/003_2b1b2eccaee5794d.txt', 'kb:known-failures.md#5 (MTU mismatch and size limits in the underlay)'],
  },
  check(ctx) {
    const probes = probesOf(ctx.facts).filter((p) => p.sweep);
    if (probes.length === 0) return ctx.skip('noSizeSweep');
    const mtu = underlayMtu(ctx.facts);
    for (const p of probes) {
      const s = p.sweep!;
      if (s.largestPassing === undefined || s.smallestFailing === undefined) continue;
      // An overlay limit under what the underlay of the same direction carries is not the underlay's:
      // overlay-size-limit places it after the tunnel.
      const under = probes.find((u) => u.label === 'underlay' && u.from === p.from && u.to === p.to)?.sweep?.largestPassing;
      if (p.label === 'overlay' && under !== undefined && under > s.largestPassing + 50) continue;
      const data = { from: p.from, to: p.to, target: p.target, label: p.label, largest: s.largestPassing, smallest: s.smallestFailing, overlayMtu: s.largestPassing + 28 - 50 };
      const evidence = [sweepLine(p)];
      if (mtu !== undefined && p.label === 'underlay') {
        evidence.push({ source: ctx.facts.links?.source ?? 'ip link', text: { entry: PROBE_QUOTES.underlayMtu, data: { mtu } } });
        if (s.largestPassing >= mtu - 28) ctx.report({ messageId: 'fragmentsDropped', data: { ...data, mtu }, evidence });
        else ctx.report({ messageId: 'pathMtuSmaller', data: { ...data, mtu, mtuPayload: mtu - 28 }, evidence });
      } else {
        ctx.report({ messageId: 'sizeLimit', data, evidence });
      }
    }
  },
});
