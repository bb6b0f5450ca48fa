// Findings of `pcap diff`: what was lost, which way, and what the loss depends on.
import { makeFinding, sortFindings, type Finding } from '../analyze/findings.js';
import type { DiffResult, ForwardDirection } from './result.js';
import { MAX_PAIRS, MAX_RATE_SOURCES } from './engine.js';
import { MAX_ADDRESSES } from './columns.js';
import { LIMITS } from '../../util/limits.js';

export function formatRate(bps: number): string {
  if (bps >= 1e9) return `${(bps / 1e9).toFixed(2)} Gbit/s`;
  if (bps >= 1e6) return `${(bps / 1e6).toFixed(1)} Mbit/s`;
  if (bps >= 1e3) return `${(bps / 1e3).toFixed(0)} kbit/s`;
  return `${bps.toFixed(0)} bit/s`;
}

const rel = (d: DiffResult, t: number) => `+${(t - (d.sender.first ?? t)).toFixed(1)} s`;
const pct = (n: number, of: number) => (of > 0 ? `${((100 * n) / of).toFixed(n === of ? 0 : 1)}%` : '-');


/**
 * Size, rate and time findings of one direction; returns how many of its lost packets they
 * explain. Frames refer to `file`, the capture where the direction starts (`side`).
 */
