// IP fragments: datagrams larger than the path MTU. A device that drops fragments (or large UDP)
// loses such datagrams whole.
import { defineRule } from '../../engine/types.js';
import { captureFileArg, captureLine, captureLocation } from '../shared/capture.js';

export default defineRule({
  meta: {
    id: 'size-fragments',
    kind: 'capture',
    title: { en: 'IP fragments in the capture', zh: '抓包中有 IP 分片' },
    severity: 'info',
    needs: ['captures'],
    messages: {
      fragments: {
        en: '{count} IP fragments ({flows}): datagrams larger than the path MTU; a device that drops fragments or large UDP loses these datagrams whole',
        zh: '{count} 个 IP 分片（{flows}）：数据报大于路径 MTU；丢弃分片或大 UDP 的设备会让这些数据报整个丢失',
      },
      detail: {
        en: 'With a capture on the other end, `podpath pcap diff` shows whether these datagrams arrive; if they do not, lower the sender\'s MTU (the overlay MTU for pod traffic) so nothing needs fragmenting.',
        zh: '有了另一端的抓包，`podpath pcap diff` 能说明这些数据报是否到达；若没有到达，请降低发送端的 MTU（Pod 流量则为 overlay MTU），使报文无需分片。',
      },
    },
    explanation: {
      en: 'A datagram larger than the MTU of the path is sent in fragments (UDP; TCP segments to the MSS instead). Every fragment must arrive for the datagram to be delivered, and some devices drop fragments, or all UDP above a size (seed 003: nothing above 1472 bytes of UDP payload crossed). The fragments here are not a fault by themselves: they say which flows depend on fragments getting through.',
      zh: '大于路径 MTU 的数据报会分片发送（UDP；TCP 则按 MSS 分段）。所有分片都到达，数据报才能交付，而有些设备会丢弃分片，或丢弃超过某大小的所有 UDP（种子 003：UDP 载荷超过 1472 字节就过不去）。这里的分片本身不是故障：它说明哪些流依赖分片能够通过。',
    },
    remediation: [
      {
        description: { en: 'Check whether the fragmented datagrams arrive (a capture at the other end) and compare the MTUs along the path', zh: '检查分片的数据报是否到达（在另一端抓包），并对比路径上的 MTU' },
        commands: ['tcpdump -i any -nn -w other-end.pcap  # on the other node, during the same traffic', 'podpath pcap diff {file} other-end.pcap', 'ip -d link show  # MTUs of the NIC and the overlay device, on both nodes'],
        undo: ['rm -f other-end.pcap'],
      },
    ],
    references: ['seeds/003_2b1b2eccaee5794d.txt', 'kb:known-failures.md#5 (MTU mismatch and size limits in the underlay)'],
  },
  check(ctx) {
    for (const sum of ctx.evidence.captures ?? []) {
      const frames = sum.sizes.fragmentFrames;
      if (frames.count === 0) continue;
      const flows = sum.sizes.flows.filter((f) => f.fragments > 0);
      ctx.report({
        commandData: { file: captureFileArg(sum) },
        messageId: 'fragments',
        detailId: 'detail',
        data: { count: frames.count, flows: flows.slice(0, 3).map((f) => f.flow).join('; '), file: sum.file },
        evidence: flows.slice(0, 5).map((f) => captureLine(sum.file, `${f.scope} ${f.flow}: ${f.fragments} fragments of ${f.packets} packets`)).concat(flows.length === 0 ? [captureLine(sum.file, `${frames.count} fragments`)] : []),
        location: captureLocation(sum.file, frames, undefined, 'ip.flags.mf == 1 || ip.frag_offset > 0'),
      });
    }
  },
});
