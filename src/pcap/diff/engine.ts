// Matches the packets of two captures of the same traffic (sender side, receiver side).
//
// Memory: the receiver's capture is indexed first, ~110 bytes a packet (typed-array columns plus
// one Map entry per distinct key; measured: 1M packets 247 MB peak RSS, 100k 106 MB), up to MAX_INDEXED packets; the sender's capture is then
// streamed, and only its unmatched packets are kept (~55 bytes each, up to MAX_UNMATCHED) plus
// per-address and per-pair counters, each table capped (MAX_ADDRESSES, MAX_RATE_SOURCES,
// MAX_PAIRS) and none sized by the time a capture spans. So memory grows with the receiver's
// capture and with the loss, never with the sender's capture, its flows or its time span: give
// the smaller capture as RECEIVER when one is huge. Stated bound (test/pcap/diff-memory.test.ts):
// peak RSS <= 200 MiB + 0.75 KiB per receiver packet; measured with tsx: 1M-packet bench capture
// 252 MB, 1M distinct flows 455 MB (was 2.06 GB), 30 packets spanning 10^8 s 91 MB (was 3.9 GB).
import type { DecodedPacket } from '../types.js';
import { tsOf } from '../analyze/layers.js';
import { AddressTable, Column, RateMeter } from './columns.js';
import { LIMITS } from '../../util/limits.js';
import type { AlteredPacket } from '../../evidence/capture-diff.js';
import { alteredFields, datagramSize, invariantsOf, KeyHasher, type KeyOptions } from './key.js';

export const MAX_INDEXED = LIMITS.pcapDiffIndexedPackets.value;
export const MAX_UNMATCHED = LIMITS.pcapDiffUnmatched.value;
/** Sources with a rate meter (a few hundred bytes each); packets of later sources get no rate. */
export const MAX_RATE_SOURCES = LIMITS.pcapDiffRateSources.value;
/** Address pairs with per-pair counters (matched, sent, largest delivered, clock deltas). */
export const MAX_PAIRS = LIMITS.pcapDiffPairs.value;
const RESERVOIR = 10_001;

export interface SideCounts {
  frames: number;
  ip: number;
  first?: number;
  last?: number;
}

class Receiver {
  n = 0;
  readonly ts = new Column(Float64Array);
  readonly frame = new Column(Uint32Array);
  readonly h2 = new Column(Uint32Array);
  readonly next = new Column(Int32Array);
  readonly matched = new Column(Uint8Array);
  readonly src = new Column(Uint32Array);
  readonly dst = new Column(Uint32Array);
  readonly l4Checksum = new Column(Int32Array);
  readonly l4Bad = new Column(Uint8Array);
  readonly innerIp = new Column(Int32Array);
  readonly innerL4 = new Column(Int32Array);
  readonly innerArtefact = new Column(Uint8Array);
  readonly innerTtl = new Column(Int16Array);
  /** 1 when the packet carries TCP (outer or inner): segmentation offload can merge or split it. */
  readonly tcp = new Column(Uint8Array);
  /** For the reverse direction's verdicts: datagram size, frame length, a later fragment. */
  readonly size = new Column(Uint32Array);
  readonly wireLength = new Column(Uint32Array);
  readonly laterFragment = new Column(Uint8Array);
  readonly heads = new Map<number, number>();
  truncated = false;
}

/** A packet with no copy at the other end (the sender's, or for the reverse direction the receiver's). */
export class Unmatched {
  n = 0;
  truncated = 0;
  readonly ts = new Column(Float64Array);
  readonly frame = new Column(Uint32Array);
  readonly size = new Column(Uint32Array);
  readonly src = new Column(Uint32Array);
  readonly dst = new Column(Uint32Array);
  /** Sender's rate over the last second when this packet left (bit/s). */
  readonly rate = new Column(Float64Array);
  /** The highest such rate at which a packet of this source still got through, before this one. */
  readonly rateOkBefore = new Column(Float64Array);
  /** Matched packets of the same address pair before this one: equal values = one loss run. */
  readonly matchedBefore = new Column(Uint32Array);
  /** When the next packet of the pair got through (NaN: never, within the capture). */
  readonly resumeTs = new Column(Float64Array);
  readonly tcp = new Column(Uint8Array);

  /** Records one; returns its index, or -1 past MAX_UNMATCHED (then only counted). */
  push(ts: number, frame: number, size: number, src: number, dst: number, rate: number, rateOkBefore: number, matchedBefore: number, tcp: boolean): number {
    if (this.n >= MAX_UNMATCHED) {
      this.truncated++;
      return -1;
    }
    const j = this.n++;
    if (this.n > this.ts.data.length) {
      for (const c of [this.ts, this.frame, this.size, this.src, this.dst, this.rate, this.rateOkBefore, this.matchedBefore, this.resumeTs, this.tcp]) c.ensure(this.n);
    }
    this.ts.data[j] = ts;
    this.frame.data[j] = frame;
    this.size.data[j] = size;
    this.src.data[j] = src;
    this.dst.data[j] = dst;
    this.rate.data[j] = rate;
    this.rateOkBefore.data[j] = rateOkBefore;
    this.matchedBefore.data[j] = matchedBefore;
    this.resumeTs.data[j] = NaN;
    this.tcp.data[j] = tcp ? 1 : 0;
    return j;
  }
}

