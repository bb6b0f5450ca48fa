// A bad checksum no offload pattern explains, on a packet nothing answered: a wire error if the
// capture was taken on the receiving host, unknown if on the sender.
import { defineRule } from '../../engine/types.js';
import { captureFileArg, captureLocation, layerPhrase, sumValue } from '../shared/capture.js';
import { CHECKSUM_PHRASES, counterFor, countOf, fieldFilter, groupLines, groupsOf, layersWith, portsPhrase, senderPhrases, sendersOf } from '../shared/capture-checksums.js';
import { mergeFrames } from '../../evidence/frame-set.js';

export default defineRule({
  meta: {
    id: 'checksum-unknown',
    kind: 'capture',
    title: { en: 'Checksums wrong for no known reason', zh: '原因不明的错误校验和' },
    severity: 'warning',
    needs: ['captures'],
    messages: {
      unknown: {
        en: '{count} {layer} checksums{ports} are wrong, and no offload pattern explains it; {who}{clean}; e.g. frame {frame}: {value}',
        zh: '{count} 个{ports}{layer}校验和是错的，且不符合任何卸载模式；{who}{clean}；例如第 {frame} 帧：{value}',
      },
      unknownOne: {
        en: '1 {layer} checksum{ports} is wrong, and no offload pattern explains it; {who}{clean}; e.g. frame {frame}: {value}',
        zh: '1 个{ports}{layer}校验和是错的，且不符合任何卸载模式；{who}{clean}；例如第 {frame} 帧：{value}',
      },
      detail: {
        en: 'If this capture was taken on the receiving host these packets are dropped ({counter}); if on the sender, capture on the receiver to tell.',
        zh: '若此抓包在接收端抓取，这些报文会被丢弃（{counter}）；若在发送端抓取，请到接收端抓包确认。',
      },
      ...CHECKSUM_PHRASES,
    },
    explanation: {
      en: 'A sum is wrong and fits none of the patterns podpath knows: not the pseudo-header sum tx checksum offload leaves for the NIC, not an outer VXLAN/Geneve sum computed for local checksum offload, and the packet was not answered in the capture. Where the capture was taken decides: on the receiving host the kernel dropped these packets (its checksum error counter rose); on the sending host the NIC may still have fixed them, and only a capture on the receiver tells.',
      zh: '校验和错误，且不符合 podpath 已知的任何模式：不是发送校验和卸载留给网卡填写的伪首部和，不是按本地校验和卸载计算的 VXLAN/Geneve 外层校验和，抓包中该报文也没有得到应答。取决于抓包位置：在接收端抓取时，内核已丢弃这些报文（其校验和错误计数上涨）；在发送端抓取时，网卡可能随后修正了它们，只有接收端的抓包能说明。',
    },
    remediation: [
      {
        description: { en: 'Tell where it goes wrong: capture on the receiving node during the same traffic and compare, and read its checksum error counter', zh: '确定问题发生的位置：在接收节点同时抓包（同一段流量）并对比，同时查看其校验和错误计数' },
        commands: ['tcpdump -i any -nn -w receiver.pcap  # on the receiving node, while the traffic runs', 'podpath pcap diff {file} receiver.pcap', 'nstat -az UdpInCsumErrors TcpInCsumErrors IpInHdrErrors  # on the receiving node, before and after'],
        undo: ['rm -f receiver.pcap'],
      },
    ],
    references: ['seeds/000_694fb590af4e1503.txt', 'kb:known-failures.md#2 (distribution kernels that emit bad UDP checksums)'],
  },
  check(ctx) {
    for (const sum of ctx.evidence.captures ?? []) {
      for (const layer of layersWith(sum, 'unknown')) {
        const groups = groupsOf(sum, layer, 'unknown');
        const count = countOf(groups);
        const ex = groups[0]!.example;
        const { who, clean } = senderPhrases(groups, sendersOf(sum, layer));
        ctx.report({
          commandData: { file: captureFileArg(sum) },
          messageId: count === 1 ? 'unknownOne' : 'unknown',
          detailId: 'detail',
          data: { count, counter: counterFor(layer), frame: ex.frame, value: sumValue(ex.got, ex.expected), file: sum.file },
          phrases: { layer: layerPhrase(layer), ports: portsPhrase(groups), who, clean },
          evidence: groupLines(sum.file, groups),
          location: captureLocation(sum.file, mergeFrames(groups), undefined, fieldFilter(layer, groups)),
        });
      }
    }
  },
});
