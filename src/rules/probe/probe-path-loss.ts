// Probes that did not come back, placed by the counters of both ends (shared/loss-place.ts): the
// general verdict when no more specific rule (checksum, size, rate) explains the loss.
import { defineRule } from '../../engine/types.js';
import { echoLines, probesOf } from '../shared/probe-shared.js';
import { placedByTrace } from '../shared/drop-place.js';
import { placeLoss, type LossPlace } from '../shared/loss-place.js';

/** The message of each place; the others are judged elsewhere (delivered; udp-checksum-drop). */
const MESSAGE: Partial<Record<LossPlace, string>> = {
  'sender-kernel': 'sender',
  underlay: 'underlay',
  'receiver-rp-filter': 'receiverRpFilter',
  'receiver-socket-buffer': 'receiverSocketBuffer',
  'receiver-no-socket': 'receiverNoSocket',
  'receiver-decap': 'receiverDecap',
  'receiver-kernel': 'receiver',
  'return-path-rp-filter': 'returnPathRpFilter',
  'return-path-before-decap': 'returnPathBeforeDecap',
  'return-path-not-at-nic': 'returnPathNotAtNic',
  'return-path': 'returnPath',
};

export default defineRule({
  meta: {
    id: 'probe-path-loss',
    kind: 'probe',
    title: { en: 'Probes between the nodes are lost', zh: '节点之间的探测报文丢失' },
    severity: 'error',
    needs: ['probes'],
    uses: ['drops'],
    messages: {
      underlay: {
        en: '{lost} of {sent} UDP probes from {from} to {to} ({label}) were lost in the network between the nodes: left {from}\'s socket; never reached {to}\'s NIC (underlay)',
        zh: '{from} 到 {to}({label})的 {sent} 个 UDP 探测中有 {lost} 个丢失在节点之间的网络中:已离开 {from} 的套接字,但从未到达 {to} 的网卡(底层网络)',
      },
      receiverRpFilter: {
        en: '{lost} of {sent} UDP probes from {from} to {to} ({label}) were lost at the receiver: reached {to}\'s NIC, dropped by {to}\'s reverse-path filter (rp_filter)',
        zh: '{from} 到 {to}({label})的 {sent} 个 UDP 探测中有 {lost} 个在接收端丢失:到达了 {to} 的网卡,被 {to} 的反向路径过滤(rp_filter)丢弃',
      },
      receiverSocketBuffer: {
        en: '{lost} of {sent} UDP probes from {from} to {to} ({label}) were lost at the receiver: reached {to}\'s socket, dropped because its receive buffer was full',
        zh: '{from} 到 {to}({label})的 {sent} 个 UDP 探测中有 {lost} 个在接收端丢失:到达了 {to} 的套接字,因接收缓冲区已满被丢弃',
      },
      receiverNoSocket: {
        en: '{lost} of {sent} UDP probes from {from} to {to} ({label}) were lost at the receiver: reached {to}\'s kernel, but nothing listens on the port (for VXLAN: no device on that UDP port)',
        zh: '{from} 到 {to}({label})的 {sent} 个 UDP 探测中有 {lost} 个在接收端丢失:到达了 {to} 的内核,但该端口上没有监听者(对 VXLAN 而言:该 UDP 端口上没有设备)',
      },
      receiverDecap: {
        en: '{lost} of {sent} UDP probes from {from} to {to} ({label}) were lost at the receiver: reached {to}\'s NIC, but not {overlayDev}: dropped before decapsulation (checksum, port, or a filter on the VXLAN port)',
        zh: '{from} 到 {to}({label})的 {sent} 个 UDP 探测中有 {lost} 个在接收端丢失:到达了 {to} 的网卡,但没有到达 {overlayDev}:在解封装之前被丢弃(校验和、端口,或 VXLAN 端口上的过滤规则)',
      },
      receiver: {
        en: '{lost} of {sent} UDP probes from {from} to {to} ({label}) were lost at the receiver: reached {to}\'s NIC, dropped inside {to}\'s kernel with no counter to say why (a packet filter?)',
        zh: '{from} 到 {to}({label})的 {sent} 个 UDP 探测中有 {lost} 个在接收端丢失:到达了 {to} 的网卡,在 {to} 的内核中被丢弃,没有计数器说明原因(包过滤规则?)',
      },
      returnPathRpFilter: {
        en: 'UDP probes from {from} reached {to} ({label}), but {lost} of {sent} answers never came back: reached {to}; the answers reached {from} and were dropped by {from}\'s reverse-path filter (rp_filter)',
        zh: '{from} 的 UDP 探测到达了 {to}({label}),但 {sent} 个应答中有 {lost} 个没有返回:应答到达了 {from},被 {from} 的反向路径过滤(rp_filter)丢弃',
      },
      returnPathBeforeDecap: {
        en: 'UDP probes from {from} reached {to} ({label}), but {lost} of {sent} answers never came back: reached {to}; the answers reached {from}\'s NIC and died there before decapsulation (a firewall on the VXLAN port?)',
        zh: '{from} 的 UDP 探测到达了 {to}({label}),但 {sent} 个应答中有 {lost} 个没有返回:应答到达了 {from} 的网卡,在解封装之前被丢弃(VXLAN 端口上的防火墙?)',
      },
      returnPathNotAtNic: {
        en: 'UDP probes from {from} reached {to} ({label}), but {lost} of {sent} answers never came back: reached {to}; the answers never reached {from}\'s NIC',
        zh: '{from} 的 UDP 探测到达了 {to}({label}),但 {sent} 个应答中有 {lost} 个没有返回:应答从未到达 {from} 的网卡',
      },
      returnPath: {
        en: 'UDP probes from {from} reached {to} ({label}), but {lost} of {sent} answers never came back: reached {to}; the echoes were lost on the way back to {from}',
        zh: '{from} 的 UDP 探测到达了 {to}({label}),但 {sent} 个应答中有 {lost} 个没有返回:应答在返回 {from} 的途中丢失',
      },
      sender: {
        en: 'UDP probes from {from} to {to} ({label}) did not leave: refused by {from}\'s own kernel before leaving ({error})',
        zh: '{from} 到 {to}({label})的 UDP 探测没有发出:发出之前就被 {from} 自己的内核拒绝({error})',
      },
    },
    reasons: {
      noUdpEcho: { en: 'no UDP echo among the probes', zh: '探测结果中没有 UDP 回显' },
    },
    explanation: {
      en: 'Around each probe podpath reads both nodes\' counters (/proc/net/snmp Udp, /proc/net/netstat, /proc/net/dev of the NIC and the VXLAN device) and the receiving agent counts what reached its socket. Together they place the loss: never reached the receiver\'s NIC (the underlay: a firewall, a security group, a switch), reached the NIC but not the VXLAN device (dropped before decapsulation: a host firewall on UDP 8472/4789, a VXLAN port mismatch), dropped by the receiver\'s reverse-path filter, no socket on the port, a full socket buffer, or reached the socket with the answer lost on the way back (a one-way fault, as in seed 003 where ping worked one way only). Overlay loss with a clean underlay points at the nodes\' overlay configuration; underlay loss points at the network.',
      zh: '每次探测前后,podpath 读取两端节点的计数器(/proc/net/snmp 的 Udp、/proc/net/netstat、网卡与 VXLAN 设备的 /proc/net/dev),接收端 agent 也会统计到达其套接字的报文。两者结合即可定位丢包:未到达接收端网卡(底层:防火墙、安全组、交换机)、到达网卡但未到达 VXLAN 设备(解封装前被丢弃:主机防火墙拦截 UDP 8472/4789、VXLAN 端口不一致)、被接收端反向路径过滤丢弃、端口上没有套接字、套接字缓冲区满,或到达了套接字但应答在返回途中丢失(单向故障,如种子 003 中 ping 只有单向可通)。底层正常而 overlay 丢包,指向节点的 overlay 配置;底层丢包,指向网络。',
    },
    remediation: [
      {
        description: { en: 'Look where the verdict points: on the receiver, its firewall for the VXLAN port and its rp_filter; in the network, the security group or firewall between the nodes', zh: '按结论所指检查:接收端的 VXLAN 端口防火墙和 rp_filter;网络中节点之间的安全组或防火墙' },
        commands: ['iptables -S INPUT; nft list ruleset | grep -n -e 8472 -e 4789  # on the receiver', 'sysctl net.ipv4.conf.all.rp_filter  # on the receiver', 'tcpdump -nn -i any udp port 8472 or udp port 4789  # on both ends while probing'],
        undo: ['# nothing to undo: read-only checks'],
      },
    ],
    references: ['seeds/003_2b1b2eccaee5794d.txt', 'kb:known-failures.md#6 (firewall or security group blocks the tunnel)'],
  },
  check(ctx) {
    const probes = probesOf(ctx.facts).filter((p) => p.echo);
    if (probes.length === 0) return ctx.skip('noUdpEcho');
    for (const p of probes) {
      // A kernel drop trace that names the place outranks the counters: a drops rule says it.
      if (placedByTrace(ctx.evidence, p)) continue;
      const placed = placeLoss(p);
      const messageId = placed ? MESSAGE[placed.place] : undefined;
      if (!placed || !messageId) continue;
      ctx.report({ messageId, data: placed.data, evidence: echoLines(p, placed) });
    }
  },
});
