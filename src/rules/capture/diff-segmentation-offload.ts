// TSO/GSO or GRO merged TCP segments at a capture point: TCP has no one-to-one copy at the other
// end, so its unmatched packets are not counted as lost.
import { defineRule } from '../../engine/types.js';
import { captureLine, captureLocation } from '../shared/capture.js';
import { dirName } from '../shared/capture-diff.js';

export default defineRule({
  meta: {
    id: 'diff-segmentation-offload',
    kind: 'capture',
    title: { en: 'Segmentation offload in a capture: TCP not judged', zh: '抓包中有分段卸载：TCP 未判断' },
    severity: 'info',
    needs: ['captureDiffs'],
    messages: {
      offload: {
        en: 'TCP packets larger than 1500 bytes (IP; inner for VXLAN) in the captures (sender {largestSender}, receiver {largestReceiver}): segmentation offload (TSO/GSO on the sender, GRO on the receiver) merges TCP at the capture point, so {notComparable} unmatched TCP packets {dir} were not counted as lost',
        zh: '抓包中有大于 1500 字节的 TCP 报文（发送端 {largestSender}，接收端 {largestReceiver}）：分段卸载（发送端 TSO/GSO、接收端 GRO）在抓包点合并了 TCP，因此 {notComparable} 个未匹配的 {dir} TCP 报文不计为丢失',
      },
      detail: {
        en: 'Judge loss by UDP, or capture with offloads off on both ends (`ethtool -K IFACE tso off gso off gro off`).',
        zh: '请用 UDP 判断丢包，或两端关闭卸载后再抓包（`ethtool -K 网卡 tso off gso off gro off`）。',
      },
    },
    explanation: {
      en: 'With TSO/GSO the sending kernel hands the NIC one large TCP segment that the NIC cuts into wire-sized packets after the capture point; with GRO the receiving kernel merges wire packets into one before the capture point. Either way a TCP packet in one capture has no one-to-one copy in the other, and its absence proves nothing. A TCP packet above 1500 bytes (the inner one for a tunnel) in either capture shows it (a jumbo-frame network does too); unmatched TCP is then left out of the loss.',
      zh: '开启 TSO/GSO 时，发送端内核交给网卡一个大 TCP 段，由网卡在抓包点之后切成线上大小的报文；开启 GRO 时，接收端内核在抓包点之前把线上报文合并成一个。两种情况下，一个抓包中的 TCP 报文在另一个抓包中都没有一一对应的副本，找不到也说明不了什么。任一抓包中出现大于 1500 字节的 TCP 报文（隧道则看内层）即说明存在这种情况（巨帧网络也会如此）；此时未匹配的 TCP 不计入丢包。',
    },
    remediation: [
      {
        description: { en: 'To judge TCP too, capture with segmentation offloads off on both nodes, then turn them back on', zh: '若也要判断 TCP，请在两个节点上关闭分段卸载后抓包，完成后再打开' },
        commands: ['ethtool -K "${IFACE:?set IFACE to the capture interface}" tso off gso off gro off'],
        undo: ['ethtool -K "${IFACE:?set IFACE to the capture interface}" tso on gso on gro on'],
      },
    ],
    references: ['https://www.kernel.org/doc/html/latest/networking/segmentation-offloads.html'],
  },
  check(ctx) {
    for (const d of ctx.evidence.captureDiffs ?? []) {
      const so = d.segmentationOffload;
      const f = d.forward;
      if (!(so.suspected && f.notComparable > 0)) continue;
      ctx.report({
        messageId: 'offload',
        detailId: 'detail',
        data: { largestSender: so.largestTcpSender, largestReceiver: so.largestTcpReceiver, notComparable: f.notComparable, dir: dirName(f) },
        evidence: [captureLine(d.sender.file, `largest TCP packet: sender ${so.largestTcpSender} bytes, receiver ${so.largestTcpReceiver} bytes; ${f.notComparable} unmatched TCP packets ${dirName(f)} not judged`)],
        location: captureLocation(d.sender.file),
      });
    }
  },
});
