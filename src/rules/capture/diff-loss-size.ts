// Every datagram above a size lost, in one direction: an MTU mismatch or a device dropping large
// UDP or fragments (seed 003: nothing above 1472 bytes of UDP payload crossed).
import { defineRule, type Phrase } from '../../engine/types.js';
import { captureLine, captureLocation } from '../shared/capture.js';
import { dirName, RECEIVER_FRAMES, sides } from '../shared/capture-diff.js';

export default defineRule({
  meta: {
    id: 'diff-loss-size',
    kind: 'capture',
    title: { en: 'Every packet above a size is lost', zh: '超过某大小的报文全部丢失' },
    severity: 'error',
    needs: ['captureDiffs'],
    messages: {
      size: {
        en: 'every datagram {dir} larger than {threshold} bytes (IP; UDP payload {payload}) was lost: {lostAbove} packets of {smallestLost}-{largestLost} bytes; {below}{where}',
        zh: '{dir} 所有大于 {threshold} 字节（IP；UDP 载荷 {payload}）的数据报全部丢失：{lostAbove} 个 {smallestLost}-{largestLost} 字节的报文；{below}{where}',
      },
      belowNone: { en: 'none at or below', zh: '不大于该值的一个未丢' },
      belowInRuns: { en: '{count} smaller ones were lost, all inside the loss window(s) reported separately', zh: '较小的丢了 {count} 个，全部在另行报告的丢包时间窗内' },
      belowOutside: { en: '{count} smaller ones were lost ({outside} outside any loss window)', zh: '较小的丢了 {count} 个（{outside} 个不在任何丢包时间窗内）' },
      receiverFrames: RECEIVER_FRAMES,
      detail: {
        en: 'Something on the path drops packets above {threshold} bytes: an MTU mismatch, or a device dropping large UDP or fragments (seed 003). Check the MTU of every hop; for the overlay, lower the VXLAN MTU below the underlay\'s by 50.',
        zh: '路径上有设备丢弃大于 {threshold} 字节的报文：MTU 不一致，或设备丢弃大 UDP 报文/分片（种子 003）。请检查每一跳的 MTU；overlay 的 VXLAN MTU 应比 underlay 小 50。',
      },
    },
    explanation: {
      en: 'pcap diff matches every packet of the sender\'s capture with its copy in the receiver\'s. When the largest datagram that got through is N bytes and every larger one was lost, the path has a size limit: an MTU smaller than what is sent (a tunnel, a VPN, a cloud network of 1450), or a device that drops large UDP or IP fragments (seed 003: UDP above 1472 bytes of payload never crossed, while smaller passed). The overlay turns this into lost pod traffic above a size: small requests work, large answers hang. The threshold is what was measured; the limit lies between it and the smallest lost size.',
      zh: 'pcap diff 把发送端抓包中的每个报文与其在接收端的副本逐一匹配。若通过的最大数据报为 N 字节而更大的全部丢失，说明路径有大小限制：MTU 小于发送的报文（隧道、VPN、1450 的云网络），或设备丢弃大 UDP 或 IP 分片（种子 003：UDP 载荷超过 1472 字节就过不去，更小的正常）。overlay 会把它变成超过某大小的 Pod 流量丢失：小请求正常，大响应卡住。阈值是实测值；限制位于它与丢失的最小大小之间。',
    },
    remediation: [
      {
        description: { en: 'Find the hop that drops above {threshold} bytes: compare the MTUs on both nodes, probe the path with DF set, and set the overlay MTU 50 below the underlay\'s', zh: '找出丢弃大于 {threshold} 字节报文的那一跳：对比两个节点的 MTU，用 DF 探测路径，并把 overlay MTU 设为比 underlay 小 50' },
        commands: ['ip -d link show  # MTUs of the NIC and the overlay device, on both nodes', 'ping -M do -s {pingSize} -c 3 {to}  # from {from}: the largest packet that got through', 'podpath probe {to}  # from {from}: the size sweep finds the limit'],
        undo: ['# nothing to undo: read-only checks'],
      },
    ],
    references: ['seeds/003_2b1b2eccaee5794d.txt', 'kb:known-failures.md#5 (MTU mismatch and size limits in the underlay)'],
  },
  check(ctx) {
    for (const d of ctx.evidence.captureDiffs ?? []) {
      for (const { dir: f, file, where } of sides(d)) {
        const s = f.size;
        if (!s) continue;
        const below: Phrase = s.lostAtOrBelow === 0 ? { id: 'belowNone' } : s.lostAtOrBelowOutsideRuns === 0 ? { id: 'belowInRuns', data: { count: s.lostAtOrBelow } } : { id: 'belowOutside', data: { count: s.lostAtOrBelow, outside: s.lostAtOrBelowOutsideRuns } };
        ctx.report({
          messageId: 'size',
          detailId: 'detail',
          data: { dir: dirName(f), from: f.from, to: f.to, threshold: s.threshold, payload: s.threshold - 28, lostAbove: s.lostAbove, smallestLost: s.threshold + 1, largestLost: s.largestLost, pingSize: Math.max(0, s.threshold - 28) },
          phrases: { below, where },
          evidence: [captureLine(file, `${dirName(f)}: ${f.sent} sent, ${f.delivered} delivered, ${f.lost} lost; largest delivered ${s.threshold} bytes; ${s.lostAbove} lost above it (up to ${s.largestLost}), ${s.lostAtOrBelow} at or below`)],
          location: captureLocation(file, s.frames, undefined, `ip.src == ${f.from} && ip.dst == ${f.to} && (ip.len > ${s.threshold} || ip.frag_offset > 0 || ip.flags.mf == 1)`),
        });
      }
    }
  },
});
