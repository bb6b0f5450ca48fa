// The two captures cover different times: a shorter capture on one side is not loss by itself.
import { defineRule } from '../../engine/types.js';
import { captureLine, captureLocation } from '../shared/capture.js';

export default defineRule({
  meta: {
    id: 'diff-capture-overlap',
    kind: 'capture',
    title: { en: 'The two captures overlap only in part', zh: '两个抓包只有部分时间重叠' },
    severity: 'warning',
    needs: ['captureDiffs'],
    messages: {
      overlap: {
        en: 'the captures overlap for {overlap} s only: sender {senderSeconds} s, receiver {receiverSeconds} s (clock offset {offset} s{assumed}); {outside} packets sent outside the overlap are not counted as lost',
        zh: '两个抓包只重叠了 {overlap} 秒：发送端 {senderSeconds} 秒，接收端 {receiverSeconds} 秒（时钟差 {offset} 秒{assumed}）；重叠之外发送的 {outside} 个报文不算丢失',
      },
      assumed: { en: ', assumed: nothing matched', zh: '，无匹配报文，按 0 计' },
      detail: {
        en: 'A shorter capture on one side is not loss by itself (seed 003: 90 s against 33 s). Start both captures before the test and stop them after it.',
        zh: '一端抓包时间短本身不等于丢包（种子 003：90 秒对 33 秒）。请在测试前同时开始、测试后再停止两端抓包。',
      },
    },
    explanation: {
      en: 'pcap diff judges only the time both captures ran (less 0.2 s at each edge), on the sender\'s clock: the receiver\'s clock is moved by the offset measured from matched packets (it includes the one-way delay). When the overlap is less than 80% of the longer capture, much of the traffic cannot be judged, and what the longer capture holds beyond the overlap says nothing about loss (seed 003: a 90 s capture on one node against 33 s on the other).',
      zh: 'pcap diff 只判断两个抓包同时进行的时间（两端各去掉 0.2 秒），以发送端时钟为准：接收端时钟按匹配报文测得的时钟差（含单向时延）换算。若重叠少于较长抓包的 80%，大部分流量无法判断，较长抓包在重叠之外的内容说明不了是否丢包（种子 003：一个节点抓了 90 秒，另一个只有 33 秒）。',
    },
    remediation: [
      {
        description: { en: 'Capture again on both nodes, started before the test and stopped after it', zh: '在两个节点上重新抓包：测试前开始，测试后停止' },
        commands: ['tcpdump -i any -nn -w sender.pcap  # on the sending node, started first', 'tcpdump -i any -nn -w receiver.pcap  # on the receiving node, started before the test', 'podpath pcap diff sender.pcap receiver.pcap  # after stopping both'],
        undo: ['rm -f sender.pcap receiver.pcap'],
      },
    ],
    references: ['seeds/003_2b1b2eccaee5794d.txt'],
  },
  check(ctx) {
    for (const d of ctx.evidence.captureDiffs ?? []) {
      const longer = Math.max(d.sender.seconds, d.receiver.seconds);
      if (!(longer > 0 && d.overlap.seconds < 0.8 * longer)) continue;
      ctx.report({
        messageId: 'overlap',
        detailId: 'detail',
        data: { overlap: d.overlap.seconds.toFixed(1), senderSeconds: d.sender.seconds.toFixed(1), receiverSeconds: d.receiver.seconds.toFixed(1), offset: d.clock.offset.toFixed(3), outside: d.forward.outsideOverlap },
        phrases: { assumed: d.clock.basis === 'assumed-zero' ? [{ id: 'assumed' }] : [] },
        evidence: [
          captureLine(d.sender.file, `sender: ${d.sender.seconds} s, ${d.sender.frames} frames`),
          captureLine(d.receiver.file, `receiver: ${d.receiver.seconds} s, ${d.receiver.frames} frames; overlap ${d.overlap.seconds} s; clock offset ${d.clock.offset} s (${d.clock.basis})`),
        ],
        location: captureLocation(d.sender.file),
      });
    }
  },
});
