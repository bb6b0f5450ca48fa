// Conntrack table (nearly) full: new flows, including VXLAN's outer UDP flows and pod connections,
// are dropped once nf_conntrack_count reaches nf_conntrack_max.
import { defineRule } from '../../engine/types.js';
import type { EvidenceLine } from '../../evidence/node-facts.js';
import { line } from '../shared/kb-shared.js';

const FULL = 0.9;
const FILLING = 0.8;

export default defineRule({
  meta: {
    id: 'conntrack-near-full',
    kind: 'node',
    title: { en: 'Connection-tracking table full or nearly full', zh: '连接跟踪表已满或接近满' },
    severity: 'error',
    needs: ['conntrack'],
    // The kernel's own line proves it when the counters were not collected.
    sufficient: [['kernelLog']],
    uses: ['kernelLog', 'componentLog'],
    messages: {
      tableFull: {
        en: 'The kernel logged "nf_conntrack: table full, dropping packet" ({times} line(s)): new connections were dropped',
        zh: '内核日志出现 `nf_conntrack: table full, dropping packet`({times} 行):新连接被丢弃',
      },
      nearFull: {
        en: 'Conntrack table at {percent}% ({count} of {max}): at 100% every new flow is dropped',
        zh: '连接跟踪表已用 {percent}%({count}/{max}):达到 100% 时所有新连接都会被丢弃',
      },
      filling: {
        en: 'Conntrack table at {percent}% ({count} of {max}): close to the point where new flows are dropped',
        zh: '连接跟踪表已用 {percent}%({count}/{max}):接近开始丢弃新连接的程度',
      },
    },
    reasons: {
      noCountOrMax: { en: 'conntrack count or max not collected', zh: '未采集 conntrack 当前数或上限' },
    },
    explanation: {
      en: 'Every flow through netfilter, including the VXLAN outer UDP flows between nodes and each pod connection, takes a conntrack entry. When nf_conntrack_count reaches nf_conntrack_max the kernel drops packets that would create a new entry and logs `nf_conntrack: table full, dropping packet`: connections fail at random, DNS and new TCP handshakes first. The log line is proof (error); a count at 90% of the maximum or more is an error too, 80% a warning. kube-proxy sizes the table from --conntrack-max-per-core, but a sysctl.d file or a reboot can lower it.',
      zh: '经过 netfilter 的每条流(包括节点之间的 VXLAN 外层 UDP 流和每个 Pod 连接)都占用一个 conntrack 条目。nf_conntrack_count 达到 nf_conntrack_max 时,内核丢弃需要新建条目的报文,并记录 `nf_conntrack: table full, dropping packet`:连接随机失败,DNS 与新的 TCP 握手首当其冲。这条日志就是证据(错误);计数达到上限的 90% 以上同样是错误,80% 为警告。kube-proxy 按 --conntrack-max-per-core 设置表大小,但 sysctl.d 文件或重启可能把它改小。',
    },
    remediation: [
      {
        description: { en: 'Raise the table size and persist it', zh: '调大连接跟踪表并持久化(先确认内存余量)' },
        commands: [
          'sysctl -w net.netfilter.nf_conntrack_max={suggestedMax}',
          "echo 'net.netfilter.nf_conntrack_max = {suggestedMax}' > /etc/sysctl.d/90-podpath-conntrack.conf",
        ],
        undo: ['sysctl -w net.netfilter.nf_conntrack_max={max}', 'rm -f /etc/sysctl.d/90-podpath-conntrack.conf'],
      },
    ],
    references: ['kb:known-failures.md#6 (conntrack table full)', 'https://docs.kernel.org/networking/nf_conntrack-sysctl.html'],
  },
  check(ctx) {
    const ct = ctx.facts.conntrack ?? { stats: {}, sources: [] };
    const source = ct.sources[0] ?? '/proc/sys/net/netfilter/nf_conntrack_count';
    const fullLines = (ctx.facts.kernelLog?.matches ?? []).filter((m) => m.pattern === 'nf-conntrack-table-full' || /nf_conntrack: table full/.test(m.line));
    const haveRatio = ct.count !== undefined && ct.max !== undefined && ct.max > 0;
    const ratio = haveRatio ? (ct.count ?? 0) / (ct.max ?? 1) : undefined;
    // kube-proxy logs the size it set (`Setting nf_conntrack_max to 786432`) when the sysctl was not read.
    const proxyMax = (ctx.facts.componentLog?.matches ?? []).map((m) => (m.pattern === 'kube-proxy-conntrack-max' ? /to (\d+)/.exec(m.line)?.[1] : undefined)).find((x) => x !== undefined);
    const max = ct.max ?? (proxyMax !== undefined ? Number(proxyMax) : 0);
    const data = {
      count: ct.count ?? '?',
      max: ct.max ?? (max > 0 ? max : '?'),
      percent: ratio === undefined ? '?' : Math.round(ratio * 1000) / 10,
      suggestedMax: max > 0 ? max * 2 : 262144,
    };
    const usageLine: EvidenceLine[] = haveRatio ? [line(source, `nf_conntrack_count ${ct.count ?? '?'} / nf_conntrack_max ${ct.max ?? '?'}`)] : [];
    if (fullLines.length > 0) {
      const proxyLine = proxyMax !== undefined && ct.max === undefined ? (ctx.facts.componentLog?.matches ?? []).filter((m) => m.pattern === 'kube-proxy-conntrack-max').slice(0, 1).map((m) => line(m.source, m.line)) : [];
      ctx.report({ messageId: 'tableFull', data: { ...data, times: fullLines.length }, evidence: [...fullLines.slice(0, 3).map((m) => line(m.source, m.line)), ...usageLine, ...proxyLine] });
      return;
    }
    if (ratio === undefined) {
      ctx.skip('noCountOrMax');
      return;
    }
    if (ratio >= FULL) ctx.report({ messageId: 'nearFull', data, evidence: usageLine });
    else if (ratio >= FILLING) ctx.report({ messageId: 'filling', severity: 'warning', data, evidence: usageLine });
  },
});
