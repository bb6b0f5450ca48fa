// Everything lost for a while, of all sizes, starting when the sender's rate crossed a level it
// had not got through at before: a rate-triggered blackhole (seed 003: ~22 Mbit/s).
import { defineRule } from '../../engine/types.js';
import { formatRate } from '../../util/units.js';
import { captureLine, captureLocation } from '../shared/capture.js';
import { dirName, MAX_RUNS_REPORTED, RECEIVER_FRAMES, rel, sides } from '../shared/capture-diff.js';

export default defineRule({
  meta: {
    id: 'diff-loss-rate',
    kind: 'capture',
    title: { en: 'A rate-triggered blackhole: everything lost above a send rate', zh: '速率触发的黑洞：超过某发送速率后全部丢失' },
    severity: 'error',
    needs: ['captureDiffs'],
    messages: {
      blackhole: {
        en: 'from {start} everything {dir} was lost for {seconds} s{untilEnd}: {packets} packets of all sizes ({smallest}-{largest} bytes), starting when the rate of {from} over 1 s reached {rateAtStart} (the most that got through before: {rateOkBefore}; its usual rate: {medianRate}): a rate-triggered blackhole{where}',
        zh: '从 {start} 起 {dir} 的所有流量丢失 {seconds} 秒{untilEnd}：{packets} 个各种大小的报文（{smallest}-{largest} 字节），开始时 {from} 的 1 秒速率达到 {rateAtStart}（此前能通过的最高速率：{rateOkBefore}；平时速率：{medianRate}）：速率触发的黑洞{where}',
      },
      untilEnd: { en: ' (until the end of the overlap)', zh: '（直到重叠结束）' },
      receiverFrames: RECEIVER_FRAMES,
      detail: {
        en: 'The limit lies between the most that got through and the rate at the start (a policer may allow a burst first). A device on the path cuts the sending host off once it exceeds a rate, then lets it back after a while (seed 003: ~22 Mbit/s). Take the numbers to the network team; reproduce with `podpath probe` rate ramp.',
        zh: '限速值介于此前能通过的最高速率与开始丢包时的速率之间（限速器可能先放过一个突发）。路径上的设备在发送主机超过某速率后把它整个切断，过一段时间再放行（种子 003：约 22 Mbit/s）。请把这些数字交给网络团队；可用 `podpath probe` 速率爬升复现。',
      },
    },
    explanation: {
      en: 'A loss run is a stretch of consecutive lost packets of one direction with nothing delivered in between. When a run of at least 5 packets over at least half a second holds packets of all sizes and began while the sending host ran at least twice its median rate, and not below the highest rate that had got through before, a device on the path cut the host off for exceeding a rate: a UDP policer, storm control or DDoS protection (seed 003: above ~22 Mbit/s the whole host was blackholed for a while, then let back). VXLAN carries all pod traffic of a node as UDP between two hosts, so such a device takes every pod of the node down once it is busy. No change on the node fixes it.',
      zh: '丢包段是同一方向上连续丢失、其间一个也没送达的一段报文。若某段至少 5 个报文、持续至少半秒，包含各种大小的报文，且开始时发送主机的速率至少是其速率中位数的两倍、并且不低于此前能通过的最高速率，说明路径上的设备因超速把该主机切断了：UDP 限速器、风暴抑制或 DDoS 防护（种子 003：超过约 22 Mbit/s 整个主机被黑洞一段时间后再放行）。VXLAN 把一个节点的所有 Pod 流量作为两台主机之间的 UDP 承载，因此这样的设备会在节点繁忙时让该节点的所有 Pod 断网。节点上的修改无法解决。',
    },
    remediation: [
      {
        description: { en: 'Reproduce it with a measured rate ramp and take the rates to the network team (the device\'s UDP policer or storm control between the nodes)', zh: '用实测的速率爬升复现，并把速率交给网络团队（节点之间设备的 UDP 限速器或风暴抑制）' },
        commands: ['podpath probe {to}  # from {from}: the rate ramp finds the rate and how long the blackhole lasts'],
        undo: ['# nothing to undo: a read-only probe'],
      },
    ],
    references: ['seeds/003_2b1b2eccaee5794d.txt', 'kb:known-failures.md#6 (underlay rate limit / blackhole)'],
  },
  check(ctx) {
    for (const d of ctx.evidence.captureDiffs ?? []) {
      for (const { dir: f, file, where } of sides(d)) {
        for (const r of f.runs.filter((x) => x.kind === 'blackhole').slice(0, MAX_RUNS_REPORTED)) {
          ctx.report({
            messageId: 'blackhole',
            detailId: 'detail',
            data: {
              start: rel(d, r.start), dir: dirName(f), from: f.from, to: f.to, seconds: r.seconds.toFixed(1), packets: r.packets, smallest: r.smallest, largest: r.largest,
              rateAtStart: formatRate(r.rateAtStart), rateOkBefore: formatRate(r.rateOkBefore), medianRate: formatRate(f.medianRate),
            },
            phrases: { untilEnd: r.untilEnd ? [{ id: 'untilEnd' }] : [], where },
            evidence: [captureLine(file, `${dirName(f)}: ${r.packets} lost in a row from frame ${r.firstFrame} to ${r.lastFrame} over ${r.seconds} s; rate at start ${r.rateAtStart} bit/s, best delivered before ${r.rateOkBefore} bit/s, median ${f.medianRate} bit/s`)],
            location: captureLocation(file, { count: r.packets, ranges: [{ from: r.firstFrame, to: r.lastFrame }], truncated: false }, `ip.src == ${f.from} && ip.dst == ${f.to} && frame.number >= ${r.firstFrame} && frame.number <= ${r.lastFrame}`),
          });
        }
      }
    }
  },
});
