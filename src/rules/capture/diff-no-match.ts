// Not one packet of the sender's capture is in the receiver's: different traffic, no time
// overlap, or NAT between the two capture points.
import { defineRule } from '../../engine/types.js';
import { captureLine, captureLocation } from '../shared/capture.js';

export default defineRule({
  meta: {
    id: 'diff-no-match',
    kind: 'capture',
    title: { en: 'The two captures have no packet in common', zh: '两个抓包没有共同的报文' },
    severity: 'warning',
    needs: ['captureDiffs'],
    messages: {
      noMatch: {
        en: "no packet of the sender's capture was found in the receiver's: different traffic, no time overlap, or NAT between them (try --nat)",
        zh: '发送端抓包中的报文在接收端一个都没找到：流量不同、时间不重叠，或中间有 NAT（试试 --nat）',
      },
    },
    explanation: {
      en: 'pcap diff matches packets by fields no router changes (IP ID, lengths, addresses and ports, TCP sequence; for VXLAN the inner headers and the VNI). When nothing matches, the comparison says nothing about loss: the captures hold different traffic (another interface, a capture filter), were not taken at the same time, or something between the capture points rewrites addresses or ports (NAT: --nat leaves them out of the match).',
      zh: 'pcap diff 按路由器不会修改的字段匹配报文（IP ID、长度、地址和端口、TCP 序号；VXLAN 则用内层头和 VNI）。若一个都匹配不上，这次对比说明不了丢包：两个抓包的流量不同（其他接口、抓包过滤器）、不是同时抓的，或两个抓包点之间有设备改写地址或端口（NAT：--nat 会在匹配时忽略它们）。',
    },
    remediation: [
      {
        description: { en: 'Compare again without addresses and ports, or capture the same traffic at the same time on both nodes', zh: '忽略地址和端口再对比一次，或在两个节点上同时抓取同一段流量' },
        commands: ['podpath pcap diff --nat {sender} {receiver}'],
        undo: ['# nothing to undo'],
      },
    ],
    references: ['docs/pcap-json.md'],
  },
  check(ctx) {
    for (const d of ctx.evidence.captureDiffs ?? []) {
      if (!(d.matched === 0 && d.sender.ipPackets > 0 && d.receiver.ipPackets > 0)) continue;
      ctx.report({
        messageId: 'noMatch',
        data: { sender: d.sender.file, receiver: d.receiver.file },
        evidence: [
          captureLine(d.sender.file, `sender: ${d.sender.ipPackets} IP packets, host ${d.sender.host ?? '?'}`),
          captureLine(d.receiver.file, `receiver: ${d.receiver.ipPackets} IP packets, host ${d.receiver.host ?? '?'}; 0 matched`),
        ],
        location: captureLocation(d.sender.file),
      });
    }
  },
});
