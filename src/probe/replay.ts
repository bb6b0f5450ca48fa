// Replay protection for the probe responder. The HMAC proves a datagram came from a key holder
// and the timestamp bounds its age (the freshness window), but within that window a captured
// datagram could be sent again: answered each time (to a forged source: a victim) and tallied as
// a new arrival (hiding loss). So each session's sequence numbers are remembered, as IPsec does:
// the highest seen and a bitmap of the `window` below it. A rate ramp sends one signed datagram
// many times (one HMAC per batch); it declares the number of copies in the signed header, and
// exactly that many are accepted.
//
// Memory is bounded: at most `maxSessions` sessions (oldest forgotten first), `window` bits each
// (4096 x 1024 bits: about 1 MB). A datagram of a session not remembered is accepted only when it
// is newer than every datagram of every forgotten session, so forgetting never reopens a replay.
import { LIMITS } from '../util/limits.js';

/** The most copies of one datagram a sender may declare (a rate ramp's largest batch). */
export const MAX_COPIES = 256;

interface SeqWindow {
  top: number;
  bits: Uint32Array;
  /** Newest timestamp seen in this session (for the floor when it is forgotten). */
  newestMs: number;
  copySeq: number;
  copiesLeft: number;
}

export class ReplayGuard {
  private readonly sessions = new Map<bigint, SeqWindow>();
  private floorMs = -Infinity;

  constructor(
    private readonly maxSessions: number = LIMITS.responderReplaySessions.value,
    private readonly window: number = LIMITS.responderReplayWindow.value,
  ) {
    if (window % 32 !== 0) throw new RangeError('window must be a multiple of 32');
  }

  /** True the first time (session, seq) is seen, and for its declared copies; false for a replay. */
  accept(session: bigint, seq: number, sentMs: number, copies: number): boolean {
    let s = this.sessions.get(session);
    if (!s) {
      if (sentMs <= this.floorMs) return false;
      // Once full, the forgotten session's window is reused: a new session allocates nothing.
      const reused = this.sessions.size >= this.maxSessions ? this.forgetOldest() : undefined;
      if (reused) {
        reused.top = seq;
        reused.bits.fill(0);
        reused.newestMs = sentMs;
        reused.copySeq = -1;
        reused.copiesLeft = 0;
        s = reused;
      } else s = { top: seq, bits: new Uint32Array(this.window / 32), newestMs: sentMs, copySeq: -1, copiesLeft: 0 };
      this.sessions.set(session, s);
      return this.first(s, seq, copies);
    }
    if (seq === s.copySeq && s.copiesLeft > 0) {
      s.copiesLeft--;
      return true;
    }
    if (seq > s.top) {
      // Clear the slots between the old top and the new one: they are new sequence numbers.
      const advance = seq - s.top;
      if (advance >= this.window) s.bits.fill(0);
      else for (let q = s.top + 1; q < seq; q++) this.clear(s, q);
      s.top = seq;
    } else {
      if (s.top - seq >= this.window) return false; // older than the window: cannot tell, refuse
      if (this.isSet(s, seq)) return false;
    }
    if (sentMs > s.newestMs) s.newestMs = sentMs;
    // Keep the map in use order, so the oldest is forgotten first.
    this.sessions.delete(session);
    this.sessions.set(session, s);
    return this.first(s, seq, copies);
  }

  get size(): number {
    return this.sessions.size;
  }

  private first(s: SeqWindow, seq: number, copies: number): boolean {
    this.set(s, seq);
    s.copySeq = seq;
    s.copiesLeft = Math.min(Math.max(copies, 1), MAX_COPIES) - 1;
    return true;
  }

  private forgetOldest(): SeqWindow {
    const [id, oldest] = this.sessions.entries().next().value as [bigint, SeqWindow];
    this.sessions.delete(id);
    if (oldest.newestMs > this.floorMs) this.floorMs = oldest.newestMs;
    return oldest;
  }

  // Word and bit of a sequence number's slot, computed in place: no tuple per datagram.
  private isSet(s: SeqWindow, seq: number): boolean {
    const i = seq % this.window;
    return (s.bits[i >>> 5]! & (1 << (i & 31))) !== 0;
  }
  private set(s: SeqWindow, seq: number): void {
    const i = seq % this.window;
    s.bits[i >>> 5]! |= 1 << (i & 31);
  }
  private clear(s: SeqWindow, seq: number): void {
    const i = seq % this.window;
    s.bits[i >>> 5]! &= ~(1 << (i & 31));
  }
}
