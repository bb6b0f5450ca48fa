// Findings of `pcap diff`: what was lost, which way, and what the loss depends on.
import { makeFinding, sortFindings, type Finding } from '../analyze/findings.js';
import type { DiffResult } from './result.js';

export function formatRate(bps: number): string {
  if (bps >= 1e9) return `${(bps / 1e9).toFixed(2)} Gbit/s`;
  if (bps >= 1e6) return `${(bps / 1e6).toFixed(1)} Mbit/s`;
  if (bps >= 1e3) return `${(bps / 1e3).toFixed(0)} kbit/s`;
  return `${bps.toFixed(0)} bit/s`;
}

const rel = (d: DiffResult, t: number) => `+${(t - (d.sender.first ?? t)).toFixed(1)} s`;
const pct = (n: number, of: number) => (of > 0 ? `${((100 * n) / of).toFixed(n === of ? 0 : 1)}%` : '-');


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
      }),
    );
  }

  const sizeExplained = f.size && f.size.lostAtOrBelowOutsideRuns === 0 ? f.size.lostAbove : 0;
  if (f.size) {
    const s = f.size;
    const below = s.lostAtOrBelow === 0 ? 'none at or below' : `${s.lostAtOrBelow} smaller ones were lost${s.lostAtOrBelowOutsideRuns === 0 ? ', all inside the loss window(s) reported separately' : ` (${s.lostAtOrBelowOutsideRuns} outside any loss window)`}`;
    out.push(
      makeFinding({
        id: 'diff-loss-size',
        severity: 'error',
        file,
        message: `every datagram ${dir} larger than ${s.threshold} bytes (IP; UDP payload ${s.threshold - 28}) was lost: ${s.lostAbove} packets of ${s.threshold + 1}-${s.largestLost} bytes; ${below}`,
        detail: `Something on the path drops packets above ${s.threshold} bytes: an MTU mismatch, or a device dropping large UDP or fragments (seed 003). Check the MTU of every hop; for the overlay, lower the VXLAN MTU below the underlay's by 50.`,
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
        message: `from ${rel(d, r.start)} everything ${dir} was lost for ${r.seconds.toFixed(1)} s${r.untilEnd ? ' (until the end of the overlap)' : ''}: ${r.packets} packets of all sizes (${r.smallest}-${r.largest} bytes), starting when the sender's rate over 1 s reached ${formatRate(r.rateAtStart)} (the most that got through before: ${formatRate(r.rateOkBefore)}; its usual rate: ${formatRate(f.medianRate)}): a rate-triggered blackhole`,
        detail: 'The limit lies between the most that got through and the rate at the start (a policer may allow a burst first). A device on the path cuts the sending host off once it exceeds a rate, then lets it back after a while (seed 003: ~22 Mbit/s). Take the numbers to the network team; reproduce with `podpath probe` rate ramp.',
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
        message: `everything ${dir} was lost between ${rel(d, r.start)} and ${rel(d, r.start + r.seconds)} (${r.seconds.toFixed(1)} s${r.untilEnd ? ', until the end of the overlap' : ''}): ${r.packets} packets, nothing got through in between; the rate then was ordinary (${formatRate(r.rateAtStart)})`,
        detail: 'A time-bound outage of the path (link flap, route change, device reboot): compare with logs of the nodes and the network for that window.',
        frames: { count: r.packets, ranges: [{ from: r.firstFrame, to: r.lastFrame }], truncated: false },
        filter: `ip.src == ${f.from} && ip.dst == ${f.to} && frame.number >= ${r.firstFrame} && frame.number <= ${r.lastFrame}`,
      }),
    );
  }
  const explained = sizeExplained + blackholes.reduce((n, r) => n + r.packets, 0) + windows.reduce((n, r) => n + r.packets, 0);
  const rest = f.lost - explained;
  if (rest > 0) {
    out.push(
      makeFinding({
        id: 'diff-loss',
        severity: rest >= Math.max(3, f.sent * 0.01) ? 'error' : 'warning',
        file,
        message: `${f.lost} of ${f.sent} packets ${dir} were lost (${pct(f.lost, f.sent)})${explained ? `, ${rest} of them not explained by size or a loss window` : ', scattered: neither size nor time explains it'}`,
        detail: 'Scattered loss: congestion, a policer without blackhole, or a bad link; check interface error counters along the path.',
        frames: f.lostFrames,
      }),
    );
  }
  if (f.lost > 0 || d.reverse.lost > 0) {
    const rv = d.reverse;
    const oneWay = rv.lost === 0 && rv.sent > 0;
    out.push(
      makeFinding({
        id: oneWay ? 'diff-one-way' : 'diff-reverse-loss',
        severity: oneWay ? 'info' : rv.lost > 0 ? 'error' : 'info',
        file: d.receiver.file,
        message: oneWay
          ? `the loss is one-way: ${rv.sent} packets ${rv.from} -> ${rv.to} all arrived`
          : rv.sent === 0
            ? `nothing ${rv.from} -> ${rv.to} in the overlap: cannot tell whether the other way works`
            : `${rv.lost} of ${rv.sent} packets ${rv.from} -> ${rv.to} were lost too (${pct(rv.lost, rv.sent)}; frames of the receiver's capture)`,
        frames: rv.lost > 0 ? rv.lostFrames : undefined,
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
        frames: d.altered.senderFrames,
      }),
    );
  }
  if (d.limits.receiverIndexTruncated || d.limits.unmatchedDropped > 0) {
    out.push(
      makeFinding({
        id: 'diff-limits',
        severity: 'warning',
        file,
        message: `memory bound reached: ${d.limits.receiverIndexTruncated ? 'the receiver capture was indexed only in part; ' : ''}${d.limits.unmatchedDropped ? `${d.limits.unmatchedDropped} unmatched sender packets were counted but not analyzed` : ''}`,
        detail: 'Cut the captures down (editcap -A/-B to the interesting window, or a tcpdump filter) and run again.',
      }),
    );
  }
  return sortFindings(out);
}
