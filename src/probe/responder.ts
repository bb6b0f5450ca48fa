// The UDP side of the agent: answers valid, fresh probes, counts everything else, and keeps
// per-session arrival tallies so a sender can learn what reached this node.
import dgram from 'node:dgram';
import { lookup as dnsLookup, type LookupOneOptions } from 'node:dns';
import { isIP } from 'node:net';
import { EventEmitter } from 'node:events';
import {
  decodeProbe, encodeProbe, type DecodeResult, FLAG_NO_REPLY, FLAG_SHORT_REPLY, MIN_PROBE_LEN, ProbeType,
} from './wire.js';
import { SourceRateLimiter } from './rate-limit.js';
import { ReplayGuard } from './replay.js';

export interface ResponderOptions {
  key: Buffer;
  port: number;
  /** Addresses to bind; the agent never binds to all addresses unless told to. */
  addresses: string[];
  /** Probes older or newer than this (ms) are refused: bounds replays and tolerates clock offset. */
  maxSkewMs?: number;
  /** Replies per second per source, and burst. */
  repliesPerSecond?: number;
  replyBurst?: number;
  now?: () => number;
}

export interface ResponderCounters {
  received: number;
  answered: number;
  tallied: number;
  tooShort: number;
  badMagic: number;
  badType: number;
  badMac: number;
  stale: number;
  /** Valid and fresh, but a (session, seq) already seen: never answered, never tallied. */
  replayed: number;
  rateLimited: number;
  sendErrors: number;
}

interface Tally { packets: number; bytes: number; firstMs: number; lastMs: number }

const MAX_SESSIONS = 1024;
/**
 * A sender stops counting as served this long after its last request (when it never asked for its
 * tally). Generous on purpose: the count errs towards too many senders, never too few.
 */
export const SENDER_IDLE_MS = 250;
const MAX_SENDERS = 4096;

/** How many peers this responder serves at once (a mesh round promises at most k). */
export interface SenderCounts {
  /** Source addresses being served now. */
  active: number;
  /** The most served at once since the responder started. */
  peak: number;
  /** When `peak` was reached (ms since the epoch; 0: never). */
  peakAtMs: number;
  idleMs: number;
}

/**
 * An unconnected socket looks up the address of every send (each reply goes to rinfo.address, an
 * IP literal): dns.lookup answers a literal a tick later; this answers it at once (names still
 * go to dns.lookup). Only where bind's callback is registered before bind: 'listening' may come
 * synchronously.
 */
function literalLookup(
  address: string, options: LookupOneOptions | number, callback: (err: NodeJS.ErrnoException | null, address: string, family: number) => void,
): void {
  const f = isIP(address);
  if (f !== 0) callback(null, address, f);
  // node 20 passes the family as a number, its types say options.
  else dnsLookup(address, typeof options === 'number' ? { family: options } : options, callback);
}

export class UdpResponder extends EventEmitter {
  readonly counters: ResponderCounters = {
    received: 0, answered: 0, tallied: 0, tooShort: 0, badMagic: 0, badType: 0, badMac: 0, stale: 0, replayed: 0, rateLimited: 0, sendErrors: 0,
  };
  private readonly sockets: dgram.Socket[] = [];
  private readonly tallies = new Map<bigint, Tally>();
  private readonly limiter: SourceRateLimiter;
  private readonly replay = new ReplayGuard();
  private readonly now: () => number;
  private last?: { buf: Buffer; result: DecodeResult };
  /** Source address -> time of its last request, oldest first. */
  private readonly serving = new Map<string, number>();
  private sendersPeak = 0;
  private sendersPeakAt = 0;

  constructor(private readonly opts: ResponderOptions) {
    super();
    this.limiter = new SourceRateLimiter(opts.repliesPerSecond ?? 5000, opts.replyBurst ?? 1000);
    this.now = opts.now ?? Date.now;
  }

  async start(): Promise<void> {
    for (const address of this.opts.addresses) {
      const socket = dgram.createSocket({ type: address.includes(':') ? 'udp6' : 'udp4', reuseAddr: false, lookup: literalLookup });
      socket.on('message', (msg, rinfo) => this.onMessage(socket, msg, rinfo));
      // A bind failure rejects start() (and closes this socket); errors after it are emitted.
      await new Promise<void>((resolve, reject) => {
        const failed = (e: Error) => {
          socket.close();
          reject(e);
        };
        socket.once('error', failed);
        socket.bind(this.opts.port, address, () => {
          socket.off('error', failed);
          resolve();
        });
      });
      socket.on('error', (e) => { if (this.listenerCount('error') > 0) this.emit('error', e); });
      // A large receive buffer so rate ramps measure the network, not this socket.
      try { socket.setRecvBufferSize(8 * 1024 * 1024); } catch { /* capped by rmem_max: fine */ }
      this.sockets.push(socket);
    }
  }

  /** The port actually bound (useful with port 0 in tests). */
  get boundPort(): number {
    return this.sockets[0]?.address().port ?? this.opts.port;
  }

  async stop(): Promise<void> {
    await Promise.all(this.sockets.map((s) => new Promise<void>((r) => s.close(() => r()))));
    this.sockets.length = 0;
  }

