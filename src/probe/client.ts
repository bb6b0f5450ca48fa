// A UDP socket that sends probes to one peer and matches the replies by session and sequence.
import dgram from 'node:dgram';
import { PodpathError } from '../util/errors.js';
import { decodeProbe, encodeProbe, newSessionId, ProbeType, MIN_PROBE_LEN, type ProbeHeader } from './wire.js';

export interface Reply { seq: number; rttMs: number; bytes: number }

/** Bytes a client may still send (the agent's per-request budget); a send beyond it is skipped. */
export interface ByteBudget { take(bytes: number): boolean }

/** The send error counted when the budget refused a datagram. */
export const BUDGET_EXHAUSTED = 'E_PROBE_BUDGET';

/**
 * Sockets of finished clients, kept for the next client from the same source: a mesh agent probes
 * one peer after another (a pair each, hundreds a minute), and a socket's creation, bind, connect
 * and close cost more CPU than re-pointing it (disconnect, connect: the kernel picks a new local
 * port at the connect, the source address stays). Only a socket whose run went
 * cleanly comes back (every request answered, no send error: no ICMP error can be pending from
 * its old peer); idle ones are unreferenced and closed after IDLE_MS. Late datagrams of the old
 * peer already queued name the old session and are ignored as any stale reply is.
 */
class SocketPool {
  private readonly idle = new Map<string, { socket: PooledSocket; timer: NodeJS.Timeout }[]>();
  private size = 0;
  static readonly MAX = 64;
  static readonly IDLE_MS = 5000;

  take(key: string): PooledSocket | undefined {
    const list = this.idle.get(key);
    const e = list?.pop();
    if (!e) return undefined;
    if (!list!.length) this.idle.delete(key);
    this.size--;
    clearTimeout(e.timer);
    e.socket.socket.ref();
    return e.socket;
  }

  give(key: string, p: PooledSocket): boolean {
    if (this.size >= SocketPool.MAX) return false;
    try {
      p.socket.disconnect();
    } catch {
      return false;
    }
    p.socket.unref();
    const list = this.idle.get(key) ?? [];
    const entry = { socket: p, timer: setTimeout(() => this.drop(key, entry), SocketPool.IDLE_MS).unref() };
    list.push(entry);
    this.idle.set(key, list);
    this.size++;
    return true;
  }

  /** Closes every idle socket (an agent that stops). */
  clear(): void {
    for (const [key, list] of this.idle) for (const e of [...list]) this.drop(key, e);
  }

  private drop(key: string, e: { socket: PooledSocket; timer: NodeJS.Timeout }): void {
    const list = this.idle.get(key);
    const i = list?.indexOf(e) ?? -1;
    if (i < 0) return;
    list!.splice(i, 1);
    if (!list!.length) this.idle.delete(key);
    this.size--;
    clearTimeout(e.timer);
    e.socket.socket.close();
  }
}

/** A socket and the client it now serves (its one 'message' listener hands datagrams on). */
class PooledSocket {
  client?: ProbeClient;
  constructor(readonly socket: dgram.Socket) {
    socket.on('message', (msg) => this.client?.onMessage(msg));
    socket.on('error', () => { /* counted per send */ });
  }
}

const pool = new SocketPool();
const stats = { created: 0, reused: 0 };

/** Probe sockets created and reused since the process started (tests, the mesh bench). */
export function probeSocketStats(): { created: number; reused: number } {
  return { ...stats };
}

/** Closes the idle probe sockets now (they close themselves after a few seconds anyway). */
export function closeIdleProbeSockets(): void {
  pool.clear();
}

export class ProbeClient {
  private sessionId = newSessionId();
  private readonly pooled: PooledSocket;
  private readonly socket: dgram.Socket;
  private readonly waiting = new Map<number, { sentAt: number; resolve: (r: Reply | undefined) => void; timer: NodeJS.Timeout }>();
  private tallyWaiter?: (t: { packets: number; bytes: number }) => void;
  private seq = 0;
  /** Whether this client's run went cleanly (no request unanswered): its socket may serve the next. */
  private clean = true;
  /** Sent datagrams no reply is waited for (a ramp, a sweep): its socket is not reused. */
  private raw = false;
  /** Errors from send (EMSGSIZE, EHOSTUNREACH...) by code. */
  readonly sendErrors = new Map<string, number>();

