// Checksum verdicts per layer, and the bad ones grouped by cause, sender and destination port:
// "one sender's datagrams arrive with bad checksums" (seed 000) is a per-sender statement, so the
// senders of every layer with bad sums are tallied too. Measuring only: the capture rules judge.
import { CAUSE_LCO, CAUSE_OFFLOAD, CK_ABSENT, CK_BAD, CK_NONE, CK_OK, CK_UNVERIFIABLE, F_HAS_ID, F_L4_HEADER, L4_ICMP, L4_ICMPV6, L4_OTHER, L4_TCP, L4_UDP, type FlatPacket } from '../decode/flat.js';
import { ipv4String, ipv6String } from '../decode/addr.js';
import { AddressTable, OVERFLOW_TEXT } from './addresses.js';
import { AnswerTracker, PROTO_TCP, PROTO_UDP, type InnerFlow } from './answered.js';

/** Groups of bad sums kept (each holds a FrameSet); further ones go to one overflow group per layer and cause. */
const MAX_GROUPS = 10_000;
/** Bad outer sums of tunnel packets waiting to see whether their packet is answered. */
const MAX_AWAITING_ANSWER = 4096;
import { FrameSet } from './frame-set.js';
import { mergeFrames, type FrameSetJson } from '../../evidence/frame-set.js';
import { CAUSES, MAX_LISTED_HEALTHY, type BadGroup, type Cause, type ChecksumSummary, type LayerCounts, type LayerSenders, type SenderTally } from '../../evidence/capture-summary.js';

export { CAUSES };
export type { BadGroup, Cause, ChecksumSummary, LayerCounts };

interface GroupState extends Omit<BadGroup, 'frames'> {
  frames: FrameSet;
}

/** A bad sum, with what record() needs once it is known whether its packet was answered. */
interface BadSum {
  frame: number;
  li: number;
  got: number;
  expected: number;
  causeCode: number;
  src: number;
  dst: number;
  dstPort: number | undefined;
  /** an outer sum of a tunnel packet */
  tunnel: boolean;
  /** the cause if the packet turns out to be answered */
  answeredCause: number;
}

function emptyCounts(layer: string): LayerCounts {
  return { layer, ok: 0, bad: 0, none: 0, unverifiable: 0, badByCause: { wire: 0, offload: 0, lco: 0, unknown: 0 } };
}

const LAYER_ORDER = ['outer-ipv4', 'outer-udp', 'outer-tcp', 'outer-icmp', 'outer-icmpv6', 'inner-ipv4', 'inner-udp', 'inner-tcp', 'inner-icmp', 'inner-icmpv6'];

const CAUSE_OF: (Cause | undefined)[] = [undefined, 'wire', 'offload', 'lco', 'unknown'];

export class ChecksumAccumulator {
  // Indexed by layer (scope * 5 + protocol) and status / cause code: no string, no object per
  // packet on the hot path.
  private readonly seen = new Uint8Array(LAYER_ORDER.length);
  private readonly byStatus = new Float64Array(LAYER_ORDER.length * 5);
  private readonly byCause = new Float64Array(LAYER_ORDER.length * 5);
  /** Groups in order of first sight; found by (source, destination) and then (layer, cause, port). */
  private readonly groups: GroupState[] = [];
  private readonly groupIndex = new Map<number, Map<number, GroupState>>();
  /** Past MAX_GROUPS: one group per layer and cause. */
  private readonly overflowGroups = new Map<number, GroupState>();
  /**
   * Per layer and sender id: healthy sums (right, absent, artefacts) and really bad ones (wire,
   * unknown), side by side at [2 * id] and [2 * id + 1] (-1 healthy: sender not seen yet), grown
   * as ids come; with the senders in order of first sight.
   */
  private readonly senderTally: Float64Array[] = LAYER_ORDER.map(() => new Float64Array(0));
  private readonly senderOrder: number[][] = LAYER_ORDER.map(() => []);
  private readonly ffffFrames = new FrameSet();
  private readonly ffffSrcs = new Set<string>();
  /**
   * Bad outer UDP sums of tunnel packets (wire or unknown as decoded) wait here until their inner
   * packet is answered (then they are offload artefacts: the receiver took the packet, as it does
   * with a partial sum that NAT changed) or not (then they stay what they were).
   */
  private readonly answers = new AnswerTracker<BadSum>(MAX_AWAITING_ANSWER, (b, answered) => this.resolveBadSum(b, answered));
  private readonly innerFlow: InnerFlow = { src: 0, dst: 0, proto: 0, srcPort: 0, dstPort: 0 };

  constructor(private readonly addrs: AddressTable = new AddressTable()) {}