  private onMessage(socket: dgram.Socket, msg: Buffer, rinfo: dgram.RemoteInfo): void {
    const c = this.counters;
    c.received++;
    // Rate ramps send the same authenticated datagram many times: a byte-equal copy of the last
    // valid one needs no second HMAC, which keeps the responder cheap at high packet rates.
    const decoded = this.last && msg.equals(this.last.buf) ? this.last.result : decodeProbe(this.opts.key, msg);
    // Only a datagram declared to come in copies is kept (a copy of any other is a replay anyway).
    if (decoded.ok && (decoded.header.copies ?? 1) > 1 && this.last?.buf !== msg) this.last = { buf: Buffer.from(msg), result: decoded };
    if (!decoded.ok) {
      if (decoded.reason === 'too-short') c.tooShort++;
      else if (decoded.reason === 'bad-magic') c.badMagic++;
      else if (decoded.reason === 'bad-type') c.badType++;
      else c.badMac++;
      return;
    }
    const h = decoded.header;
    const now = this.now();
    if (!Number.isFinite(h.sentMs) || Math.abs(now - h.sentMs) > (this.opts.maxSkewMs ?? 120_000)) {
      c.stale++;
      return;
    }
    if (h.type === ProbeType.EchoRequest || h.type === ProbeType.TallyRequest) {
      // Only requests: a reply is the client's business, and copies are declared by ramps only.
      if (!this.replay.accept(h.session, h.seq, h.sentMs, h.flags & FLAG_NO_REPLY ? h.copies ?? 1 : 1)) {
        c.replayed++;
        return;
      }
    }
    // A sender is served from its first request until it asks for its tally (the end of an echo
    // run) or falls idle; only requests that passed every check count.
    if (h.type === ProbeType.EchoRequest || h.type === ProbeType.TallyRequest) this.served(rinfo.address, now, h.type === ProbeType.TallyRequest);
    if (h.type === ProbeType.EchoRequest) {
      this.tally(h.session, msg.length, now);
      if (h.flags & FLAG_NO_REPLY) return;
      if (!this.limiter.allow(rinfo.address, now)) {
        c.rateLimited++;
        return;
      }
      // Never more bytes than were received: no amplification.
      const length = h.flags & FLAG_SHORT_REPLY ? MIN_PROBE_LEN : msg.length;
      const reply = encodeProbe(this.opts.key, { ...h, type: ProbeType.EchoReply }, length);
      this.send(socket, reply, rinfo);
      return;
    }
    if (h.type === ProbeType.TallyRequest) {
      if (!this.limiter.allow(rinfo.address, now)) {
        c.rateLimited++;
        return;
      }
      const t = this.tallies.get(h.session);
      // The tally travels in the header fields: seq = packets, sentMs = bytes (both fit).
      const reply = encodeProbe(this.opts.key, {
        type: ProbeType.TallyReply, flags: 0, session: h.session, seq: t?.packets ?? 0, sentMs: t?.bytes ?? 0,
      }, MIN_PROBE_LEN);
      if (msg.length >= reply.length) this.send(socket, reply, rinfo);
    }
  }

  private served(address: string, now: number, ending: boolean): void {
    const m = this.serving;
    for (const [a, at] of m) {
      if (now - at <= SENDER_IDLE_MS && m.size < MAX_SENDERS) break;
      m.delete(a);
    }
    if (ending) {
      m.delete(address);
      return;
    }
    const seen = m.get(address);
    // Moved to the end (newest) unless it was seen a moment ago: a rate ramp sends 100k a second.
    if (seen === undefined || now - seen > 10) m.delete(address);
    m.set(address, now);
    if (m.size > this.sendersPeak) {
      this.sendersPeak = m.size;
      this.sendersPeakAt = now;
    }
  }

  /** Concurrent senders, for /v1/responder, /metrics and the mesh bench. */
  get senders(): SenderCounts {
    const now = this.now();
    let active = 0;
    for (const at of this.serving.values()) if (now - at <= SENDER_IDLE_MS) active++;
    return { active, peak: this.sendersPeak, peakAtMs: this.sendersPeakAt, idleMs: SENDER_IDLE_MS };
  }

  private tally(session: bigint, bytes: number, now: number): void {
    this.counters.tallied++;
    let t = this.tallies.get(session);
    if (!t) {
      if (this.tallies.size >= MAX_SESSIONS) {
        const oldest = this.tallies.keys().next().value;
        if (oldest !== undefined) this.tallies.delete(oldest);
      }
      t = { packets: 0, bytes: 0, firstMs: now, lastMs: now };
      this.tallies.set(session, t);
    }
    t.packets++;
    t.bytes += bytes;
    t.lastMs = now;
  }

  private send(socket: dgram.Socket, buf: Buffer, rinfo: dgram.RemoteInfo): void {
    socket.send(buf, rinfo.port, rinfo.address, (err) => {
      if (err) this.counters.sendErrors++;
      else this.counters.answered++;
    });
  }

  /** Datagrams of one session that reached this responder (session as hex, as probes report it). */
  tallyOf(session: string): number | undefined {
    try {
      return this.tallies.get(BigInt(`0x${session}`))?.packets;
    } catch {
      return undefined;
    }
  }

  /** For tests and /metrics: how many sessions and sources are remembered (both bounded). */
  get memory(): { sessions: number; sources: number; replaySessions: number } {
    return { sessions: this.tallies.size, sources: this.limiter.size, replaySessions: this.replay.size };
  }
}