  private constructor(private readonly key: Buffer, pooled: PooledSocket, private readonly budget?: ByteBudget) {
    this.pooled = pooled;
    this.socket = pooled.socket;
    pooled.client = this;
  }

  static async open(key: Buffer, host: string, port: number, source?: string, budget?: ByteBudget): Promise<ProbeClient> {
    const family = host.includes(':') ? 'udp6' : 'udp4';
    const poolKey = `${family} ${source ?? ''}`;
    const reused = pool.take(poolKey);
    if (reused) stats.reused++;
    else stats.created++;
    const c = new ProbeClient(key, reused ?? new PooledSocket(dgram.createSocket(family)), budget);
    c.poolKey = poolKey;
    if (reused) {
      // Bound already, from this source: only the peer changes.
    } else if (!source) await new Promise<void>((r) => c.socket.bind(0, r));
    else {
      c.socket.bind(0, source);
      // A source address this host does not have fails the bind (EADDRNOTAVAIL): say so, never hang.
      await new Promise<void>((resolve, reject) => {
        const failed = (e: NodeJS.ErrnoException) => {
          c.socket.close();
          reject(new PodpathError('E_PROBE_SOURCE', `cannot send from ${source}: ${e.code ?? e.message} (not an address of this host?)`));
        };
        c.socket.once('error', failed);
        c.socket.once('listening', () => { c.socket.off('error', failed); resolve(); });
      });
    }
    // Connected: no address lookup per send, and only the peer's datagrams are received.
    // A name that does not resolve comes back as the callback's argument, not as an 'error'
    // event: without this check the socket stayed unconnected and the first send threw.
    await new Promise<void>((resolve, reject) => {
      const failed = (e: NodeJS.ErrnoException) => {
        c.socket.close();
        reject(new PodpathError('E_PROBE_TARGET', `cannot send to ${host}:${port}: ${e.code ?? e.message}`));
      };
      c.socket.once('error', failed);
      c.socket.connect(port, host, (err?: Error) => {
        c.socket.off('error', failed);
        if (err) failed(err as NodeJS.ErrnoException);
        else resolve();
      });
    });
    if (!reused) try { c.socket.setSendBufferSize(4 * 1024 * 1024); } catch { /* capped by wmem_max */ }
    return c;
  }

  private poolKey = '';

  /** The local address and port this client sends from. */
  local(): { address: string; port: number } {
    const a = this.socket.address();
    return { address: a.address, port: a.port };
  }

  /** The session the responder tallies this client's datagrams under. */
  get session(): bigint {
    return this.sessionId;
  }

  /**
   * A new session on the same socket: a caller that proved the peer with a few echoes measures
   * next without a second socket, and the peer's tally of the new session counts only what
   * follows. Late replies of the old session are ignored (they name the old session).
   */
  renew(): void {
    this.sessionId = newSessionId();
  }

  nextSeq(): number {
    this.seq = (this.seq + 1) >>> 0;
    return this.seq;
  }

