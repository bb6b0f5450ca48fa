// A checksum that is simply wrong as the packet travels: the receiving kernel drops the packet.
// Grouped by layer, with who sent the sums and which other senders were fine (seed 000: one
// kernel build sent every UDP datagram with a wrong sum).
import { defineRule } from '../../engine/types.js';
import { captureFileArg, captureLocation, layerPhrase, sumValue } from '../shared/capture.js';
import { CHECKSUM_PHRASES, counterFor, countOf, fieldFilter, groupLines, groupsOf, layersWith, portsPhrase, senderPhrases, sendersOf } from '../shared/capture-checksums.js';
import { mergeFrames } from '../../evidence/frame-set.js';

export default defineRule({
  meta: {
    id: 'checksum-wire',
    kind: 'capture',
    title: { en: 'Checksums wrong on the wire', zh: '线路上的校验和错误' },
    severity: 'error',
    needs: ['captures'],
    messages: {
      wire: {
        en: "{count} {layer} checksums{ports} are wrong on the wire: the receiver's kernel drops them ({counter}); {who}{clean}; e.g. frame {frame}: {value}",
        zh: '{count} 个{ports}{layer}校验和在线路上就是错的：接收端内核会丢弃它们（{counter}）；{who}{clean}；例如第 {frame} 帧：{value}',
      },
      wireOne: {
        en: "1 {layer} checksum{ports} is wrong on the wire: the receiver's kernel drops it ({counter}); {who}{clean}; e.g. frame {frame}: {value}",
        zh: '1 个{ports}{layer}校验和在线路上就是错的：接收端内核会丢弃它（{counter}）；{who}{clean}；例如第 {frame} 帧：{value}',
      },
      detail: {
        en: 'Not an offload pattern: the sending host (its kernel build or NIC) or a device on the path wrote a wrong sum. Capture on the sender too (`podpath pcap diff`), compare its kernel build and offloads with a healthy node.',
        zh: '不是卸载造成的：发送主机（内核版本或网卡）或路径上的设备写入了错误的校验和。请在发送端也抓包（`podpath pcap diff`），并与正常节点对比内核版本和卸载设置。',
      },
      ...CHECKSUM_PHRASES,
    },
    explanation: {
      en: "podpath verifies every IPv4 header, UDP, TCP, ICMP and ICMPv6 checksum in a capture as tcpdump -vv does, on the outer packet and inside VXLAN/Geneve, and tells why a bad one is bad. A wire error is a sum that is simply wrong as the packet travels: not the pseudo-header sum that tx checksum offload leaves for the NIC to fill in (an artefact of capturing on the sending host), not an outer VXLAN sum computed for local checksum offload, and not a sum on a packet the same capture shows was answered. A receiving Linux kernel drops such packets without a word (Udp: InCsumErrors, Tcp: InCsumErrors or Ip: InHdrErrors in /proc/net/snmp rise), so whatever they carry never arrives. The finding names the senders: when one sender's sums are wrong while the others' are right, that sender writes them (its kernel build, its NIC), as in seed 000, where one Kylin kernel build sent every UDP datagram, even plain userspace UDP to port 8472, with a wrong checksum.",
      zh: 'podpath 像 tcpdump -vv 一样校验抓包中每个 IPv4 头、UDP、TCP、ICMP 和 ICMPv6 校验和（外层以及 VXLAN/Geneve 内层），并判断错误校验和的成因。线路错误指报文在传输中校验和就是错的：既不是发送校验和卸载留给网卡填写的伪首部和（在发送端抓包造成的假象），也不是按本地校验和卸载计算的 VXLAN 外层校验和，也不是同一抓包中已得到应答的报文。接收端 Linux 内核会悄无声息地丢弃这类报文（/proc/net/snmp 中 Udp: InCsumErrors、Tcp: InCsumErrors 或 Ip: InHdrErrors 上涨），其承载的内容永远到不了。结论会列出发送方：若只有一个发送方的校验和错误而其他发送方正常，就是该发送方（其内核版本或网卡）写错的，如种子 000：某个麒麟内核版本发出的每个 UDP 数据报（连发往 8472 端口的普通用户态 UDP 也一样）校验和都是错的。',
    },
    remediation: [
      {
        description: { en: 'Judge the sending node: podpath doctor there runs the node rules (a kernel build known to send bad sums, NIC offloads)', zh: '检查发送节点：在该节点运行 podpath doctor，执行节点规则（已知发送错误校验和的内核版本、网卡卸载）' },
        commands: ['podpath doctor  # on the sending node, {src}', 'ethtool -k eth0 | grep -i checksum  # its underlay NIC (the name may differ)'],
        undo: ['# nothing to undo: read-only checks'],
      },
      {
        description: { en: 'Capture on the sending node too, during the same traffic, and compare the two captures', zh: '在发送节点同时抓包（同一段流量），并对比两个抓包' },
        commands: ['tcpdump -i any -nn -w sender.pcap  # on the sending node, while the traffic runs', 'podpath pcap diff sender.pcap {file}'],
        undo: ['rm -f sender.pcap'],
      },
    ],
    references: ['seeds/000_694fb590af4e1503.txt', 'kb:known-failures.md#2 (distribution kernels that emit bad UDP checksums)'],
  },
  check(ctx) {
    for (const sum of ctx.evidence.captures ?? []) {
      for (const layer of layersWith(sum, 'wire')) {
        const groups = groupsOf(sum, layer, 'wire');
        const count = countOf(groups);
        const ex = groups[0]!.example;
        const { who, clean } = senderPhrases(groups, sendersOf(sum, layer));
        ctx.report({
          commandData: { file: captureFileArg(sum) },
          messageId: count === 1 ? 'wireOne' : 'wire',
          detailId: 'detail',
          data: { count, counter: counterFor(layer), frame: ex.frame, value: sumValue(ex.got, ex.expected), file: sum.file, src: groups[0]!.src },
          phrases: { layer: layerPhrase(layer), ports: portsPhrase(groups), who, clean },
          evidence: groupLines(sum.file, groups),
          location: captureLocation(sum.file, mergeFrames(groups), undefined, fieldFilter(layer, groups)),
        });
      }
    }
  },
});
