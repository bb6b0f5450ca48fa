// Everything lost for a while at an ordinary rate: an outage of the path (a link flap, a route
// change, a device rebooting).
import { defineRule } from '../../engine/types.js';
import { formatRate } from '../../util/units.js';
import { captureLine, captureLocation } from '../shared/capture.js';
import { dirName, MAX_RUNS_REPORTED, RECEIVER_FRAMES, rel, sides } from '../shared/capture-diff.js';

export default defineRule({
  meta: {
    id: 'diff-loss-window',
    kind: 'capture',
    title: { en: 'Everything lost for a while (an outage)', zh: '一段时间内全部丢失（中断）' },
    severity: 'error',
    needs: ['captureDiffs'],
    messages: {
      window: {
        en: 'everything {dir} was lost between {start} and {end} ({seconds} s{untilEnd}): {packets} packets, nothing got through in between; the rate then was ordinary ({rateAtStart}){where}',
        zh: '{dir} 在 {start} 到 {end} 之间全部丢失（{seconds} 秒{untilEnd}）：{packets} 个报文，其间一个也没到；当时速率正常（{rateAtStart}）{where}',
      },
      untilEnd: { en: ', until the end of the overlap', zh: '，直到重叠结束' },
      receiverFrames: RECEIVER_FRAMES,
      detail: {
        en: 'A time-bound outage of the path (link flap, route change, device reboot): compare with logs of the nodes and the network for that window.',
        zh: '路径在这段时间中断（链路抖动、路由变化、设备重启）：请对照该时间窗内节点和网络设备的日志。',
      },
    },
    explanation: {
      en: 'A loss run of at least 5 packets over at least half a second, with nothing of the direction delivered in between, that began while the sender ran at its ordinary rate: not a size limit (packets of all sizes), not a rate limit (the rate was not high). The path was down for that window: a link or bond that flapped, a route that changed, a device or node agent that restarted. The window\'s times are on the sender\'s clock, from its capture\'s first packet: match them with the logs.',
      zh: '一个至少 5 个报文、持续至少半秒的丢包段，其间该方向一个也没送达，且开始时发送端速率正常：不是大小限制（各种大小都丢），也不是速率限制（速率不高）。路径在这段时间中断：链路或 bond 抖动、路由变化、设备或节点代理重启。时间窗按发送端时钟计，从其抓包的第一个报文算起：请据此对照日志。',
    },
    remediation: [
      {
        description: { en: 'Look at what happened in that window on both nodes and on the network between them', zh: '查看这段时间内两个节点以及它们之间网络上发生了什么' },
        commands: ['journalctl -k --since "${WINDOW_START:?set WINDOW_START to when the window began, e.g. 2026-01-01 10:00:00}"  # link, bond and driver messages, on both nodes', 'ip -s link show  # error and drop counters of the NICs'],
        undo: ['# nothing to undo: read-only checks'],
      },
    ],
    references: ['kb:known-failures.md#6'],
  },
  check(ctx) {
    for (const d of ctx.evidence.captureDiffs ?? []) {
      for (const { dir: f, file, where } of sides(d)) {
        for (const r of f.runs.filter((x) => x.kind === 'window').slice(0, MAX_RUNS_REPORTED)) {
          ctx.report({
            messageId: 'window',
            detailId: 'detail',
            data: { dir: dirName(f), start: rel(d, r.start), end: rel(d, r.start + r.seconds), seconds: r.seconds.toFixed(1), packets: r.packets, rateAtStart: formatRate(r.rateAtStart) },
            phrases: { untilEnd: r.untilEnd ? [{ id: 'untilEnd' }] : [], where },
            evidence: [captureLine(file, `${dirName(f)}: ${r.packets} lost in a row from frame ${r.firstFrame} to ${r.lastFrame} over ${r.seconds} s; rate at start ${r.rateAtStart} bit/s, median ${f.medianRate} bit/s`)],
            location: captureLocation(file, { count: r.packets, ranges: [{ from: r.firstFrame, to: r.lastFrame }], truncated: false }, `ip.src == ${f.from} && ip.dst == ${f.to} && frame.number >= ${r.firstFrame} && frame.number <= ${r.lastFrame}`),
          });
        }
      }
    }
  },
});