function lossFindings(d: DiffResult, f: ForwardDirection, file: string, side: 'sender' | 'receiver', out: Finding[]): number {
  const dir = `${f.from} -> ${f.to}`;
  // The reverse direction's frames are the receiver's: say so, the forward ones need no note.
  const where = side === 'sender' ? '' : " (frames of the receiver's capture)";
  const whereZh = side === 'sender' ? '' : '（帧号为接收端抓包的）';
  const sizeExplained = f.size && f.size.lostAtOrBelowOutsideRuns === 0 ? f.size.lostAbove : 0;
  if (f.size) {
    const s = f.size;
    const below = s.lostAtOrBelow === 0 ? 'none at or below' : `${s.lostAtOrBelow} smaller ones were lost${s.lostAtOrBelowOutsideRuns === 0 ? ', all inside the loss window(s) reported separately' : ` (${s.lostAtOrBelowOutsideRuns} outside any loss window)`}`;
    out.push(
      makeFinding({
        id: 'diff-loss-size',
        severity: 'error',
        file,
        message: `every datagram ${dir} larger than ${s.threshold} bytes (IP; UDP payload ${s.threshold - 28}) was lost: ${s.lostAbove} packets of ${s.threshold + 1}-${s.largestLost} bytes; ${below}${where}`,
        detail: `Something on the path drops packets above ${s.threshold} bytes: an MTU mismatch, or a device dropping large UDP or fragments (seed 003). Check the MTU of every hop; for the overlay, lower the VXLAN MTU below the underlay's by 50.`,
        zh: {
          message: `${dir} 所有大于 ${s.threshold} 字节（IP；UDP 载荷 ${s.threshold - 28}）的数据报全部丢失：${s.lostAbove} 个 ${s.threshold + 1}-${s.largestLost} 字节的报文；${s.lostAtOrBelow === 0 ? '不大于该值的一个未丢' : `较小的丢了 ${s.lostAtOrBelow} 个${s.lostAtOrBelowOutsideRuns === 0 ? '，全部在另行报告的丢包时间窗内' : `（${s.lostAtOrBelowOutsideRuns} 个不在任何丢包时间窗内）`}`}${whereZh}`,
          detail: `路径上有设备丢弃大于 ${s.threshold} 字节的报文：MTU 不一致，或设备丢弃大 UDP 报文/分片（种子 003）。请检查每一跳的 MTU；overlay 的 VXLAN MTU 应比 underlay 小 50。`,
        },
        frames: s.frames,
        fallbackFilter: `ip.src == ${f.from} && ip.dst == ${f.to} && (ip.len > ${s.threshold} || ip.frag_offset > 0 || ip.flags.mf == 1)`,
      }),
    );
  }
  const blackholes = f.runs.filter((r) => r.kind === 'blackhole');
  for (const r of blackholes.slice(0, 3)) {
    out.push(
      makeFinding({
        id: 'diff-loss-rate',
        severity: 'error',
        file,
        message: `from ${rel(d, r.start)} everything ${dir} was lost for ${r.seconds.toFixed(1)} s${r.untilEnd ? ' (until the end of the overlap)' : ''}: ${r.packets} packets of all sizes (${r.smallest}-${r.largest} bytes), starting when the rate of ${f.from} over 1 s reached ${formatRate(r.rateAtStart)} (the most that got through before: ${formatRate(r.rateOkBefore)}; its usual rate: ${formatRate(f.medianRate)}): a rate-triggered blackhole${where}`,
        detail: 'The limit lies between the most that got through and the rate at the start (a policer may allow a burst first). A device on the path cuts the sending host off once it exceeds a rate, then lets it back after a while (seed 003: ~22 Mbit/s). Take the numbers to the network team; reproduce with `podpath probe` rate ramp.',
        zh: {
          message: `从 ${rel(d, r.start)} 起 ${dir} 的所有流量丢失 ${r.seconds.toFixed(1)} 秒${r.untilEnd ? '（直到重叠结束）' : ''}：${r.packets} 个各种大小的报文（${r.smallest}-${r.largest} 字节），开始时 ${f.from} 的 1 秒速率达到 ${formatRate(r.rateAtStart)}（此前能通过的最高速率：${formatRate(r.rateOkBefore)}；平时速率：${formatRate(f.medianRate)}）：速率触发的黑洞${whereZh}`,
          detail: '限速值介于此前能通过的最高速率与开始丢包时的速率之间（限速器可能先放过一个突发）。路径上的设备在发送主机超过某速率后把它整个切断，过一段时间再放行（种子 003：约 22 Mbit/s）。请把这些数字交给网络团队；可用 `podpath probe` 速率爬升复现。',
        },
        frames: { count: r.packets, ranges: [{ from: r.firstFrame, to: r.lastFrame }], truncated: false },
        filter: `ip.src == ${f.from} && ip.dst == ${f.to} && frame.number >= ${r.firstFrame} && frame.number <= ${r.lastFrame}`,
      }),
    );
  }
  const windows = f.runs.filter((r) => r.kind === 'window');
  for (const r of windows.slice(0, 3)) {
    out.push(
      makeFinding({
        id: 'diff-loss-window',
        severity: 'error',
        file,
        message: `everything ${dir} was lost between ${rel(d, r.start)} and ${rel(d, r.start + r.seconds)} (${r.seconds.toFixed(1)} s${r.untilEnd ? ', until the end of the overlap' : ''}): ${r.packets} packets, nothing got through in between; the rate then was ordinary (${formatRate(r.rateAtStart)})${where}`,
        detail: 'A time-bound outage of the path (link flap, route change, device reboot): compare with logs of the nodes and the network for that window.',
        zh: {
          message: `${dir} 在 ${rel(d, r.start)} 到 ${rel(d, r.start + r.seconds)} 之间全部丢失（${r.seconds.toFixed(1)} 秒${r.untilEnd ? '，直到重叠结束' : ''}）：${r.packets} 个报文，其间一个也没到；当时速率正常（${formatRate(r.rateAtStart)}）${whereZh}`,
          detail: '路径在这段时间中断（链路抖动、路由变化、设备重启）：请对照该时间窗内节点和网络设备的日志。',
        },
        frames: { count: r.packets, ranges: [{ from: r.firstFrame, to: r.lastFrame }], truncated: false },
        filter: `ip.src == ${f.from} && ip.dst == ${f.to} && frame.number >= ${r.firstFrame} && frame.number <= ${r.lastFrame}`,
      }),
    );
  }
  return sizeExplained + blackholes.reduce((n, r) => n + r.packets, 0) + windows.reduce((n, r) => n + r.packets, 0);
}