  /** One decoded packet; `srcIds` are its outer and inner source address ids. */
  add(f: FlatPacket, outerSrc: number, innerSrc: number): void {
    const inner = f.tunnelKind[0] !== 0 && f.ipVersion[1] !== 0;
    // Answers are looked for only while a bad sum waits for one: no cost on healthy captures.
    if (inner && this.answers.pending > 0) this.lookForAnswers(f, innerSrc);
    this.addLevel(f, 0, outerSrc, inner ? innerSrc : -1);
    if (inner) this.addLevel(f, 1, innerSrc, -1);
  }

  private addLevel(f: FlatPacket, l: number, src: number, innerSrc: number): void {
    const base = l === 0 ? 0 : 5;
    const ipStatus = f.ipCkStatus[l]!;
    if (ipStatus === CK_OK || ipStatus === CK_NONE || ipStatus === CK_UNVERIFIABLE) this.countHealthy(base, ipStatus, src);
    else if (ipStatus !== CK_ABSENT) this.record(this.badSum(f, l, base, f.ipCkGot[l]!, f.ipCkExpected[l]!, f.ipCkCause[l]!, src), false, false);
    const kind = f.l4Kind[l]!;
    const status = f.l4CkStatus[l]!;
    if (kind === 0 || kind === L4_OTHER || status === CK_ABSENT) return;
    // L4 kinds are numbered as PROTO_INDEX: udp 1, tcp 2, icmp 3, icmpv6 4.
    if (status !== CK_BAD) {
      this.countHealthy(base + kind, status, src);
      return;
    }
    const bad = this.badSum(f, l, base + kind, f.l4CkGot[l]!, f.l4CkExpected[l]!, f.l4CkCause[l]!, src);
    const cause = f.l4CkCause[l]!;
    if (l === 0 && kind === L4_UDP && innerSrc >= 0 && cause !== CAUSE_OFFLOAD && cause !== CAUSE_LCO && this.awaitAnswer(f, innerSrc, bad)) return;
    this.resolveBadSum(bad, false);
  }

  private badSum(f: FlatPacket, l: number, li: number, got: number, expected: number, causeCode: number, src: number): BadSum {
    const kind = f.l4Kind[l]!;
    const dstPort = li % 5 === 0 || (kind !== L4_UDP && kind !== L4_TCP) || (f.flags[l]! & F_L4_HEADER) === 0 ? undefined : f.dstPort[l]!;
    const tunnel = l === 0 && f.tunnelKind[0] !== 0;
    return { frame: f.frameNumber, li, got, expected, causeCode, src, dst: this.addrs.idAt(f, l, true), dstPort, tunnel, answeredCause: CAUSE_OFFLOAD };
  }

  /** The inner packet's flow (UDP or TCP with its header), or false when it has none to answer. */
  private innerFlowOf(f: FlatPacket, innerSrc: number): InnerFlow | undefined {
    const kind = f.l4Kind[1];
    if ((kind !== L4_UDP && kind !== L4_TCP) || (f.flags[1]! & F_L4_HEADER) === 0) return undefined;
    const k = this.innerFlow;
    k.src = innerSrc;
    k.dst = this.addrs.idAt(f, 1, true);
    // Past the address cap every new address shares one id: flows could not be told apart.
    if (this.addrs.text(k.src) === OVERFLOW_TEXT || this.addrs.text(k.dst) === OVERFLOW_TEXT) return undefined;
    k.proto = kind === L4_UDP ? PROTO_UDP : PROTO_TCP;
    k.srcPort = f.srcPort[1]!;
    k.dstPort = f.dstPort[1]!;
    return k;
  }

  private awaitAnswer(f: FlatPacket, innerSrc: number, bad: BadSum): boolean {
    const k = this.innerFlowOf(f, innerSrc);
    if (!k) return false;
    // NAT changed a sum the kernel left for offload: an LCO sum when the inner one is partial.
    bad.answeredCause = f.l4CkStatus[1] === CK_BAD && f.l4CkCause[1] === CAUSE_OFFLOAD ? CAUSE_LCO : CAUSE_OFFLOAD;
    const ipId = f.ipVersion[1] === 4 && (f.flags[1]! & F_HAS_ID) !== 0 ? f.ipId[1]! : -1;
    const tcp = k.proto === PROTO_TCP ? { seq: f.tcpSeq[1]!, flags: f.tcpFlags[1]!, payload: f.l4Length[1]! } : undefined;
    this.answers.add(k, f.frameNumber, ipId, bad, tcp);
    return true;
  }

  /** A tunnel packet while bad sums wait: its inner packet, or the packet its ICMP error quotes, may answer one. */
  private lookForAnswers(f: FlatPacket, innerSrc: number): void {
    const k = this.innerFlowOf(f, innerSrc);
    if (k) {
      this.answers.observe(k, f.frameNumber, f.tcpSeq[1]!, f.tcpAck[1]!, f.tcpFlags[1]!);
      return;
    }
    const kind = f.l4Kind[1];
    if ((kind === L4_ICMP || kind === L4_ICMPV6) && (f.flags[1]! & F_L4_HEADER) !== 0) this.quotedAnswer(f);
  }