/** The IP length of the TCP packet a frame carries (inner for a tunnel), or 0 without TCP. */
function tcpLength(pkt: DecodedPacket): number {
  const l = pkt.tunnel ? pkt.tunnel.inner : pkt;
  return l.l4?.kind === 'tcp' ? (l.ip?.totalLength ?? 0) : 0;
}

export type { AlteredPacket };

export class CaptureDiffEngine {
  readonly addrs = new AddressTable();
  readonly recv = new Receiver();
  readonly lost = new Unmatched();
  readonly senderCounts: SideCounts = { frames: 0, ip: 0 };
  readonly receiverCounts: SideCounts = { frames: 0, ip: 0 };
  readonly rates = new Map<number, RateMeter>();
  /** Per source: the highest 1 s rate at which its packets still got through. */
  private readonly rateOk = new Map<number, number>();
  /** Per address pair (src * 2^20 + dst) on the sender side: matched packets, largest delivered size, sizes seen. */
  readonly pairMatched = new Map<number, number>();
  readonly pairMaxDelivered = new Map<number, number>();
  readonly pairSent = new Map<number, number>();
  private readonly pairLastLost = new Map<number, number>();
  /** Per address pair: sum and count of (receiver ts - sender ts), to tell the two directions apart. */
  readonly pairDelta = new Map<number, { sum: number; n: number }>();
  /** Receiver ts - sender ts of matched pairs (reservoir sample). */
  readonly deltas: number[] = [];
  private matchedCount = 0;
  readonly altered: AlteredPacket[] = [];
  /** Largest TCP packet (inner one for a tunnel) per side: above the MTU means TSO/GSO or GRO. */
  readonly largestTcp = { sender: 0, receiver: 0 };
  alteredCount = 0;
  readonly alteredFieldCounts = new Map<string, number>();
  /** Sender packets past MAX_RATE_SOURCES sources (no rate) and past MAX_PAIRS pairs (no pair counters). */
  rateSourcesDropped = 0;
  pairsDropped = 0;
  private seed = 1;

  private readonly hasher: KeyHasher;

  constructor(keyOpts: KeyOptions = {}) {
    this.hasher = new KeyHasher((a) => this.addrs.id(a), keyOpts);
  }

  static pair(src: number, dst: number): number {
    return src * 1048576 + dst;
  }

  private count(side: SideCounts, ts: number, ip: boolean): void {
    side.frames++;
    if (ip) side.ip++;
    if (side.first === undefined || ts < side.first) side.first = ts;
    if (side.last === undefined || ts > side.last) side.last = ts;
  }

  /** Phase 1: every packet of the receiver's capture. */
  addReceiver(pkt: DecodedPacket): void {
    const ts = tsOf(pkt);
    this.count(this.receiverCounts, ts, pkt.ip !== undefined);
    if (!pkt.ip || !this.hasher.hash(pkt)) return;
    const r = this.recv;
    if (r.n >= MAX_INDEXED) {
      r.truncated = true;
      return;
    }
    const { h1, h2 } = this.hasher;
    const i = r.n++;
    if (r.n > r.ts.data.length) {
      for (const c of [r.ts, r.frame, r.h2, r.next, r.matched, r.src, r.dst, r.l4Checksum, r.l4Bad, r.innerIp, r.innerL4, r.innerArtefact, r.innerTtl, r.tcp, r.size, r.wireLength, r.laterFragment]) c.ensure(r.n);
    }
    const src = this.addrs.id(pkt.ip.src);
    const dst = this.addrs.id(pkt.ip.dst);
    const inv = invariantsOf(pkt);
    r.ts.data[i] = ts;
    r.frame.data[i] = pkt.frameNumber;
    r.h2.data[i] = h2;
    r.src.data[i] = src;
    r.dst.data[i] = dst;
    r.l4Checksum.data[i] = inv.l4Checksum;
    r.l4Bad.data[i] = inv.l4Bad;
    r.innerIp.data[i] = inv.innerIpChecksum;
    r.innerL4.data[i] = inv.innerL4Checksum;
    r.innerArtefact.data[i] = inv.innerArtefact ? 1 : 0;
    r.innerTtl.data[i] = inv.innerTtl;
    const tcp = tcpLength(pkt);
    r.tcp.data[i] = tcp > 0 ? 1 : 0;
    if (tcp > this.largestTcp.receiver) this.largestTcp.receiver = tcp;
    r.size.data[i] = datagramSize(pkt);
    r.wireLength.data[i] = pkt.origLen;
    r.laterFragment.data[i] = (pkt.ip.fragment?.offset ?? 0) > 0 ? 1 : 0;
    // Newest first; lookups take the oldest unmatched, so duplicates pair up in order.
    r.next.data[i] = r.heads.get(h1) ?? -1;
    r.heads.set(h1, i);
  }