export function diffFindings(d: DiffResult): Finding[] {
  const out: Finding[] = [];
  const file = d.sender.file;
  const f = d.forward;
  const dir = `${f.from} -> ${f.to}`;

  // The captures themselves: do they cover the same time?
  const longer = Math.max(d.sender.seconds, d.receiver.seconds);
  if (longer > 0 && d.overlap.seconds < 0.8 * longer) {
    out.push(
      makeFinding({
        id: 'diff-capture-overlap',
        severity: 'warning',
        file,
        message: `the captures overlap for ${d.overlap.seconds.toFixed(1)} s only: sender ${d.sender.seconds.toFixed(1)} s, receiver ${d.receiver.seconds.toFixed(1)} s (clock offset ${d.clock.offset.toFixed(3)} s${d.clock.basis === 'assumed-zero' ? ', assumed: nothing matched' : ''}); ${f.outsideOverlap} packets sent outside the overlap are not counted as lost`,
        detail: 'A shorter capture on one side is not loss by itself (seed 003: 90 s against 33 s). Start both captures before the test and stop them after it.',
        zh: {
          message: `两个抓包只重叠了 ${d.overlap.seconds.toFixed(1)} 秒：发送端 ${d.sender.seconds.toFixed(1)} 秒，接收端 ${d.receiver.seconds.toFixed(1)} 秒（时钟差 ${d.clock.offset.toFixed(3)} 秒${d.clock.basis === 'assumed-zero' ? '，无匹配报文，按 0 计' : ''}）；重叠之外发送的 ${f.outsideOverlap} 个报文不算丢失`,
          detail: '一端抓包时间短本身不等于丢包（种子 003：90 秒对 33 秒）。请在测试前同时开始、测试后再停止两端抓包。',
        },
      }),
    );
  }
  if (d.matched === 0 && d.sender.ipPackets > 0 && d.receiver.ipPackets > 0) {
    out.push(
      makeFinding({
        id: 'diff-no-match',
        severity: 'warning',
        file,
        message: `no packet of the sender's capture was found in the receiver's: different traffic, no time overlap, or NAT between them (try --nat)`,
        zh: { message: '发送端抓包中的报文在接收端一个都没找到：流量不同、时间不重叠，或中间有 NAT（试试 --nat）' },
      }),
    );
  }

  const fwdExplained = lossFindings(d, f, file, 'sender', out);
  const rest = f.lost - fwdExplained;
  if (rest > 0) {
    out.push(
      makeFinding({
        id: 'diff-loss',
        severity: rest >= Math.max(3, f.sent * 0.01) ? 'error' : 'warning',
        file,
        message: `${f.lost} of ${f.sent} packets ${dir} were lost (${pct(f.lost, f.sent)})${fwdExplained ? `, ${rest} of them not explained by size or a loss window` : ', scattered: neither size nor time explains it'}`,
        detail: 'Scattered loss: congestion, a policer without blackhole, or a bad link; check interface error counters along the path.',
        zh: { message: `${dir} 丢失 ${f.lost}/${f.sent} 个报文（${pct(f.lost, f.sent)}）${fwdExplained ? `，其中 ${rest} 个无法用大小或时间窗解释` : '，零散丢失：与大小和时间都无关'}`, detail: '零散丢包：拥塞、不切断的限速器或链路质量差；请检查沿途接口的错误计数。' },
        frames: f.lostFrames,
      }),
    );
  }
  // The other way, judged the same way from the receiver's capture.
  const rv = d.reverse;
  const revExplained = lossFindings(d, rv, d.receiver.file, 'receiver', out);
  const revRest = rv.lost - revExplained;
  // Loss both ways is said here only for what the reverse findings above do not explain.
  if ((f.lost > 0 && rv.lost === 0) || revRest > 0) {
    const oneWay = rv.lost === 0 && rv.sent > 0;
    out.push(
      makeFinding({
        id: oneWay ? 'diff-one-way' : 'diff-reverse-loss',
        severity: oneWay ? 'info' : revRest > 0 ? (revRest >= Math.max(3, rv.sent * 0.01) ? 'error' : 'warning') : 'info',
        file: d.receiver.file,
        message: oneWay
          ? `the loss is one-way: ${rv.sent} packets ${rv.from} -> ${rv.to} all arrived`
          : rv.sent === 0
            ? `nothing ${rv.from} -> ${rv.to} in the overlap: cannot tell whether the other way works`
            : `${rv.lost} of ${rv.sent} packets ${rv.from} -> ${rv.to} were lost too (${pct(rv.lost, rv.sent)}; frames of the receiver's capture)${revExplained ? `, ${revRest} of them not explained by size or a loss window` : ''}`,
        frames: revRest > 0 ? rv.lostFrames : undefined,
        zh: {
          message: oneWay
            ? `丢包是单向的：${rv.from} -> ${rv.to} 的 ${rv.sent} 个报文全部到达`
            : rv.sent === 0
              ? `重叠期间没有 ${rv.from} -> ${rv.to} 的报文：无法判断反方向是否正常`
              : `${rv.from} -> ${rv.to} 也丢失 ${rv.lost}/${rv.sent} 个报文（${pct(rv.lost, rv.sent)}；帧号为接收端抓包的）${revExplained ? `，其中 ${revRest} 个无法用大小或时间窗解释` : ''}`,
        },
      }),
    );
  }
  if (d.segmentationOffload.suspected && f.notComparable > 0) {
    const so = d.segmentationOffload;
    out.push(
      makeFinding({
        id: 'diff-segmentation-offload',
        severity: 'info',
        file,
        message: `TCP packets larger than 1500 bytes (IP; inner for VXLAN) in the captures (sender ${so.largestTcpSender}, receiver ${so.largestTcpReceiver}): segmentation offload (TSO/GSO on the sender, GRO on the receiver) merges TCP at the capture point, so ${f.notComparable} unmatched TCP packets ${dir} were not counted as lost`,
        detail: 'Judge loss by UDP, or capture with offloads off on both ends (`ethtool -K IFACE tso off gso off gro off`).',
        zh: { message: `抓包中有大于 1500 字节的 TCP 报文（发送端 ${so.largestTcpSender}，接收端 ${so.largestTcpReceiver}）：分段卸载（发送端 TSO/GSO、接收端 GRO）在抓包点合并了 TCP，因此 ${f.notComparable} 个未匹配的 TCP 报文不计为丢失`, detail: '请用 UDP 判断丢包，或两端关闭卸载后再抓包（`ethtool -K 网卡 tso off gso off gro off`）。' },
      }),
    );
  }
  if (d.altered.count > 0) {
    const fields = Object.entries(d.altered.fields).map(([k, n]) => `${k} (${n})`).join(', ');
    const ex = d.altered.examples[0]!;
    out.push(
      makeFinding({
        id: 'diff-altered',
        severity: 'error',
        file,
        message: `${d.altered.count} packets arrived altered: ${fields}; e.g. sender frame ${ex.senderFrame} = receiver frame ${ex.receiverFrame}`,
        detail: 'Fields that no router changes differ between the two copies: corruption on the path or a middlebox rewriting packets.',
        zh: { message: `${d.altered.count} 个报文到达时被改动：${fields}；例如发送端第 ${ex.senderFrame} 帧 = 接收端第 ${ex.receiverFrame} 帧`, detail: '路由器不会修改的字段在两端不一致：路径上有损坏，或有中间设备改写报文。' },
        frames: d.altered.senderFrames,
      }),
    );
  }
  const l = d.limits;
  if (l.receiverIndexTruncated || l.unmatchedDropped > 0 || l.rateSourcesDropped > 0 || l.pairsDropped > 0 || l.addressesOverflowed > 0) {
    const parts = [
      l.receiverIndexTruncated ? 'the receiver capture was indexed only in part' : '',
      l.unmatchedDropped ? `${l.unmatchedDropped} unmatched sender packets were counted but not analyzed` : '',
      l.rateSourcesDropped ? `${l.rateSourcesDropped} sender packets came from sources past the ${MAX_RATE_SOURCES} that get a rate` : '',
      l.pairsDropped ? `${l.pairsDropped} sender packets belong to address pairs past the ${MAX_PAIRS} that are counted per pair` : '',
      l.addressesOverflowed ? `${l.addressesOverflowed} lookups found the table of ${MAX_ADDRESSES} addresses full` : '',
    ].filter((x) => x !== '');
    out.push(
      makeFinding({
        id: 'diff-limits',
        severity: 'warning',
        file,
        message: `memory bound reached (${LIMITS.pcapDiffPairs.code}): ${parts.join('; ')}`,
        detail: 'Cut the captures down (editcap -A/-B to the interesting window, or a tcpdump filter) and run again.',
      }),
    );
  }
  return sortFindings(out);
}
