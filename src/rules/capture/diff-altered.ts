// Packets that arrived with fields no router changes altered: corruption on the path or a
// middlebox rewriting them.
import { defineRule, type Phrase } from '../../engine/types.js';
import { captureLine, captureLocation } from '../shared/capture.js';

/** The fields the measuring code compares (pcap/diff/key.ts), by phrase. */
const FIELD_PHRASE: Record<string, string> = {
  'outer checksum (sent right, arrived wrong)': 'outerChecksum',
  'inner IP header': 'innerIpHeader',
  'inner L4 checksum': 'innerL4Checksum',
  'inner TTL': 'innerTtl',
};

export default defineRule({
  meta: {
    id: 'diff-altered',
    kind: 'capture',
    title: { en: 'Packets arrived altered', zh: '报文到达时被改动' },
    severity: 'error',
    needs: ['captureDiffs'],
    messages: {
      altered: {
        en: '{count} packets arrived altered: {fields}; e.g. sender frame {senderFrame} = receiver frame {receiverFrame}',
        zh: '{count} 个报文到达时被改动：{fields}；例如发送端第 {senderFrame} 帧 = 接收端第 {receiverFrame} 帧',
      },
      alteredOne: {
        en: '1 packet arrived altered: {fields}; sender frame {senderFrame} = receiver frame {receiverFrame}',
        zh: '1 个报文到达时被改动：{fields}；发送端第 {senderFrame} 帧 = 接收端第 {receiverFrame} 帧',
      },
      outerChecksum: { en: 'outer checksum (sent right, arrived wrong) ({count})', zh: '外层校验和（发出时正确，到达时错误）（{count}）' },
      innerIpHeader: { en: 'inner IP header ({count})', zh: '内层 IP 头（{count}）' },
      innerL4Checksum: { en: 'inner L4 checksum ({count})', zh: '内层 L4 校验和（{count}）' },
      innerTtl: { en: 'inner TTL ({count})', zh: '内层 TTL（{count}）' },
      otherField: { en: '{field} ({count})', zh: '{field}（{count}）' },
      detail: {
        en: 'Fields that no router changes differ between the two copies: corruption on the path or a middlebox rewriting packets.',
        zh: '路由器不会修改的字段在两端不一致：路径上有损坏，或有中间设备改写报文。',
      },
    },
    explanation: {
      en: 'A matched packet is the same packet in both captures; some fields of it no router may change: the inner IP header and its TTL inside a tunnel (routers decrement only the outer TTL), the inner L4 checksum, and an outer checksum that was right when sent. When they differ, something on the path changed the packet: a faulty NIC, cable or switch corrupting bits, or a middlebox rewriting what it should not. An outer checksum that left right and arrived wrong is the worst case: the receiving kernel drops the packet.',
      zh: '匹配上的报文在两个抓包中是同一个报文；其中有些字段任何路由器都不应修改：隧道内的内层 IP 头及其 TTL（路由器只递减外层 TTL）、内层 L4 校验和，以及发出时正确的外层校验和。若它们不一致，说明路径上有东西改动了报文：网卡、线缆或交换机故障导致比特损坏，或中间设备改写了不该改的内容。发出时正确、到达时错误的外层校验和最严重：接收端内核会丢弃该报文。',
    },
    remediation: [
      {
        description: { en: 'Look at the two copies side by side, then at the error counters of the devices between the capture points', zh: '并排查看两份副本，再检查两个抓包点之间设备的错误计数' },
        commands: ['tshark -r {sender} -Y "frame.number == {senderFrame}" -V  # the copy as sent', 'tshark -r {receiver} -Y "frame.number == {receiverFrame}" -V  # the copy as received', 'ip -s link show  # on both nodes: errors'],
        undo: ['# nothing to undo: read-only checks'],
      },
    ],
    references: ['docs/pcap-json.md'],
  },
  check(ctx) {
    for (const d of ctx.evidence.captureDiffs ?? []) {
      const a = d.altered;
      if (a.count === 0) continue;
      const ex = a.examples[0];
      const fields = Object.entries(a.fields).map(([k, n]): Phrase => (FIELD_PHRASE[k] ? { id: FIELD_PHRASE[k], data: { count: n } } : { id: 'otherField', data: { field: k, count: n } }));
      ctx.report({
        messageId: a.count === 1 ? 'alteredOne' : 'altered',
        detailId: 'detail',
        data: { count: a.count, senderFrame: ex?.senderFrame ?? 0, receiverFrame: ex?.receiverFrame ?? 0, sender: d.sender.file, receiver: d.receiver.file },
        phrases: { fields },
        evidence: a.examples.slice(0, 5).map((x) => captureLine(d.sender.file, `sender frame ${x.senderFrame} = receiver frame ${x.receiverFrame}: ${x.fields.join(', ')}`)),
        location: captureLocation(d.sender.file, a.senderFrames),
      });
    }
  },
});
