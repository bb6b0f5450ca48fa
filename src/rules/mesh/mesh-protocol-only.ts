// One protocol only: ICMP echo crosses in full while UDP or TCP between the same pair does not, on
// every failing cell. Whatever the pattern names as the place, this names the class: a checksum
// (ICMP has its own, the kernel checks UDP's and TCP's), or a filter on ports.
import { defineRule } from '../../engine/types.js';
import { icmpOnly, symptomOf } from '../shared/mesh-pattern.js';
import { cellSource, cellText, quote, QUOTED_CELLS } from '../shared/mesh-quote.js';
import type { ReportLine } from '../../engine/types.js';
import type { PlanePair } from '../../evidence/mesh-matrix.js';

export default defineRule({
  meta: {
    id: 'mesh-protocol-only',
    kind: 'mesh',
    title: { en: 'ICMP passes where UDP and TCP fail', zh: 'ICMP 通过而 UDP 与 TCP 失败' },
    severity: 'error',
    needs: ['mesh'],
    messages: {
      icmpOnly: {
        en: 'ICMP echo crosses on all {failing} failing cells ({planes}) while their UDP echo or TCP connect does not: the checksum class, or a filter on ports, not routing',
        zh: '全部 {failing} 个失败单元格({planes})上 ICMP 回显都能通过,而 UDP 回显或 TCP 连接不通:属于校验和一类问题或针对端口的过滤,而非路由',
      },
      next: {
        en: 'Look at the receivers\' Udp InCsumErrors (/proc/net/snmp) and run `podpath doctor` there: a kernel build that breaks VXLAN checksums, a checksum offload, a NAT rule rewriting the outer packet; else a firewall dropping the ports',
        zh: '查看接收端的 Udp InCsumErrors(/proc/net/snmp)并在那里运行 `podpath doctor`:破坏 VXLAN 校验和的内核版本、校验和卸载、改写外层报文的 NAT 规则;否则是丢弃这些端口的防火墙',
      },
    },
    explanation: {
      en: 'Routing, ARP and MTU problems hit every protocol alike. When ICMP echo between the same two agents comes back in full while UDP and TCP do not, the path is there and something judges the transport header: the kernel dropping a bad UDP checksum (InCsumErrors), or a firewall rule on ports. Fires only when every failing reachability cell shows it, and ICMP was sent.',
      zh: '路由、ARP 与 MTU 问题对所有协议一视同仁。当同两个代理之间的 ICMP 回显全部返回而 UDP 与 TCP 不通时,路径是存在的,是某个环节在检查传输层头部:内核丢弃校验和错误的 UDP(InCsumErrors),或针对端口的防火墙规则。仅当每个可达性失败的单元格都如此且发送了 ICMP 时触发。',
    },
    remediation: [
      {
        description: { en: 'Check the checksum counters on the receivers', zh: '检查接收端的校验和计数器' },
        commands: ['# on each receiving node: grep -A1 ^Udp: /proc/net/snmp (InCsumErrors), then podpath doctor'],
        undo: ['# nothing to undo: these only read'],
      },
    ],
    references: ['seed:001', 'issue:13'],
  },
  check(ctx) {
    const failing = ctx.evidence.mesh!.cells.filter((c) => c.stage === undefined && symptomOf(c, 'reach') === 'fail');
    if (failing.length === 0 || !failing.every(icmpOnly)) return;
    const planes: PlanePair[] = [...new Set(failing.map((c) => c.plane))];
    const evidence: ReportLine[] = failing.slice(0, QUOTED_CELLS).map((c) => ({ source: cellSource(c), text: cellText(c, 'reach') }));
    if (failing.length > QUOTED_CELLS) evidence.push({ source: quote('source'), text: quote('moreIcmpPassing', { n: failing.length - QUOTED_CELLS }) });
    ctx.report({ messageId: 'icmpOnly', detailId: 'next', data: { failing: failing.length, planes: planes.join(', ') }, evidence });
  },
});
