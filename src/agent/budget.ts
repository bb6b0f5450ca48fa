// What probe requests through the API may send: a byte budget per request, and per minute a
// byte budget and a number of requests. A request is charged its planned worst case when it
// starts (so two cannot both fit in what is left) and its real bytes when it ends.
import { LIMITS } from '../util/limits.js';

export interface BudgetRefusal { code: string; message: string }

/** Bytes one request may still send; every probe socket takes from it before sending. */
export class SendBudget {
  private spentBytes = 0;
  constructor(readonly limit: number) {}
  /** True when `bytes` may be sent now (and counts them). */
  take(bytes: number): boolean {
    if (this.spentBytes + bytes > this.limit) return false;
    this.spentBytes += bytes;
    return true;
  }
  get spent(): number {
    return this.spentBytes;
  }
}

interface Entry { at: number; bytes: number; kind: string }

/** A kind of request with its own count per minute (its bytes share the one per-minute budget). */
export interface RequestKind { name: string; perMinute: number; code: string; what: string }

export const PROBE_REQUESTS: RequestKind = {
  name: 'probe', perMinute: LIMITS.agentProbeRequestsPerMinute.value, code: LIMITS.agentProbeRequestsPerMinute.code, what: 'probe requests',
};
export const MESH_ROUNDS: RequestKind = {
  name: 'mesh', perMinute: LIMITS.meshRoundsPerMinute.value, code: LIMITS.meshRoundsPerMinute.code, what: 'mesh rounds',
};

export class MinuteBudget {
  private readonly entries: Entry[] = [];

  constructor(
    private readonly bytesPerMinute: number = LIMITS.agentProbeMinuteBytes.value,
    private readonly requestsPerMinute: number = LIMITS.agentProbeRequestsPerMinute.value,
    private readonly bytesPerRequest: number = LIMITS.agentProbeRequestBytes.value,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Charges a request that plans to send `planned` bytes, or says why it may not start. The
   * returned budget bounds what it really sends; `settle()` records what it did send.
   */
  start(planned: number, kind?: RequestKind): { budget: SendBudget; settle: () => void } | BudgetRefusal {
    const k = kind ?? { ...PROBE_REQUESTS, perMinute: this.requestsPerMinute };
    const now = this.now();
    while (this.entries.length && now - this.entries[0]!.at >= 60_000) this.entries.shift();
    if (planned > this.bytesPerRequest) {
      return { code: LIMITS.agentProbeRequestBytes.code, message: `this request could send ${planned} bytes; one request may send ${this.bytesPerRequest}` };
    }
    if (this.entries.filter((e) => e.kind === k.name).length >= k.perMinute) {
      return { code: k.code, message: `${k.perMinute} ${k.what} in the last minute already; try again later` };
    }
    const used = this.entries.reduce((a, e) => a + e.bytes, 0);
    if (used + planned > this.bytesPerMinute) {
      return { code: LIMITS.agentProbeMinuteBytes.code, message: `probes sent ${used} bytes in the last minute; this one could send ${planned} more, over the ${this.bytesPerMinute} allowed` };
    }
    const entry: Entry = { at: now, bytes: planned, kind: k.name };
    this.entries.push(entry);
    const budget = new SendBudget(Math.min(this.bytesPerRequest, this.bytesPerMinute - used));
    return { budget, settle: () => { entry.bytes = budget.spent; } };
  }
}

export function isRefusal(x: unknown): x is BudgetRefusal {
  return typeof x === 'object' && x !== null && 'code' in x && 'message' in x;
}

/**
 * Targets that failed to prove to be an agent, per minute. A mesh round names up to k targets and
 * rounds come fast: without this, a token holder could make an agent send its 3 proof datagrams
 * to thousands of addresses a minute. Proofs under way count until they succeed.
 */
export class ProofLimiter {
  private readonly failures: number[] = [];
  private pending = 0;

  constructor(private readonly perMinute: number = LIMITS.meshFailedProofsPerMinute.value, private readonly now: () => number = Date.now) {}

  get limit(): number {
    return this.perMinute;
  }

  /** True when one more unproven target may be tried now (then `end` must follow). */
  begin(): boolean {
    const t = this.now();
    while (this.failures.length && t - this.failures[0]! >= 60_000) this.failures.shift();
    if (this.failures.length + this.pending >= this.perMinute) return false;
    this.pending++;
    return true;
  }

  end(proven: boolean): void {
    this.pending--;
    if (!proven) this.failures.push(this.now());
  }
}