  /** An ICMP/ICMPv6 error inside the tunnel: the packet it quotes (first 8 bytes of its L4 header) was received. */
  private quotedAnswer(f: FlatPacket): void {
    const type = f.icmpType[1]!;
    const v6 = f.l4Kind[1] === L4_ICMPV6;
    // Errors only: v4 unreachable (3), time exceeded (11), parameter problem (12); v6 types 1-4.
    if (v6 ? type < 1 || type > 4 : type !== 3 && type !== 11 && type !== 12) return;
    const at = f.l4At[1]!;
    const b = f.data;
    const end = f.frameEnd;
    const q = at + 8;
    if (at < 0 || q + 1 > end) return;
    const qv = b[q]! >> 4;
    let l4q: number;
    let proto: number;
    let ipId = -1;
    const k = this.innerFlow;
    if (qv === 4 && q + 20 <= end) {
      k.src = this.addrs.idOfText(ipv4String(b, q + 12));
      k.dst = this.addrs.idOfText(ipv4String(b, q + 16));
      proto = b[q + 9]!;
      ipId = (b[q + 4]! << 8) | b[q + 5]!;
      l4q = q + (b[q]! & 0x0f) * 4;
    } else if (qv === 6 && q + 40 <= end) {
      k.src = this.addrs.idOfText(ipv6String(b, q + 8));
      k.dst = this.addrs.idOfText(ipv6String(b, q + 24));
      proto = b[q + 6]!;
      l4q = q + 40;
    } else return;
    if ((proto !== PROTO_UDP && proto !== PROTO_TCP) || l4q + 4 > end) return;
    if (this.addrs.text(k.src) === OVERFLOW_TEXT || this.addrs.text(k.dst) === OVERFLOW_TEXT) return;
    k.proto = proto;
    k.srcPort = (b[l4q]! << 8) | b[l4q + 1]!;
    k.dstPort = (b[l4q + 2]! << 8) | b[l4q + 3]!;
    this.answers.observeQuote(k, ipId);
  }

  /** Records a bad sum: as it was decoded, or as an offload artefact when its packet was answered. */
  private resolveBadSum(bad: BadSum, answered: boolean): void {
    // Seed 004's 0xffff on a tunnel's outer UDP, unless the packet was answered (then it arrived).
    const ffff = !answered && bad.tunnel && bad.li === L4_UDP && bad.got === 0xffff;
    if (ffff) {
      this.ffffFrames.add(bad.frame);
      this.ffffSrcs.add(this.addrs.text(bad.src));
    }
    if (answered) bad.causeCode = bad.answeredCause;
    this.record(bad, ffff, answered);
  }

  /** Counts a verdict of layer `li` and gives the sender a tally if new; returns where its tally is. */
  private count(li: number, status: number, src: number): number {
    this.seen[li] = 1;
    this.byStatus[li * 5 + status]!++;
    let tally = this.senderTally[li]!;
    const o = src * 2;
    if (o >= tally.length) tally = this.growTally(li, o);
    if (tally[o]! < 0) {
      tally[o] = 0;
      this.senderOrder[li]!.push(src);
    }
    return o;
  }

  /** The common case, kept small to be inlined: a sum that is right, absent or unverifiable. */
  private countHealthy(li: number, status: number, src: number): void {
    const o = this.count(li, status, src); // first: it may replace the tally array
    this.senderTally[li]![o]!++;
  }

