// TCP handshakes per connection, outer and inside tunnels: SYN and SYN-ACK retransmissions with
// their intervals, and whether the handshake completed. The kernel retries a SYN after 1, 2, 4,
// 8, 16, 32 s (tcp_syn_retries = 6, ~63 s in all): seeing that sequence names the symptom (the
// capture rules do; this only measures).
import { TCP_ACK, TCP_RST, TCP_SYN } from '../types.js';
import { CAUSE_LCO, CAUSE_OFFLOAD, CK_BAD, F_L4_HEADER, L4_TCP, type FlatPacket } from '../decode/flat.js';
import { AddressTable } from './addresses.js';
import { endpoint, type Scope } from './layers.js';
import type { Handshake, HandshakeState, HandshakeSummary } from '../../evidence/capture-summary.js';

export type { Handshake, HandshakeState, HandshakeSummary };

const MAX_EVENTS = 20;
const MAX_TRACKED = 100_000;
const MAX_NOTABLE = 500;

interface Conn {
  scope: Scope;
  client: string;
  server: string;
  /** Hash of both ports, lower first: the fast-path key (see portPairs). */
  ports: number;
  isn: number;
  t0: number;
  syns: number[];
  synAcks: number[];
  frames: number[];
  badOuter: number;
  completedAt?: number;
  reset: boolean;
}

/** The frame's outer IP or L4 sum is bad, and not an offload artefact. */
function hasBadOuterChecksum(f: FlatPacket): boolean {
  const ipBad = f.ipCkStatus[0] === CK_BAD && f.ipCkCause[0] !== CAUSE_OFFLOAD && f.ipCkCause[0] !== CAUSE_LCO;
  const l4Bad = f.l4Kind[0] !== 0 && f.l4CkStatus[0] === CK_BAD && f.l4CkCause[0] !== CAUSE_OFFLOAD && f.l4CkCause[0] !== CAUSE_LCO;
  return ipBad || l4Bad;
}

/**
 * True when intervals look like the kernel's retransmission timer: each about twice the one
 * before, from a first one near 1 s (the initial RTO). Kernels >= 6.7 first retry linearly
 * (net.ipv4.tcp_syn_linear_timeouts, default 4): a run of equal intervals may come first.
 * Jitter of a few hundred ms is normal.
 */
export function isExponentialBackoff(intervals: number[]): boolean {
  const first = intervals[0];
  if (first === undefined || first < 0.7 || first > 3.5) return false;
  let k = 1;
  while (k < intervals.length && k < 8 && Math.abs(intervals[k]! / first - 1) < 0.25) k++;
  let doublings = 0;
  for (let i = k; i < intervals.length; i++) {
    const r = intervals[i]! / intervals[i - 1]!;
    if (r < 1.6 || r > 2.5) return false;
    doublings++;
  }
  return doublings >= 2;
}

export class HandshakeAccumulator {
  private readonly conns = new Map<string, Conn>();
  /**
   * Handshakes in progress per hash of their port pair: a zero says at once that a packet
   * belongs to none (a collision only sends it to the exact lookup by addresses and ports).
   */
  private readonly portPairs = new Int32Array(1 << 16);
  private readonly done: Handshake[] = [];
  private total = 0;
  private completed = 0;
  private completedFirstTry = 0;
  private notableTruncated = false;
  /**
   * [0] this frame's time, [1] the latest time seen (seconds). Kept in a typed array: a time is a
   * double beyond the small-integer range, and passing or storing it as a plain value would cost
   * a heap number per frame.
   */
  readonly time = new Float64Array(2);

  constructor(private readonly addrs: AddressTable = new AddressTable()) {}

  add(f: FlatPacket): void {
    this.time[0] = f.tsSec + f.tsNsec / 1e9;
    this.addTimed(f);
  }

  /** A frame whose time (seconds) the caller has already put in `time[0]` (CaptureAnalyzer has it). */
  addTimed(f: FlatPacket): void {
    const time = this.time;
    if (time[0]! > time[1]!) time[1] = time[0]!;
    if (f.l4Kind[0] === L4_TCP && (f.flags[0]! & F_L4_HEADER) !== 0) this.tcp(f, 0, 'outer');
    if (f.tunnelKind[0] !== 0 && f.l4Kind[1] === L4_TCP && (f.flags[1]! & F_L4_HEADER) !== 0) this.tcp(f, 1, 'inner');
  }

