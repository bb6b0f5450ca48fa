// Bad-looking checksums that prove nothing: the pseudo-header sum tx checksum offload leaves for
// the NIC, an outer VXLAN sum computed for local checksum offload (LCO), or a sum on a packet the
// capture shows was answered (the receiver took it: a sum left for offload that NAT changed).
// One rule with a message per case (it was four finding kinds: checksum-artefacts-only,
// checksum-answered, checksum-offload, checksum-lco).
import { defineRule } from '../../engine/types.js';
import type { BadGroup } from '../../evidence/capture-summary.js';
import { mergeFrames } from '../../evidence/frame-set.js';
import { captureLocation, layerPhrase, sumValue } from '../shared/capture.js';
import { CHECKSUM_PHRASES, countOf, fieldFilter, groupLines, groupsOf, onlyArtefacts, portsPhrase, senderPhrases, sendersOf } from '../shared/capture-checksums.js';

const ARTEFACT_CAUSES = ['offload', 'lco'] as const;

export default defineRule({
  meta: {
    id: 'checksum-artefacts',
    kind: 'capture',
    title: { en: 'Bad-looking checksums that are offload artefacts', zh: '卸载造成的假性错误校验和' },
    severity: 'info',
    needs: ['captures'],
    messages: {
      artefactsOnly: {
        en: 'all {count} bad checksums are offload artefacts{someAnswered}: this capture was taken on the sending host (or behind a veth), they prove nothing',
        zh: '全部 {count} 个错误校验和都是卸载造成的假象{someAnswered}：此抓包在发送端（或 veth 之后）抓取，说明不了问题',
      },
      artefactsOnlyDetail: {
        en: 'The field holds only the pseudo-header sum: the NIC fills it in after the capture point (tx checksum offload); or the outer VXLAN sum was computed as if the inner checksum were final (local checksum offload){orAnswered}. Only a capture on the receiving host (or its /proc/net/snmp Udp: InCsumErrors) can show real checksum errors.',
        zh: '发送端开启校验和卸载时，抓包点看到的校验和字段只含伪首部和，由网卡稍后填写；VXLAN 外层校验和按本地校验和卸载（LCO）计算{orAnswered}。只有接收端的抓包（或其 /proc/net/snmp 中的 Udp: InCsumErrors）才能证明真正的校验和错误。',
      },
      someAnswered: { en: ' ({count} on packets that were answered, so the receiver took them)', zh: '（其中 {count} 个所在的报文得到了应答，说明接收端已收下）' },
      orAnswered: {
        en: '; or a sum the sending kernel left for checksum offload (or computed for local checksum offload) that NAT changed afterwards without fixing it up, as when kube-proxy masquerades the outer VXLAN header of node-to-Service traffic (kb 1): the packets were answered, so the receiving kernel took them',
        zh: '；发送端内核留给校验和卸载（或按本地校验和卸载计算）的校验和，之后被 NAT 改动而未修正，例如 kube-proxy 对节点访问 Service 流量的 VXLAN 外层头做 MASQUERADE（知识库第 1 条）：这些报文得到了应答，说明接收端内核已收下',
      },
      answered: {
        en: '{count} {layer} checksums{ports} look wrong, yet the packets were answered (an ICMP error quoting it, a TCP ACK or a UDP reply): offload artefacts, not wire errors; {who}{clean}; e.g. frame {frame}: {value}',
        zh: '{count} 个{ports}{layer}校验和看起来是错的，但报文得到了应答（引用它的 ICMP 差错、TCP ACK 或 UDP 回复）：是卸载造成的假象，不是线路错误；{who}{clean}；例如第 {frame} 帧：{value}',
      },
      answeredOne: {
        en: '1 {layer} checksum{ports} looks wrong, yet the packet was answered (an ICMP error quoting it, a TCP ACK or a UDP reply): an offload artefact, not a wire error; {who}{clean}; e.g. frame {frame}: {value}',
        zh: '1 个{ports}{layer}校验和看起来是错的，但报文得到了应答（引用它的 ICMP 差错、TCP ACK 或 UDP 回复）：是卸载造成的假象，不是线路错误；{who}{clean}；例如第 {frame} 帧：{value}',
      },
      answeredDetail: {
        en: 'A sum the sending kernel left for checksum offload (or computed for local checksum offload) that NAT changed afterwards without fixing it up, as when kube-proxy masquerades the outer VXLAN header of node-to-Service traffic (kb 1): the packets were answered, so the receiving kernel took them. A kernel drops a datagram with a wrong UDP sum before anything can answer it; these arrived (behind a veth, or on a NIC that trusts the partial sum).',
        zh: '发送端内核留给校验和卸载（或按本地校验和卸载计算）的校验和，之后被 NAT 改动而未修正，例如 kube-proxy 对节点访问 Service 流量的 VXLAN 外层头做 MASQUERADE（知识库第 1 条）：这些报文得到了应答，说明接收端内核已收下。内核会在任何应答之前丢弃 UDP 校验和错误的数据报；这些报文已经到达（经过 veth，或网卡信任部分校验和）。',
      },
      offload: {
        en: '{count} {layer} checksums{ports} are tx offload artefacts, {who}{clean}: captured on the sending host, they prove nothing',
        zh: '{count} 个{ports}{layer}校验和是发送校验和卸载造成的假象，{who}{clean}：在发送端抓取，说明不了问题',
      },
      offloadOne: {
        en: '1 {layer} checksum{ports} is a tx offload artefact, {who}{clean}: captured on the sending host, it proves nothing',
        zh: '1 个{ports}{layer}校验和是发送校验和卸载造成的假象，{who}{clean}：在发送端抓取，说明不了问题',
      },
      offloadDetail: {
        en: 'The field holds only the pseudo-header sum: the NIC fills it in after the capture point (tx checksum offload).',
        zh: '校验和字段只含伪首部和：网卡在抓包点之后才填写（发送校验和卸载）。',
      },
      lco: {
        en: '{count} {layer} checksums{ports} are local checksum offload (LCO) artefacts, {who}{clean}: captured on the sending host, they prove nothing',
        zh: '{count} 个{ports}{layer}校验和是本地校验和卸载（LCO）造成的假象，{who}{clean}：在发送端抓取，说明不了问题',
      },
      lcoOne: {
        en: '1 {layer} checksum{ports} is a local checksum offload (LCO) artefact, {who}{clean}: captured on the sending host, it proves nothing',
        zh: '1 个{ports}{layer}校验和是本地校验和卸载（LCO）造成的假象，{who}{clean}：在发送端抓取，说明不了问题',
      },
      lcoDetail: {
        en: 'The outer VXLAN sum was computed as if the inner checksum were final (local checksum offload).',
        zh: 'VXLAN 外层校验和按内层校验和已定稿来计算（本地校验和卸载）。',
      },
      ...CHECKSUM_PHRASES,
    },
    explanation: {
      en: "With tx checksum offload the kernel writes only the pseudo-header sum into a packet and the NIC computes the rest as the packet leaves, after the point where tcpdump copies it: on the sending host (or behind a veth, whose peer never fills anything in) such sums look wrong and are not. Local checksum offload (LCO) does the same one level up: the outer VXLAN/Geneve UDP sum is computed as if the inner checksum were already final. podpath recognises both patterns by recomputing what the field would hold. A third kind of artefact shows in the traffic itself: an outer sum that looks wrong on a packet the capture shows was answered (an ICMP error quoting it, a TCP ACK covering it, a UDP reply right after it) was taken by the receiving kernel, which drops a datagram with a wrong UDP sum before anything can answer it; that happens when NAT changes a sum left for offload without fixing it up (kube-proxy masquerading the outer header of node-to-Service traffic, kb 1). None of these is lost traffic.",
      zh: '开启发送校验和卸载时，内核只在报文中写入伪首部和，其余由网卡在报文离开时计算，这发生在 tcpdump 复制报文之后：在发送端（或 veth 之后，其对端从不填写）抓到的这类校验和看起来是错的，其实不是。本地校验和卸载（LCO）在上一层做同样的事：VXLAN/Geneve 外层 UDP 校验和按内层校验和已定稿来计算。podpath 通过重算字段应有的值识别这两种模式。第三种假象体现在流量本身：抓包显示得到了应答的报文（引用它的 ICMP 差错、覆盖它的 TCP ACK、紧随其后的 UDP 回复）即使外层校验和看起来是错的，也已被接收端内核收下，因为内核会在任何应答之前丢弃 UDP 校验和错误的数据报；这发生在 NAT 改动了留给卸载的校验和而未修正时（kube-proxy 对节点访问 Service 流量的外层头做 MASQUERADE，知识库第 1 条）。这些都不是丢包。',
    },
    remediation: [
      {
        description: { en: 'Nothing to fix. To look for real checksum errors, capture on the receiving node and read its counters there', zh: '无需修复。若要寻找真正的校验和错误，请在接收节点抓包并查看其计数' },
        commands: ['# nothing to fix: these sums are artefacts of where the capture was taken', 'tcpdump -i any -nn -w receiver.pcap  # on the receiving node, while the traffic runs', 'nstat -az UdpInCsumErrors TcpInCsumErrors  # on the receiving node'],
        undo: ['rm -f receiver.pcap'],
      },
    ],
    references: ['kb:known-failures.md#1', 'https://www.kernel.org/doc/html/latest/networking/checksum-offloads.html'],
  },
  check(ctx) {
    for (const sum of ctx.evidence.captures ?? []) {
      const report = (kind: 'answered' | 'offload' | 'lco', groups: BadGroup[], layer: string, fallbackFilter: string | undefined): void => {
        const count = countOf(groups);
        const ex = groups[0]!.example;
        const { who, clean } = senderPhrases(groups, sendersOf(sum, layer));
        ctx.report({
          messageId: count === 1 ? `${kind}One` : kind,
          detailId: `${kind}Detail`,
          data: { count, frame: ex.frame, value: sumValue(ex.got, ex.expected) },
          phrases: { layer: layerPhrase(layer), ports: portsPhrase(groups), who, clean },
          evidence: groupLines(sum.file, groups),
          location: captureLocation(sum.file, mergeFrames(groups), undefined, fallbackFilter),
        });
      };
      const answered = sum.checksums.badGroups.filter((g) => g.answered);
      const nAnswered = countOf(answered);
      if (onlyArtefacts(sum)) {
        const total = sum.checksums.layers.reduce((n, l) => n + l.bad, 0);
        ctx.report({
          messageId: 'artefactsOnly',
          detailId: 'artefactsOnlyDetail',
          data: { count: total },
          phrases: {
            someAnswered: nAnswered > 0 ? [{ id: 'someAnswered', data: { count: nAnswered } }] : [],
            orAnswered: nAnswered > 0 ? [{ id: 'orAnswered' }] : [],
          },
          evidence: groupLines(sum.file, sum.checksums.badGroups),
          location: captureLocation(sum.file, mergeFrames(sum.checksums.badGroups)),
        });
        continue;
      }
      if (answered.length > 0) {
        const layer = answered[0]!.layer;
        report('answered', answered, layer, undefined);
      }
      for (const l of sum.checksums.layers) {
        for (const cause of ARTEFACT_CAUSES) {
          const groups = groupsOf(sum, l.layer, cause);
          if (groups.length > 0) report(cause, groups, l.layer, fieldFilter(l.layer, groups));
        }
      }
    }
  },
});