  private record(bad: BadSum, ffff: boolean, answered: boolean): void {
    const { li, causeCode, src, got, expected, dstPort, dst } = bad;
    const o = this.count(li, CK_BAD, src);
    const tally = this.senderTally[li]!;
    // A sender whose sums are right, absent (VXLAN's default) or mere offload artefacts is healthy.
    if (causeCode === CAUSE_OFFLOAD || causeCode === CAUSE_LCO) tally[o]!++;
    else tally[o + 1]!++;
    const cause: Cause = CAUSE_OF[causeCode] ?? 'unknown';
    const ci = CAUSES.indexOf(cause);
    this.byCause[li * 5 + ci]!++;
    if (ffff) return; // reported by its own finding, not twice
    const layer = LAYER_ORDER[li]!;
    // Numeric keys (ids below 2^19, so the pair is below 2^38): no string built per bad sum.
    const pair = src * 524288 + dst;
    const sub = (li * 4 + ci) * 65537 + (dstPort ?? -1) + 1 + (answered ? 2 ** 32 : 0);
    let inner = this.groupIndex.get(pair);
    let g = inner?.get(sub);
    if (!g) {
      const example = { frame: bad.frame, got, expected };
      if (this.groups.length < MAX_GROUPS) {
        g = { layer, cause, src: this.addrs.text(src), dst: this.addrs.text(dst), dstPort, ...(answered ? { answered: true as const } : {}), count: 0, example, frames: new FrameSet() };
        this.groups.push(g);
        if (!inner) this.groupIndex.set(pair, (inner = new Map()));
        inner.set(sub, g);
      } else {
        // Past the cap: one group per layer and cause for all further senders and receivers.
        const other = (li * 4 + ci) * 2 + (answered ? 1 : 0);
        g = this.overflowGroups.get(other);
        if (!g) {
          g = { layer, cause, src: OVERFLOW_TEXT, dst: OVERFLOW_TEXT, ...(answered ? { answered: true as const } : {}), count: 0, example, frames: new FrameSet() };
          this.overflowGroups.set(other, g);
          this.groups.push(g);
        }
      }
    }
    g.count++;
    g.frames.add(bad.frame);
  }

  private growTally(li: number, o: number): Float64Array {
    const old = this.senderTally[li]!;
    let n = Math.max(64, old.length * 2);
    while (n <= o + 1) n *= 2;
    const t = new Float64Array(n);
    t.set(old);
    for (let k = old.length; k < n; k += 2) t[k] = -1;
    this.senderTally[li] = t;
    return t;
  }

  /**
   * The senders of a layer with bad groups: how many were healthy, and the tallies of the groups'
   * sources and of the busiest other healthy senders (what "the others are fine" needs).
   */
  private layerSenders(li: number, groupSrcs: ReadonlySet<string>): LayerSenders {
    const tally = this.senderTally[li]!;
    const order = this.senderOrder[li]!;
    let healthy = 0;
    const keep = new Set<number>();
    const others: number[] = [];
    for (const id of order) {
      const ok = tally[2 * id]!;
      const bad = tally[2 * id + 1]!;
      if (bad === 0 && ok > 0) healthy++;
      if (groupSrcs.has(this.addrs.text(id))) keep.add(id);
      else if (bad === 0 && ok > 0) others.push(id);
    }
    // The busiest healthy senders (stable: the first seen among equals).
    for (const id of others.sort((a, b) => tally[2 * b]! - tally[2 * a]!).slice(0, MAX_LISTED_HEALTHY)) keep.add(id);
    const tallies: SenderTally[] = [];
    for (const id of order) if (keep.has(id)) tallies.push({ src: this.addrs.text(id), ok: tally[2 * id]!, bad: tally[2 * id + 1]! });
    return { layer: LAYER_ORDER[li]!, healthy, tallies };
  }

  finish(): ChecksumSummary {
    this.answers.finish(); // what still waits was not answered
    const layers: LayerCounts[] = [];
    for (let li = 0; li < LAYER_ORDER.length; li++) {
      if (!this.seen[li]) continue;
      const c = emptyCounts(LAYER_ORDER[li]!);
      c.ok = this.byStatus[li * 5 + CK_OK]!;
      c.bad = this.byStatus[li * 5 + CK_BAD]!;
      c.none = this.byStatus[li * 5 + CK_NONE]!;
      c.unverifiable = this.byStatus[li * 5 + CK_UNVERIFIABLE]!;
      CAUSES.forEach((cause, i) => (c.badByCause[cause] = this.byCause[li * 5 + i]!));
      layers.push(c);
    }
    // Frames of a group arrive out of order when some waited for an answer: put them in order.
    const badGroups: BadGroup[] = this.groups.map((g) => ({ ...g, frames: inOrder(g.frames.toJSON()) })).sort((a, b) => b.count - a.count);
    const groupSrcs = new Map<string, Set<string>>();
    for (const g of this.groups) {
      let srcs = groupSrcs.get(g.layer);
      if (!srcs) groupSrcs.set(g.layer, (srcs = new Set()));
      srcs.add(g.src);
    }
    const senders: LayerSenders[] = [];
    for (let li = 0; li < LAYER_ORDER.length; li++) {
      const srcs = groupSrcs.get(LAYER_ORDER[li]!);
      if (srcs) senders.push(this.layerSenders(li, srcs));
    }
    return { layers, badGroups, tunnelFfff: { count: this.ffffFrames.count, frames: this.ffffFrames.toJSON(), srcs: [...this.ffffSrcs] }, senders };
  }
}

function inOrder(set: FrameSetJson): FrameSetJson {
  const r = set.ranges;
  for (let i = 1; i < r.length; i++) if (r[i]!.from <= r[i - 1]!.to + 1) return { ...mergeFrames([{ count: set.count, frames: set }]), count: set.count };
  return set;
}
