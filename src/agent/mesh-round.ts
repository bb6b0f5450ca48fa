// One agent's part of a mesh round: up to k probes at once, each to a peer that must first prove
// to be a podpath agent (or be allow-listed), every datagram paid from the round's budget. The
// counters are read when the round starts: the coordinator takes the difference to the next
// round's reading, a window that holds everything this agent sent and received in this round.
import { isPodpathError } from '../util/errors.js';
import { compactSnapshot, readCounters, type CounterSnapshot } from '../probe/counters.js';
import type { ByteBudget } from '../probe/client.js';
import type { ProbeSuiteResult } from '../evidence/probe-run.js';
import type { MeshRoundRequest } from '../api/mesh-round.js';
import type { AgentProbeRequest } from '../api/probe-request.js';
import { plannedBytes, type AllowList } from './probe-policy.js';
import { runGuardedProbe } from './guarded-probe.js';
import type { ProofLimiter } from './budget.js';

export interface MeshCellResult {
  host: string;
  port: number;
  source?: string;
  ms: number;
  result?: ProbeSuiteResult;
  error?: { code: string; message: string };
}

export interface MeshRoundResult {
  round: number;
  counters: CounterSnapshot;
  cells: MeshCellResult[];
  peakRunning: number;
}

/**
 * The probe request one target of the round stands for (TCP to the peer agent's own probe port).
 * Built, not parsed: the round was read with MeshRoundRequest (IP literals, defaults filled, every
 * bound within AgentProbeRequest's), and a zod parse per target cost every agent 8 a round.
 */
export function cellRequest(r: MeshRoundRequest, t: MeshRoundRequest['targets'][number]): AgentProbeRequest {
  const p = r.probes;
  return {
    host: t.host, port: t.port, ...(t.source !== undefined ? { source: t.source } : {}), label: 'mesh',
    ...(p.echo ? { echo: { count: p.echo.count, size: p.echo.size } } : {}),
    ...(p.sweep ? { sweep: { max: p.sweep.max, repeats: p.sweep.repeats } } : {}),
    ...(p.icmp ? { icmp: { count: p.icmp.count } } : {}),
    ...(p.ramp ? { ramp: { maxRateBps: p.ramp.maxRateBps, maxDurationMs: p.ramp.maxDurationMs, recoveryWatchMs: p.ramp.recoveryWatchMs, stepMs: p.ramp.stepMs } } : {}),
    ...(p.tcp ? { tcp: { port: t.port, attempts: p.tcp.attempts } } : {}),
  };
}

/** Every target's probe request, parsed once a round (the budget check and the probes share them). */
export function cellRequests(r: MeshRoundRequest): AgentProbeRequest[] {
  return r.targets.map((t) => cellRequest(r, t));
}

/** The most bytes a round can make this agent send: the budgets are checked against it first. */
export function roundPlannedBytes(r: MeshRoundRequest, requests: AgentProbeRequest[] = cellRequests(r)): number {
  return requests.reduce((sum, q) => sum + plannedBytes(q), 0);
}

/** A counting semaphore: at most `limit` holders at once. */
class Slots {
  private free: number;
  private readonly waiting: (() => void)[] = [];
  constructor(limit: number) {
    this.free = limit;
  }
  async take(): Promise<void> {
    if (this.free > 0) {
      this.free--;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }
  give(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.free++;
  }
}

export async function runMeshRound(
  key: Buffer, r: MeshRoundRequest, allow: AllowList, budget: ByteBudget,
  opts: { procRoot?: string; proofs?: ProofLimiter; requests?: AgentProbeRequest[]; ownAddresses?: readonly string[] } = {},
): Promise<MeshRoundResult> {
  const counters = compactSnapshot(await readCounters(opts.procRoot), opts.ownAddresses);
  const requests = opts.requests ?? cellRequests(r);
  const slots = new Slots(r.concurrency);
  let running = 0;
  let peakRunning = 0;
  const cells = await Promise.all(r.targets.map(async (t, i): Promise<MeshCellResult> => {
    await slots.take();
    running++;
    peakRunning = Math.max(peakRunning, running);
    const base = { host: t.host, port: t.port, ...(t.source ? { source: t.source } : {}) };
    const started = performance.now();
    const ms = () => Math.round((performance.now() - started) * 10) / 10;
    try {
      if (t.delayMs > 0) await new Promise((res) => setTimeout(res, t.delayMs));
      const result = await runGuardedProbe(key, requests[i]!, allow, budget, opts.proofs);
      return { ...base, ms: ms(), result };
    } catch (e) {
      // One peer's failure (a source this host lacks, a target the kernel refuses) is that cell's.
      const code = isPodpathError(e) ? e.code : ((e as NodeJS.ErrnoException).code ?? 'E_PROBE');
      return { ...base, ms: ms(), error: { code, message: (e as Error).message ?? String(e) } };
    } finally {
      running--;
      slots.give();
    }
  }));
  return { round: r.round, counters, cells, peakRunning };
}