  private tcp(f: FlatPacket, l: number, scope: Scope): void {
    const flags = f.tcpFlags[l]!;
    const syn = (flags & TCP_SYN) !== 0;
    const ack = (flags & TCP_ACK) !== 0;
    const rst = (flags & TCP_RST) !== 0;
    // Fast path: most packets belong to no handshake in progress; tell by the port pair alone.
    const sp = f.srcPort[l]!;
    const dp = f.dstPort[l]!;
    const ports = (sp < dp ? Math.imul(sp, 40503) ^ dp : Math.imul(dp, 40503) ^ sp) & 0xffff;
    if (!(syn && !ack) && this.portPairs[ports] === 0) return;
    const ts = this.time[0]!;
    const a = endpoint(this.addrs.text(this.addrs.idAt(f, l, false)), sp);
    const b = endpoint(this.addrs.text(this.addrs.idAt(f, l, true)), dp);
    const frameNumber = f.frameNumber;
    if (syn && !ack) {
      const seq = f.tcpSeq[l]!;
      const key = `${scope}|${a}|${b}`;
      let c = this.conns.get(key);
      if (c && c.isn !== seq) {
        this.close(key, c); // same ports, new connection
        c = undefined;
      }
      if (!c) {
        if (this.conns.size >= MAX_TRACKED) return;
        c = { scope, client: a, server: b, ports, isn: seq, t0: ts, syns: [], synAcks: [], frames: [], badOuter: 0, reset: false };
        this.conns.set(key, c);
        this.portPairs[ports]!++;
        this.total++;
      }
      if (c.completedAt !== undefined) return;
      if (c.syns.length < MAX_EVENTS) {
        c.syns.push(ts - c.t0);
        c.frames.push(frameNumber);
      }
      if (scope === 'inner' && hasBadOuterChecksum(f)) c.badOuter++;
      return;
    }
    // From the server: SYN-ACK or RST; from the client: the ACK that completes it.
    const fromServer = this.conns.get(`${scope}|${b}|${a}`);
    if (fromServer && fromServer.completedAt === undefined) {
      if (syn && ack && fromServer.synAcks.length < MAX_EVENTS) {
        fromServer.synAcks.push(ts - fromServer.t0);
        fromServer.frames.push(frameNumber);
      } else if (rst) {
        fromServer.reset = true;
        fromServer.frames.push(frameNumber);
        this.close(`${scope}|${b}|${a}`, fromServer);
      } else if (fromServer.synAcks.length > 0 && !syn) {
        // The server sending more than a SYN-ACK means the client's ACK reached it.
        fromServer.completedAt = ts - fromServer.t0;
        this.close(`${scope}|${b}|${a}`, fromServer);
      }
      return;
    }
    const fromClient = this.conns.get(`${scope}|${a}|${b}`);
    if (fromClient && fromClient.completedAt === undefined && ack && !syn && !rst) {
      fromClient.completedAt = ts - fromClient.t0;
      fromClient.frames.push(frameNumber);
      this.close(`${scope}|${a}|${b}`, fromClient);
    }
  }

  private close(key: string, c: Conn): void {
    this.conns.delete(key);
    this.portPairs[c.ports]!--;
    const h = toHandshake(c, this.time[1]!);
    if (h.state === 'completed') {
      this.completed++;
      if (h.syns.length <= 1 && h.synAcks.length <= 1) {
        this.completedFirstTry++;
        return;
      }
    }
    if (this.done.length < MAX_NOTABLE) this.done.push(h);
    else this.notableTruncated = true;
  }

  finish(): HandshakeSummary {
    for (const [key, c] of [...this.conns]) this.close(key, c);
    return { total: this.total, completed: this.completed, completedFirstTry: this.completedFirstTry, notable: this.done, notableTruncated: this.notableTruncated };
  }
}

function intervals(ts: number[]): number[] {
  const out: number[] = [];
  for (let i = 1; i < ts.length; i++) out.push(round3(ts[i]! - ts[i - 1]!));
  return out;
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;

function toHandshake(c: Conn, lastTs: number): Handshake {
  const state: HandshakeState = c.completedAt !== undefined ? 'completed' : c.reset ? 'reset' : c.synAcks.length > 0 ? 'synack-no-ack' : 'no-synack';
  const synIntervals = intervals(c.syns);
  const lastSyn = c.syns[c.syns.length - 1] ?? 0;
  const nextRetry = Math.max(1, 2 * (synIntervals[synIntervals.length - 1] ?? 0.5));
  return {
    scope: c.scope,
    client: c.client,
    server: c.server,
    state,
    syns: c.syns.map(round3),
    synAcks: c.synAcks.map(round3),
    synIntervals,
    synAckIntervals: intervals(c.synAcks),
    backoff: isExponentialBackoff(synIntervals),
    completedAfter: c.completedAt === undefined ? undefined : round3(c.completedAt),
    synsWithBadOuterChecksum: c.badOuter,
    inProgressAtEnd: state !== 'completed' && state !== 'reset' && lastTs - (c.t0 + lastSyn) < nextRetry,
    frames: c.frames,
  };
}