  private findOldest(h1: number, h2: number): number {
    const r = this.recv;
    let found = -1;
    for (let i = r.heads.get(h1) ?? -1; i >= 0; i = r.next.data[i]!) {
      if (r.h2.data[i] === h2 && r.matched.data[i] === 0) found = i;
    }
    return found;
  }

  /** Phase 2: the sender's capture, streamed. */
  addSender(pkt: DecodedPacket): void {
    const ts = tsOf(pkt);
    this.count(this.senderCounts, ts, pkt.ip !== undefined);
    if (!pkt.ip || !this.hasher.hash(pkt)) return;
    const { h1, h2 } = this.hasher;
    const src = this.addrs.id(pkt.ip.src);
    const dst = this.addrs.id(pkt.ip.dst);
    let meter = this.rates.get(src);
    if (!meter && this.rates.size < MAX_RATE_SOURCES) this.rates.set(src, (meter = new RateMeter()));
    if (!meter) this.rateSourcesDropped++;
    const rate = meter ? meter.add(ts, pkt.origLen * 8) : 0;
    const pair = CaptureDiffEngine.pair(src, dst);
    // Per-pair counters for the first MAX_PAIRS pairs only (every other pair map is keyed by a
    // pair of pairSent): a capture of a million flows must not grow the maps without bound.
    const sentBefore = this.pairSent.get(pair);
    const tracked = sentBefore !== undefined || this.pairSent.size < MAX_PAIRS;
    if (tracked) this.pairSent.set(pair, (sentBefore ?? 0) + 1);
    else this.pairsDropped++;
    const tcp = tcpLength(pkt);
    if (tcp > this.largestTcp.sender) this.largestTcp.sender = tcp;
    const size = datagramSize(pkt);

    const i = this.findOldest(h1, h2);
    if (i >= 0) {
      const r = this.recv;
      r.matched.data[i] = 1;
      if (meter && rate > (this.rateOk.get(src) ?? 0)) this.rateOk.set(src, rate);
      this.sampleDelta(r.ts.data[i]! - ts);
      if (!tracked) {
        this.checkAltered(pkt, i);
        return;
      }
      const before = this.pairMatched.get(pair) ?? 0;
      this.pairMatched.set(pair, before + 1);
      // A later fragment getting through says nothing about its datagram (the first may be lost).
      const laterFragment = (pkt.ip.fragment?.offset ?? 0) > 0;
      if (!laterFragment && size > (this.pairMaxDelivered.get(pair) ?? 0)) this.pairMaxDelivered.set(pair, size);
      const dir = this.pairDelta.get(pair);
      if (dir) {
        dir.sum += r.ts.data[i]! - ts;
        dir.n++;
      } else this.pairDelta.set(pair, { sum: r.ts.data[i]! - ts, n: 1 });
      const lastLost = this.pairLastLost.get(pair);
      if (lastLost !== undefined && Number.isNaN(this.lost.resumeTs.data[lastLost]!)) this.lost.resumeTs.data[lastLost] = ts;
      this.checkAltered(pkt, i);
      return;
    }
    const j = this.lost.push(ts, pkt.frameNumber, size, src, dst, rate, this.rateOk.get(src) ?? 0, this.pairMatched.get(pair) ?? 0, tcp > 0);
    if (j >= 0 && tracked) this.pairLastLost.set(pair, j);
  }

  private checkAltered(pkt: DecodedPacket, i: number): void {
    const r = this.recv;
    const got = {
      l4Checksum: r.l4Checksum.data[i]!,
      l4Bad: r.l4Bad.data[i]!,
      innerIpChecksum: r.innerIp.data[i]!,
      innerL4Checksum: r.innerL4.data[i]!,
      innerArtefact: r.innerArtefact.data[i] === 1,
      innerTtl: r.innerTtl.data[i]!,
    };
    const fields = alteredFields(invariantsOf(pkt), got);
    if (fields.length === 0) return;
    this.alteredCount++;
    for (const f of fields) this.alteredFieldCounts.set(f, (this.alteredFieldCounts.get(f) ?? 0) + 1);
    if (this.altered.length < 10_000) this.altered.push({ senderFrame: pkt.frameNumber, receiverFrame: r.frame.data[i]!, fields });
  }

  private sampleDelta(d: number): void {
    this.matchedCount++;
    if (this.deltas.length < RESERVOIR) {
      this.deltas.push(d);
      return;
    }
    // Reservoir sampling with a small deterministic PRNG: same input, same output.
    this.seed = (Math.imul(this.seed, 1103515245) + 12345) >>> 0;
    const k = this.seed % this.matchedCount;
    if (k < RESERVOIR) this.deltas[k] = d;
  }

  get matched(): number {
    return this.matchedCount;
  }
}
