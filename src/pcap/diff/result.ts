// Turns a CaptureDiffEngine's state into the measured comparison (evidence/capture-diff.ts): clock
// offset, capture overlap, loss per direction, and the loss by size, by time window and by rate
// (runs of consecutive losses). Saying what that means is the capture rules' job.
import { FrameSet } from '../analyze/frame-set.js';
import { CaptureDiffEngine, Unmatched } from './engine.js';
import { RateMeter } from './columns.js';
import type { CaptureDiff, CaptureSide, DirectionLoss, LossRun } from '../../evidence/capture-diff.js';

export type { CaptureSide, LossRun };
/** A direction judged in full: loss by size, by time and by rate. */
export type ForwardDirection = DirectionLoss;

export interface FinishOptions {
  senderFile: string;
  receiverFile: string;
  senderHost?: string;
  receiverHost?: string;
}

/**
 * Which address is the sender's host and which the receiver's. The address pair with the most
 * packets found in both captures is the pair (the sender's busiest pair when none matched); its orientation comes from the clocks when they can tell (a
 * packet from the sender's host shows up later at the receiver, one from the receiver's host
 * earlier: the two directions' mean deltas differ by twice the one-way delay), otherwise from
 * who sent more of the pair's packets in the sender's capture.
 */
function hosts(e: CaptureDiffEngine, senderHost?: string, receiverHost?: string): [number | undefined, number | undefined] {
  const given = (a?: string) => (a === undefined ? undefined : e.addrs.id(a));
  const a = given(senderHost);
  const b = given(receiverHost);
  if (a !== undefined && b !== undefined) return [a, b];
  const split = (p: number) => [Math.floor(p / 1048576), p % 1048576] as const;
  let best: [number, number] | undefined;
  let bestN = -1;
  // Pairs seen at both ends first (a node talks to many peers; the pair both captures share is
  // the one between the two nodes), the sender's busiest pair when nothing matched at all.
  const counts = [...e.pairMatched.values()].some((n) => n > 0) ? e.pairMatched : e.pairSent;
  for (const [p, n] of counts) {
    const [s, d] = split(p);
    if (s === d) continue;
    if (a !== undefined && s !== a && d !== a) continue;
    if (b !== undefined && s !== b && d !== b) continue;
    const total = n + (counts.get(CaptureDiffEngine.pair(d, s)) ?? 0);
    if (total > bestN) [best, bestN] = [[s, d], total];
  }
  if (!best) return [a, b];
  const [x, y] = best;
  if (a !== undefined) return [a, a === x ? y : x];
  if (b !== undefined) return [b === x ? y : x, b];
  const fwd = e.pairDelta.get(CaptureDiffEngine.pair(x, y));
  const rev = e.pairDelta.get(CaptureDiffEngine.pair(y, x));
  if (fwd && rev && fwd.n >= 5 && rev.n >= 5) {
    const diff = fwd.sum / fwd.n - rev.sum / rev.n;
    if (Math.abs(diff) > 20e-6) return diff > 0 ? [x, y] : [y, x];
  }
  const xy = e.pairSent.get(CaptureDiffEngine.pair(x, y)) ?? 0;
  const yx = e.pairSent.get(CaptureDiffEngine.pair(y, x)) ?? 0;
  return xy >= yx ? [x, y] : [y, x];
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/**
 * Packets this close to the edges of the overlap are not judged: a capture's first and last
 * packets are not when it started and stopped, and a packet in flight then proves nothing.
 */
const EDGE = 0.2;

export function finishCaptureDiff(e: CaptureDiffEngine, opts: FinishOptions): CaptureDiff {
  const a = e.senderCounts;
  const b = e.receiverCounts;
  const [hostA, hostB] = hosts(e, opts.senderHost, opts.receiverHost);
  const name = (id: number | undefined) => (id === undefined ? '?' : e.addrs.names[id]!);

  const basis = e.deltas.length > 0 ? 'matched' : 'assumed-zero';
  const offset = basis === 'matched' ? median(e.deltas) : 0;
  const spread = basis === 'matched' ? median(e.deltas.map((d) => Math.abs(d - offset))) : 0;

  const aFirst = a.first ?? 0;
  const aLast = a.last ?? 0;
  const bFirst = (b.first ?? 0) - offset;
  const bLast = (b.last ?? 0) - offset;
  const oStart = Math.max(aFirst, bFirst);
  const oEnd = Math.min(aLast, bLast);
  const overlapSeconds = Math.max(0, oEnd - oStart);
  const inOverlap = (t: number) => t >= oStart + EDGE && t <= oEnd - EDGE;

  // Segmentation offload merges (GRO) or splits (TSO/GSO) TCP at one capture point only: TCP
  // packets then have no one-to-one copy, and their absence proves nothing.
  const gso = e.largestTcp.sender > 1500 || e.largestTcp.receiver > 1500;
  const judge = (side: DirectionLosses, from: number | undefined, to: number | undefined, seconds: number): ForwardDirection =>
    judgeDirection(side, name(from), name(to), { from, to, inOverlap, gso, overlapEnd: oEnd, seconds });

  // Forward: the sender's unmatched packets from its host to the receiver's host.
  const fwdPair = hostA !== undefined && hostB !== undefined ? CaptureDiffEngine.pair(hostA, hostB) : -1;
  const forward = judge(
    { u: e.lost, delivered: e.pairMatched.get(fwdPair) ?? 0, maxDelivered: e.pairMaxDelivered.get(fwdPair), meter: hostA === undefined ? undefined : e.rates.get(hostA) },
    hostA,
    hostB,
    aLast - aFirst,
  );
  // Reverse: the receiver's unmatched packets from its host to the sender's host.
  const reverseSide = reverseLosses(e, hostA, hostB, offset);
  const reverse = judge(reverseSide, hostB, hostA, bLast - bFirst);
  const r = e.recv;
  let receiverOnly = 0;
  for (let i = 0; i < r.n; i++) {
    if (r.src.data[i] === hostA && r.dst.data[i] === hostB && r.matched.data[i] === 0 && inOverlap(r.ts.data[i]! - offset) && !(gso && r.tcp.data[i] === 1)) receiverOnly++;
  }

  const senderFrames = new FrameSet();
  for (const x of e.altered) senderFrames.add(x.senderFrame);
  return {
    sender: { file: opts.senderFile, frames: a.frames, ipPackets: a.ip, first: a.first, last: a.last, seconds: round(aLast - aFirst), host: name(hostA) },
    receiver: { file: opts.receiverFile, frames: b.frames, ipPackets: b.ip, first: b.first, last: b.last, seconds: round((b.last ?? 0) - (b.first ?? 0)), host: name(hostB) },
    clock: { offset: round(offset), basis, pairs: e.matched, spread: round(spread) },
    overlap: { start: oStart, end: oEnd, seconds: round(overlapSeconds), ofSender: ratio(overlapSeconds, aLast - aFirst), ofReceiver: ratio(overlapSeconds, bLast - bFirst) },
    matched: e.matched,
    forward,
    reverse,
    altered: { count: e.alteredCount, fields: Object.fromEntries(e.alteredFieldCounts), examples: e.altered.slice(0, 20), senderFrames: senderFrames.toJSON() },
    segmentationOffload: { suspected: gso, largestTcpSender: e.largestTcp.sender, largestTcpReceiver: e.largestTcp.receiver },
    receiverOnly,
    limits: {
      receiverIndexTruncated: r.truncated,
      unmatchedDropped: e.lost.truncated + reverseSide.u.truncated,
      rateSourcesDropped: e.rateSourcesDropped,
      pairsDropped: e.pairsDropped,
      addressesOverflowed: e.addrs.overflowed,
    },
  };
}

/** One direction's packets with no copy at the other end, and what got through. */
interface DirectionLosses {
  u: Unmatched;
  delivered: number;
  /** The largest datagram delivered (a later fragment never counts). */
  maxDelivered?: number;
  /** The sending host's rate meter, all its packets. */
  meter?: RateMeter;
}

/**
 * The reverse direction's losses, built from the receiver's index as addSender builds the
 * forward ones while streaming: the receiver host's rate over every packet it sent, and for each
 * of its packets to the sender's host, whether the sender's capture has it. Times are moved to the
 * sender's clock.
 */
function reverseLosses(e: CaptureDiffEngine, hostA: number | undefined, hostB: number | undefined, offset: number): DirectionLosses {
  const u = new Unmatched();
  const meter = new RateMeter();
  let delivered = 0;
  let maxDelivered: number | undefined;
  if (hostA === undefined || hostB === undefined) return { u, delivered };
  const r = e.recv;
  let rateOk = 0;
  let lastLost = -1;
  for (let i = 0; i < r.n; i++) {
    if (r.src.data[i] !== hostB) continue;
    const t = r.ts.data[i]! - offset;
    const rate = meter.add(t, r.wireLength.data[i]! * 8);
    if (r.dst.data[i] !== hostA) continue;
    if (r.matched.data[i] === 1) {
      delivered++;
      if (rate > rateOk) rateOk = rate;
      if (r.laterFragment.data[i] === 0 && r.size.data[i]! > (maxDelivered ?? 0)) maxDelivered = r.size.data[i]!;
      if (lastLost >= 0 && Number.isNaN(u.resumeTs.data[lastLost]!)) u.resumeTs.data[lastLost] = t;
    } else {
      const j = u.push(t, r.frame.data[i]!, r.size.data[i]!, hostB, hostA, rate, rateOk, delivered, r.tcp.data[i] === 1);
      if (j >= 0) lastLost = j;
    }
  }
  return { u, delivered, maxDelivered, meter };
}

interface JudgeContext {
  from: number | undefined;
  to: number | undefined;
  inOverlap: (t: number) => boolean;
  gso: boolean;
  overlapEnd: number;
  /** Span of the sending side's capture (for its mean rate). */
  seconds: number;
}

/** Loss of one direction: how much, above which size, in which runs, at what rates. */
function judgeDirection(side: DirectionLosses, fromName: string, toName: string, cx: JudgeContext): ForwardDirection {
  const { u, delivered, maxDelivered, meter } = side;
  const lostFrames = new FrameSet();
  const lostIdx: number[] = [];
  let outside = 0;
  let notComparable = 0;
  for (let j = 0; j < u.n; j++) {
    if (u.src.data[j] !== cx.from || u.dst.data[j] !== cx.to) continue;
    if (!cx.inOverlap(u.ts.data[j]!)) {
      outside++;
      continue;
    }
    if (cx.gso && u.tcp.data[j] === 1) {
      notComparable++;
      continue;
    }
    lostIdx.push(j);
    lostFrames.add(u.frame.data[j]!);
  }
  // Loss runs: consecutive lost packets with nothing of the pair delivered in between.
  const runs: LossRun[] = [];
  const peakRate = meter?.peak ?? 0;
  const medianRate = meter?.medianRate() ?? 0;
  const meanRate = meter && cx.seconds > 0 ? meter.totalBits / cx.seconds : 0;
  let runsTruncated = false;
  for (let k = 0; k < lostIdx.length; ) {
    const j0 = lostIdx[k]!;
    let k2 = k;
    let smallest = Infinity;
    let largest = 0;
    while (k2 < lostIdx.length && u.matchedBefore.data[lostIdx[k2]!] === u.matchedBefore.data[j0]) {
      const s = u.size.data[lostIdx[k2]!]!;
      smallest = Math.min(smallest, s);
      largest = Math.max(largest, s);
      k2++;
    }
    const jl = lostIdx[k2 - 1]!;
    const resume = u.resumeTs.data[jl]!;
    const untilEnd = Number.isNaN(resume);
    const start = u.ts.data[j0]!;
    const end = u.ts.data[jl]!;
    const seconds = (untilEnd ? Math.min(cx.overlapEnd, Math.max(end, start)) : resume) - start;
    const rateAtStart = u.rate.data[j0]!;
    const packets = k2 - k;
    let kind: LossRun['kind'];
    if (maxDelivered !== undefined && smallest > maxDelivered) kind = 'size';
    else if (packets >= 5 && seconds >= 0.5) // Rate-triggered: the loss began while the sender ran well above its usual rate, and not
      // below what had got through before (an outage after a burst is a window, not a limit).
      kind = rateAtStart >= 2 * medianRate && rateAtStart >= 0.5 * u.rateOkBefore.data[j0]! ? 'blackhole' : 'window';
    else kind = 'burst';
    if (runs.length < 10_000) runs.push({ kind, start, end, seconds: round(seconds), untilEnd, packets, smallest, largest, firstFrame: u.frame.data[j0]!, lastFrame: u.frame.data[jl]!, rateAtStart: Math.round(rateAtStart), rateOkBefore: Math.round(u.rateOkBefore.data[j0]!) });
    else runsTruncated = true;
    k = k2;
  }
  let size: ForwardDirection['size'];
  if (maxDelivered !== undefined) {
    let lostAbove = 0;
    let lostAtOrBelow = 0;
    let largestLost = 0;
    const aboveFrames = new FrameSet();
    for (const j of lostIdx) {
      const s = u.size.data[j]!;
      if (s > maxDelivered) {
        lostAbove++;
        aboveFrames.add(u.frame.data[j]!);
      } else lostAtOrBelow++;
      largestLost = Math.max(largestLost, s);
    }
    const inLongRuns = runs.filter((r) => r.kind === 'blackhole' || r.kind === 'window').reduce((n, r) => n + r.packets, 0);
    if (lostAbove > 0) size = { threshold: maxDelivered, lostAbove, largestLost, lostAtOrBelow, lostAtOrBelowOutsideRuns: Math.max(0, lostAtOrBelow - inLongRuns), frames: aboveFrames.toJSON() };
  }
  return {
    from: fromName,
    to: toName,
    sent: delivered + lostIdx.length,
    delivered,
    lost: lostIdx.length,
    lostFrames: lostFrames.toJSON(),
    outsideOverlap: outside,
    notComparable,
    maxDeliveredSize: maxDelivered,
    size,
    runs,
    runsTruncated,
    peakRate: Math.round(peakRate),
    meanRate: Math.round(meanRate),
    medianRate: Math.round(medianRate),
  };
}

const round = (x: number) => Math.round(x * 1e6) / 1e6;
const ratio = (x: number, of: number) => (of > 0 ? Math.round((x / of) * 1000) / 1000 : 1);