  /** Sends one echo request of `size` bytes and waits up to `timeoutMs` for its reply. */
  echo(size: number, timeoutMs: number, flags = 0): Promise<Reply | undefined> {
    const seq = this.nextSeq();
    const header: ProbeHeader = { type: ProbeType.EchoRequest, flags, session: this.session, seq, sentMs: Date.now() };
    const buf = encodeProbe(this.key, header, Math.max(size, MIN_PROBE_LEN));
    if (!this.allowed(buf.length)) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiting.delete(seq);
        this.clean = false;
        resolve(undefined);
      }, timeoutMs);
      this.waiting.set(seq, { sentAt: performance.now(), resolve, timer });
      this.socket.send(buf, (err) => {
        if (err) this.countError(err);
      });
    });
  }

  /** Sends without waiting (rate ramps); resolves when the kernel took the datagram. */
  sendRaw(buf: Buffer): Promise<void> {
    this.raw = true;
    if (!this.allowed(buf.length)) return Promise.resolve();
    return new Promise((resolve) => {
      this.socket.send(buf, (err) => {
        if (err) this.countError(err);
        resolve();
      });
    });
  }

  /**
   * Fire and forget, for the bulk of a paced batch: no callback, so no closure per datagram (an
   * error still reaches the socket's 'error' handler, and the batch's last send reports it).
   */
  sendNoWait(buf: Buffer): void {
    this.raw = true;
    if (this.allowed(buf.length)) this.socket.send(buf);
  }

  /** Asks the responder how many datagrams of this session it received. */
  async tally(timeoutMs: number, attempts = 3): Promise<{ packets: number; bytes: number } | undefined> {
    for (let i = 0; i < attempts; i++) {
      const result = await new Promise<{ packets: number; bytes: number } | undefined>((resolve) => {
        const timer = setTimeout(() => {
          this.tallyWaiter = undefined;
          this.clean = false;
          resolve(undefined);
        }, timeoutMs);
        this.tallyWaiter = (t) => {
          clearTimeout(timer);
          this.tallyWaiter = undefined;
          resolve(t);
        };
        const buf = encodeProbe(this.key, { type: ProbeType.TallyRequest, flags: 0, session: this.session, seq: this.nextSeq(), sentMs: Date.now() }, MIN_PROBE_LEN);
        if (!this.allowed(buf.length)) return;
        this.socket.send(buf, (err) => {
          if (err) this.countError(err);
        });
      });
      if (result) return result;
    }
    return undefined;
  }

  /** One signed datagram; `copies`: how many times it will be sent (the responder counts that many). */
  encode(size: number, flags: number, copies = 1): Buffer {
    return encodeProbe(this.key, { type: ProbeType.EchoRequest, flags, session: this.session, seq: this.nextSeq(), sentMs: Date.now(), copies }, Math.max(size, MIN_PROBE_LEN));
  }

  close(): void {
    if (this.pooled.client !== this) return;
    // Requests still waiting, or datagrams sent without a reply to wait for (sendRaw, sendNoWait:
    // rate ramps, sweeps): nothing says the peer answered, so an ICMP error may still come.
    const clean = this.clean && !this.raw && this.waiting.size === 0 && this.sendErrors.size === 0;
    for (const w of this.waiting.values()) {
      clearTimeout(w.timer);
      w.resolve(undefined);
    }
    this.waiting.clear();
    this.pooled.client = undefined;
    if (!clean || !pool.give(this.poolKey, this.pooled)) this.socket.close();
  }

  private allowed(bytes: number): boolean {
    if (!this.budget || this.budget.take(bytes)) return true;
    this.countError({ code: BUDGET_EXHAUSTED } as NodeJS.ErrnoException);
    return false;
  }

  private countError(err: NodeJS.ErrnoException): void {
    const code = err.code ?? 'ERROR';
    this.sendErrors.set(code, (this.sendErrors.get(code) ?? 0) + 1);
  }

  /** From the socket's listener (PooledSocket), for this client only while it holds the socket. */
  onMessage(msg: Buffer): void {
    const d = decodeProbe(this.key, msg);
    if (!d.ok || d.header.session !== this.sessionId) return;
    if (d.header.type === ProbeType.TallyReply) {
      this.tallyWaiter?.({ packets: d.header.seq, bytes: d.header.sentMs });
      return;
    }
    if (d.header.type !== ProbeType.EchoReply) return;
    const w = this.waiting.get(d.header.seq);
    if (!w) return;
    this.waiting.delete(d.header.seq);
    clearTimeout(w.timer);
    w.resolve({ seq: d.header.seq, rttMs: performance.now() - w.sentAt, bytes: msg.length });
  }
}
