// pcap diff reached one of its memory bounds: part of the captures was counted, not analyzed.
import { defineRule, type Phrase } from '../../engine/types.js';
import { LIMITS } from '../../util/limits.js';
import { captureLine, captureLocation } from '../shared/capture.js';

export default defineRule({
  meta: {
    id: 'diff-limits',
    kind: 'capture',
    title: { en: 'pcap diff reached a memory bound', zh: 'pcap diff 达到内存上限' },
    severity: 'warning',
    needs: ['captureDiffs'],
    messages: {
      limits: { en: 'memory bound reached ({code}): {parts}', zh: '达到内存上限（{code}）：{parts}' },
      indexTruncated: { en: 'the receiver capture was indexed only in part', zh: '接收端抓包只建立了部分索引' },
      unmatchedDropped: { en: '{count} unmatched sender packets were counted but not analyzed', zh: '{count} 个未匹配的发送端报文只计数、未分析' },
      rateSourcesDropped: { en: '{count} sender packets came from sources past the {max} that get a rate', zh: '{count} 个发送端报文来自超出前 {max} 个（有速率统计的）源地址' },
      pairsDropped: { en: '{count} sender packets belong to address pairs past the {max} that are counted per pair', zh: '{count} 个发送端报文属于超出前 {max} 个（逐对计数的）地址对' },
      addressesOverflowed: { en: '{count} lookups found the table of {max} addresses full', zh: '{count} 次查找时 {max} 个地址的表已满' },
      detail: {
        en: 'Cut the captures down (editcap -A/-B to the interesting window, or a tcpdump filter) and run again.',
        zh: '请裁剪抓包（用 editcap -A/-B 截取关心的时间窗，或用 tcpdump 过滤器）后重新运行。',
      },
    },
    explanation: {
      en: 'pcap diff keeps its memory bounded by packets, never by the time a capture spans: the receiver\'s capture is indexed up to a number of packets, unmatched sender packets are kept up to a number, and the tables of addresses, address pairs and rate meters are capped. Past a bound the rest is counted but not analyzed, so the loss figures cover only part of the captures. The README lists every bound with its code.',
      zh: 'pcap diff 的内存按报文数而不是抓包时长限定：接收端抓包最多索引一定数量的报文，未匹配的发送端报文最多保留一定数量，地址表、地址对表和速率统计表都有上限。超出上限的部分只计数、不分析，因此丢包数字只覆盖了部分抓包。README 列出了每个上限及其代码。',
    },
    remediation: [
      {
        description: { en: 'Cut the captures to the interesting window or traffic and compare again', zh: '把抓包裁剪到关心的时间窗或流量后重新对比' },
        commands: ['editcap -A "${START:?set START, e.g. 2026-01-01 10:00:00}" -B "${STOP:?set STOP}" {sender} sender-cut.pcap', 'editcap -A "${START:?set START}" -B "${STOP:?set STOP}" {receiver} receiver-cut.pcap', 'podpath pcap diff sender-cut.pcap receiver-cut.pcap'],
        undo: ['rm -f sender-cut.pcap receiver-cut.pcap'],
      },
    ],
    references: ['README.md (limits)'],
  },
  check(ctx) {
    for (const d of ctx.evidence.captureDiffs ?? []) {
      const l = d.limits;
      const parts: Phrase[] = [];
      if (l.receiverIndexTruncated) parts.push({ id: 'indexTruncated' });
      if (l.unmatchedDropped) parts.push({ id: 'unmatchedDropped', data: { count: l.unmatchedDropped } });
      if (l.rateSourcesDropped) parts.push({ id: 'rateSourcesDropped', data: { count: l.rateSourcesDropped, max: LIMITS.pcapDiffRateSources.value } });
      if (l.pairsDropped) parts.push({ id: 'pairsDropped', data: { count: l.pairsDropped, max: LIMITS.pcapDiffPairs.value } });
      if (l.addressesOverflowed) parts.push({ id: 'addressesOverflowed', data: { count: l.addressesOverflowed, max: LIMITS.pcapDiffAddresses.value } });
      if (parts.length === 0) continue;
      ctx.report({
        messageId: 'limits',
        detailId: 'detail',
        data: { code: LIMITS.pcapDiffPairs.code, sender: d.sender.file, receiver: d.receiver.file },
        phrases: { parts },
        evidence: [captureLine(d.sender.file, `limits: ${JSON.stringify(l)}`)],
        location: captureLocation(d.sender.file),
      });
    }
  },
});
