// Probes that did not come back, placed by the counters of both ends (src/probe/localize.ts): the
// general verdict when no more specific rule (checksum, size, rate) explains the loss.
import { defineRule } from '../../engine/types.js';
import { echoLines, probesOf } from '../shared/probe-shared.js';

const SPECIFIC = new Set(['delivered', 'receiver-kernel-checksum']);

export default defineRule({
  meta: {
    id: 'probe-path-loss',
    kind: 'probe',
    title: { en: 'Probes between the nodes are lost', zh: '节点之间的探测报文丢失' },
    severity: 'error',
    needs: ['probes'],
    messages: {
      underlay: {
        en: '{lost} of {sent} UDP probes from {from} to {to} ({label}) were lost in the network between the nodes: {summary}',
        zh: '{from} 到 {to}({label})的 {sent} 个 UDP 探测中有 {lost} 个丢失在节点之间的网络中:{summary}',
      },
      receiver: {
        en: '{lost} of {sent} UDP probes from {from} to {to} ({label}) were lost at the receiver: {summary}',
        zh: '{from} 到 {to}({label})的 {sent} 个 UDP 探测中有 {lost} 个在接收端丢失:{summary}',
      },
      returnPath: {
        en: 'UDP probes from {from} reached {to} ({label}), but {lost} of {sent} answers never came back: {summary}',
        zh: '{from} 的 UDP 探测到达了 {to}({label}),但 {sent} 个应答中有 {lost} 个没有返回:{summary}',
      },
      sender: {
        en: 'UDP probes from {from} to {to} ({label}) did not leave: {summary}',
        zh: '{from} 到 {to}({label})的 UDP 探测没有发出:{summary}',
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
      const e = p.echo!;
      if (SPECIFIC.has(e.place)) continue;
      const messageId = e.place === 'underlay' ? 'underlay' : e.place === 'return-path' ? 'returnPath' : e.place === 'sender-kernel' ? 'sender' : 'receiver';
      ctx.report({ messageId, data: { from: p.from, to: p.to, label: p.label, sent: e.sent, lost: e.sent - e.received, summary: e.summary }, evidence: echoLines(p) });
    }
  },
});
