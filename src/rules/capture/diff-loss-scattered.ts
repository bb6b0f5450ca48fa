// Loss from the sender to the receiver that neither size nor a time window explains: congestion,
// a policer that drops without cutting off, a bad link. (It was finding kind `diff-loss`.)
import { defineRule } from '../../engine/types.js';
import { captureLine, captureLocation } from '../shared/capture.js';
import { dirName, explained, lossSeverity, pct } from '../shared/capture-diff.js';

export default defineRule({
  meta: {
    id: 'diff-loss-scattered',
    kind: 'capture',
    title: { en: 'Packets lost, scattered (neither size nor time explains it)', zh: '零散丢包（与大小和时间都无关）' },
    severity: 'error',
    needs: ['captureDiffs'],
    messages: {
      scattered: {
        en: '{lost} of {sent} packets {dir} were lost ({pct}), scattered: neither size nor time explains it',
        zh: '{dir} 丢失 {lost}/{sent} 个报文（{pct}），零散丢失：与大小和时间都无关',
      },
      partlyExplained: {
        en: '{lost} of {sent} packets {dir} were lost ({pct}), {rest} of them not explained by size or a loss window',
        zh: '{dir} 丢失 {lost}/{sent} 个报文（{pct}），其中 {rest} 个无法用大小或时间窗解释',
      },
      detail: {
        en: 'Scattered loss: congestion, a policer without blackhole, or a bad link; check interface error counters along the path.',
        zh: '零散丢包：拥塞、不切断的限速器或链路质量差；请检查沿途接口的错误计数。',
      },
    },
    explanation: {
      en: 'Packets from the sending host to the receiving host that are in the sender\'s capture and not in the receiver\'s, within the time both captured, less what the size, rate and window findings already explain. Loss that follows no size and no time pattern comes from congestion (full queues), a policer that drops the excess without cutting the host off, or a bad link (CRC errors). Its severity follows the amount: an error from 3 packets and 1% of what was sent, a warning below.',
      zh: '在两端都在抓包的时间内，出现在发送端抓包中却不在接收端抓包中的、从发送主机到接收主机的报文，减去大小、速率和时间窗结论已解释的部分。与大小和时间都无关的丢包来自拥塞（队列满）、只丢超额部分而不切断主机的限速器，或链路质量差（CRC 错误）。严重程度取决于数量：至少 3 个且占发送量 1% 时为错误，否则为警告。',
    },
    remediation: [
      {
        description: { en: 'Check the error and drop counters of the NICs and of the switch ports along the path', zh: '检查沿途网卡和交换机端口的错误与丢弃计数' },
        commands: ['ip -s link show  # on both nodes: errors, dropped, overruns', 'ethtool -S "${NIC:?set NIC to the underlay NIC}" | grep -i -e err -e drop -e crc'],
        undo: ['# nothing to undo: read-only checks'],
      },
    ],
    references: ['seeds/003_2b1b2eccaee5794d.txt'],
  },
  check(ctx) {
    for (const d of ctx.evidence.captureDiffs ?? []) {
      const f = d.forward;
      const known = explained(f);
      const rest = f.lost - known;
      if (rest <= 0) continue;
      ctx.report({
        messageId: known > 0 ? 'partlyExplained' : 'scattered',
        detailId: 'detail',
        severity: lossSeverity(rest, f.sent),
        data: { lost: f.lost, sent: f.sent, dir: dirName(f), pct: pct(f.lost, f.sent), rest },
        evidence: [captureLine(d.sender.file, `${dirName(f)}: ${f.sent} sent, ${f.delivered} delivered, ${f.lost} lost; ${known} explained by size or loss windows`)],
        location: captureLocation(d.sender.file, f.lostFrames),
      });
    }
  },
});
