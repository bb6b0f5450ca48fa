// Was a packet answered? A tunnel packet whose outer UDP checksum looks wrong, yet whose inner
// packet got an answer in the same capture, was taken by the receiving kernel: the sum is not a
// wire error (a kernel drops a datagram with a wrong UDP sum before anything can answer it). The
// answers that prove it, each tied to one packet:
//  - an ICMP error that quotes the packet (addresses, protocol, ports and IP ID);
//  - for TCP, a segment back that acknowledges the packet's sequence space, when the packet was
//    not retransmitted (a retransmission could be what arrived);
//  - for UDP, a datagram back on the reversed flow right after the packet (no other datagram of
//    the flow between them, which could be the one answered);
//  - a pure TCP ACK (no sequence space: nothing can acknowledge it) counts as answered when other
//    packets of its own connection, with sums as bad, were answered: the receiver takes them.
// Candidates wait in a bounded queue; the oldest are given up (unanswered) past the cap, and past
// a per-flow cap (so no packet is compared with more than that many candidates).

export interface InnerFlow {
  /** address ids of the inner source and destination (below 2^19) */
  src: number;
  dst: number;
  proto: number;
  srcPort: number;
  dstPort: number;
}

interface Candidate<T> {
  frame: number;
  /** IPv4 ID, -1 when the packet has none (IPv6) */
  ipId: number;
  /** TCP: first sequence number and the sequence space used (payload + SYN + FIN); UDP: span 0 */
  seq: number;
  span: number;
  /** TCP: a segment with the same sequence number went the same way later */
  retransmitted: boolean;
  tcp: boolean;
  done: boolean;
  flow: Flow<T>;
  value: T;
}

interface Flow<T> {
  a: number;
  b: number;
  /** its bothWays() hash */
  h: number;
  /** in frame order; settled ones are dropped from the front */
  candidates: Candidate<T>[];
  waiting: number;
  /** frame of the flow's latest packet in the candidates' direction */
  lastForward: number;
  /** one of its candidates was answered */
  answeredAny: boolean;
}

export const PROTO_TCP = 6;
export const PROTO_UDP = 17;
const TCP_SYN = 2;
const TCP_FIN = 1;
const TCP_ACK = 16;

const ADDR_BITS = 524288; // 2^19: address ids stay below it (MAX_ADDRESSES is 2^18)
/** Candidates waiting per flow: a packet is compared with at most this many. */
export const MAX_PER_FLOW = 64;
/** Flows remembered as answered after their last candidate settled (for their later pure ACKs). */
const MAX_ANSWERED_FLOWS = 4096;

function keyA(src: number, dst: number): number {
  return src * ADDR_BITS + dst;
}
function keyB(proto: number, srcPort: number, dstPort: number): number {
  return proto * 4294967296 + srcPort * 65536 + dstPort;
}

/** A hash of a flow that is the same both ways (for the quick filter below). */
function bothWays(k: InnerFlow): number {
  return (Math.imul(k.src ^ k.dst, 0x9e3779b1) + Math.imul(k.srcPort ^ k.dstPort, 0x85ebca6b) + k.proto) >>> (32 - FILTER_BITS);
}
const FILTER_BITS = 16;

export class AnswerTracker<T> {
  private readonly flows = new Map<number, Map<number, Flow<T>>>();
  /**
   * Flows waiting, counted by bothWays(): a packet of no waiting flow (most packets) costs one
   * array read, not two map lookups.
   */
  private readonly filter = new Uint16Array(1 << FILTER_BITS);
  /** keys (a, b) of settled flows that had an answer, oldest first */
  private readonly answeredFlows = new Map<string, true>();
  /** Pending candidates in frame order (resolved ones are skipped when reached). */
  private queue: Candidate<T>[] = [];
  private head = 0;
  private waiting = 0;

  /** `resolve` is called once per candidate: answered now, or not (evicted or at the end). */
  constructor(
    private readonly max: number,
    private readonly resolve: (value: T, answered: boolean) => void,
  ) {}

  get pending(): number {
    return this.waiting;
  }

  /** A packet with a bad sum that an answer would excuse. `tcp` for TCP segments. */
  add(k: InnerFlow, frame: number, ipId: number, value: T, tcp?: { seq: number; flags: number; payload: number }): void {
    const a = keyA(k.src, k.dst);
    const b = keyB(k.proto, k.srcPort, k.dstPort);
    let inner = this.flows.get(a);
    if (!inner) this.flows.set(a, (inner = new Map()));
    let flow = inner.get(b);
    if (!flow) {
      const h = bothWays(k);
      inner.set(b, (flow = { a, b, h, candidates: [], waiting: 0, lastForward: frame, answeredAny: this.answeredFlows.has(`${a}/${b}`) }));
      if (this.filter[h]! < 0xffff) this.filter[h]!++;
    }
    if (flow.waiting >= MAX_PER_FLOW) this.giveUp(flow.candidates.find((x) => !x.done)!);
    const span = tcp ? tcp.payload + (tcp.flags & TCP_SYN ? 1 : 0) + (tcp.flags & TCP_FIN ? 1 : 0) : 0;
    const c: Candidate<T> = { frame, ipId, seq: tcp ? tcp.seq >>> 0 : 0, span, retransmitted: false, tcp: tcp !== undefined, done: false, flow, value };
    flow.candidates.push(c);
    flow.waiting++;
    flow.lastForward = frame;
    this.queue.push(c);
    this.waiting++;
    while (this.waiting > this.max) this.giveUpOldest();
  }

  /**
   * Any inner packet while candidates wait (call before `add` for the same packet): one in a
   * candidate's direction marks it as followed (UDP) or retransmitted (TCP); one the other way
   * may answer it.
   */
  observe(k: InnerFlow, frame: number, seq = 0, ack = 0, flags = 0): void {
    if (this.filter[bothWays(k)] === 0) return;
    const fwd = this.flows.get(keyA(k.src, k.dst))?.get(keyB(k.proto, k.srcPort, k.dstPort));
    if (fwd) {
      fwd.lastForward = frame;
      if (k.proto === PROTO_TCP) for (const c of fwd.candidates) if (!c.done && c.seq === seq >>> 0) c.retransmitted = true;
    }
    const back = this.flows.get(keyA(k.dst, k.src))?.get(keyB(k.proto, k.dstPort, k.srcPort));
    if (!back) return;
    if (k.proto === PROTO_UDP) {
      const last = back.candidates[back.candidates.length - 1];
      if (last && !last.done && last.frame === back.lastForward) this.answer(last);
    } else if (k.proto === PROTO_TCP && flags & TCP_ACK) {
      for (const c of back.candidates) {
        // The ACK covers the segment's first byte (or SYN/FIN): ack - seq in [1, 2^31).
        const d = ((ack >>> 0) - c.seq) >>> 0;
        if (!c.done && !c.retransmitted && c.span > 0 && d >= 1 && d < 0x80000000) this.answer(c);
      }
    }
  }

  /** An ICMP error quoting a packet (its flow and IPv4 ID, -1 for none): answers that one packet. */
  observeQuote(k: InnerFlow, ipId: number): void {
    if (this.filter[bothWays(k)] === 0) return;
    const flow = this.flows.get(keyA(k.src, k.dst))?.get(keyB(k.proto, k.srcPort, k.dstPort));
    if (!flow) return;
    const matches = flow.candidates.filter((c) => !c.done && (ipId < 0 || c.ipId === ipId));
    // Only an exact quote counts: two waiting packets it could be (no ID to tell) answer neither.
    if (matches.length === 1) this.answer(matches[0]!);
  }

  /** Every candidate still waiting is resolved as unanswered, oldest first. */
  finish(): void {
    while (this.waiting > 0) this.giveUpOldest();
  }

  private answer(c: Candidate<T>): void {
    c.flow.answeredAny = true;
    this.settle(c);
    this.resolve(c.value, true);
  }

  private giveUpOldest(): void {
    while (this.head < this.queue.length && this.queue[this.head]!.done) this.head++;
    const c = this.queue[this.head];
    if (c) this.giveUp(c);
  }

  private giveUp(c: Candidate<T>): void {
    // A pure TCP ACK cannot be acknowledged: its connection's answered packets speak for it.
    const answered = c.tcp && c.span === 0 && c.flow.answeredAny;
    this.settle(c);
    this.resolve(c.value, answered);
  }

  private settle(c: Candidate<T>): void {
    c.done = true;
    this.waiting--;
    const flow = c.flow;
    flow.waiting--;
    const list = flow.candidates;
    while (list.length > 0 && list[0]!.done) list.shift();
    if (flow.waiting === 0) {
      if (flow.answeredAny) {
        this.answeredFlows.set(`${flow.a}/${flow.b}`, true);
        if (this.answeredFlows.size > MAX_ANSWERED_FLOWS) this.answeredFlows.delete(this.answeredFlows.keys().next().value!);
      }
      if (this.filter[flow.h]! < 0xffff) this.filter[flow.h]!--; // a saturated count stays (only costs lookups)
      const inner = this.flows.get(flow.a);
      inner?.delete(flow.b);
      if (inner?.size === 0) this.flows.delete(flow.a);
    }
    // Drop the settled prefix now and then, so the queue does not grow with the capture.
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
  }
}
