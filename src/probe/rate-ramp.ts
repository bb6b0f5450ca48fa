// A careful UDP rate ramp: raises the send rate step by step, learns from the peer's tally how
// much arrived, and stops at the first loss. If the peer then stops answering altogether, the
// path is blackholed (seed 003: a policer cut the host off above ~22 Mbit/s): it watches for
// recovery and says how long it took. Caps on rate and duration always apply.
import { ProbeClient, type ByteBudget } from './client.js';
import { FLAG_NO_REPLY } from './wire.js';
import { round } from './udp-echo.js';
import type { RateStep, RateRampResult } from '../evidence/probe-run.js';
export type { RateStep, RateRampResult };

/** The default cap when the user gives no --max-rate: low enough never to hurt a shared link. */
export const DEFAULT_MAX_RATE_BPS = 5_000_000;
const IP_UDP_OVERHEAD = 28;
const MAX_BATCH = 256;

export interface RateRampOptions {
  key: Buffer; host: string; port: number;
  maxRateBps?: number; startRateBps?: number; factor?: number; stepMs?: number; size?: number;
  maxDurationMs?: number; lossThresholdPct?: number; recoveryWatchMs?: number; source?: string; budget?: ByteBudget;
  /** After a blackhole, measure two holds to estimate the policer's rate and burst (default true). */
  refine?: boolean;
  holdMs?: number;
}

export async function rateRamp(opts: RateRampOptions): Promise<RateRampResult> {
  const maxRate = opts.maxRateBps ?? DEFAULT_MAX_RATE_BPS;
  const size = opts.size ?? 1000;
  const stepMs = opts.stepMs ?? 500;
  const factor = opts.factor ?? 1.25;
  const threshold = opts.lossThresholdPct ?? 2;
  const watchMs = opts.recoveryWatchMs ?? 60_000;
  const deadline = Date.now() + (opts.maxDurationMs ?? 30_000);
  const client = await ProbeClient.open(opts.key, opts.host, opts.port, opts.source, opts.budget);
  const steps: RateStep[] = [];
  const base = { kind: 'rate-ramp' as const, target: `${opts.host}:${opts.port}`, steps, maxRateBps: maxRate };
  let arrivedBefore = (await client.tally(500))?.packets ?? 0;

  /** One paced run; `arrived` undefined when the peer no longer answers (blackholed). */
  const run = async (rate: number, ms: number) => {
    const { sent, elapsedMs } = await sendPaced(client, rate, size, ms);
    await new Promise((r) => setTimeout(r, 100)); // let the last datagrams land
    const t = await client.tally(400);
    const arrived = t ? t.packets - arrivedBefore : undefined;
    if (t) arrivedBefore = t.packets;
    return { sent, elapsedMs, arrived };
  };
  /**
   * Sends at `rate` while a small echo every 50 ms watches the path; stops as soon as two echoes in
   * a row go unanswered (the policer tripped), so a hold never lasts longer than the trip needs.
   */
  const holdUntilTrip = async (rate: number, ms: number) => {
    let tripped = false;
    const stop = new AbortController();
    const watcher = (async () => {
      let misses = 0;
      while (!stop.signal.aborted) {
        const reply = await client.echo(64, 150);
        misses = reply ? 0 : misses + 1;
        if (misses >= 2) {
          tripped = true;
          stop.abort();
          return;
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    await sendPaced(client, rate, size, ms, stop.signal);
    stop.abort();
    await watcher;
    return { tripped };
  };
  /** After a blackhole: wait for the peer, then learn how many datagrams made it before the cut. */
  const recover = async () => {
    const bh = await watchRecovery(client, watchMs);
    const t = bh.recoveredAfterMs !== undefined ? await client.tally(400) : undefined;
    const arrived = t ? t.packets - arrivedBefore : undefined;
    if (t) arrivedBefore = t.packets;
    return { bh, arrived };
  };

  try {
    // Start low enough to find the onset, high enough to reach the cap in ~20 steps.
    let rate = Math.min(opts.startRateBps ?? Math.max(500_000, Math.round(maxRate / 64)), maxRate);
    let lastClean: number | undefined;
    while (true) {
      if (Date.now() + stepMs > deadline) return { ...base, lastCleanBps: lastClean, stoppedBy: 'max-duration' };
      const step = await run(rate, stepMs);
      if (step.arrived === undefined) {
        // The peer does not even answer the tally: loss is total, check for a blackhole.
        const { bh, arrived } = await recover();
        steps.push(stepOf(rate, step.sent, arrived ?? 0, size, step.elapsedMs));
        const result: RateRampResult = { ...base, lossOnsetBps: rate, lastCleanBps: lastClean, blackhole: bh, stoppedBy: 'loss' };
        if (bh.detected && bh.recoveredAfterMs !== undefined && opts.refine !== false) {
          result.estimate = await estimatePolicer(rate, maxRate, opts.holdMs ?? 4000, deadline, holdUntilTrip, recover, size);
        }
        return result;
      }
      steps.push(stepOf(rate, step.sent, step.arrived, size, step.elapsedMs));
      if (steps.at(-1)!.lossPct > threshold) {
        const alive = await client.echo(64, 500);
        const bh = alive ? { detected: false, watchedMs: 0 } : (await recover()).bh;
        return { ...base, lossOnsetBps: rate, lastCleanBps: lastClean, blackhole: bh, stoppedBy: 'loss' };
      }
      lastClean = rate;
      if (rate >= maxRate) return { ...base, lastCleanBps: lastClean, stoppedBy: 'max-rate' };
      rate = Math.min(Math.round(rate * factor), maxRate);
    }
  } finally {
    client.close();
  }
}

function stepOf(rate: number, sent: number, arrived: number, size: number, elapsedMs: number): RateStep {
  return { rateBps: rate, sent, arrived, lossPct: sent ? round(((sent - arrived) / sent) * 100) : 0, achievedBps: achieved(sent, size, elapsedMs) };
}

type HoldRunner = (rate: number, ms: number) => Promise<{ tripped: boolean }>;
type Recoverer = () => Promise<{ bh: { detected: boolean; recoveredAfterMs?: number }; arrived?: number }>;

/** Two holds at rates that trip the blackhole; their trip times give the policer's rate and burst. */
async function estimatePolicer(
  tripRate: number, maxRate: number, holdMs: number, deadline: number, holdUntilTrip: HoldRunner, recover: Recoverer, size: number,
): Promise<RateRampResult['estimate']> {
  const rates = [tripRate, Math.min(Math.round(tripRate * 1.5), maxRate)];
  if (rates[1]! < tripRate * 1.1) return undefined;
  const holds: { rateBps: number; tripMs: number }[] = [];
  for (const rate of rates) {
    if (Date.now() + holdMs > deadline) return undefined;
    const hold = await holdUntilTrip(rate, holdMs);
    if (!hold.tripped) return undefined; // no trip within the hold: not a token bucket we can read
    const { bh, arrived } = await recover();
    if (bh.recoveredAfterMs === undefined || arrived === undefined) return undefined;
    const pps = rate / ((size + IP_UDP_OVERHEAD) * 8);
    holds.push({ rateBps: rate, tripMs: Math.round((arrived / pps) * 1000) });
  }
  const [a, b] = holds as [{ rateBps: number; tripMs: number }, { rateBps: number; tripMs: number }];
  const ta = a.tripMs / 1000;
  const tb = b.tripMs / 1000;
  if (!(ta > tb && tb > 0)) return undefined;
  const limit = (a.rateBps * ta - b.rateBps * tb) / (ta - tb);
  if (!(limit > 0 && limit < a.rateBps)) return undefined;
  return { limitBps: Math.round(limit), burstBytes: Math.round(((a.rateBps - limit) * ta) / 8), holds };
}

function achieved(sent: number, size: number, elapsedMs: number): number {
  return elapsedMs > 0 ? Math.round((sent * (size + IP_UDP_OVERHEAD) * 8 * 1000) / elapsedMs) : 0;
}

/** Sends at `rateBps` (IP level) for `durationMs`, paced on a 1 ms clock; returns what was sent. */
export async function sendPaced(client: ProbeClient, rateBps: number, size: number, durationMs: number, signal?: AbortSignal): Promise<{ sent: number; elapsedMs: number }> {
  const pps = rateBps / ((size + IP_UDP_OVERHEAD) * 8);
  const start = performance.now();
  let sent = 0;
  while (true) {
    const elapsed = performance.now() - start;
    if (elapsed >= durationMs || signal?.aborted) break;
    const due = Math.min(Math.floor((elapsed / 1000) * pps) - sent, MAX_BATCH);
    if (due > 0) {
      // One authenticated datagram per batch, sent `due` times: the responder tallies by session,
      // so the HMAC need not be computed per packet. Datagrams leave in order, so waiting for the
      // last of a batch bounds what is queued.
      const buf = client.encode(size, FLAG_NO_REPLY, due);
      for (let i = 0; i < due - 1; i++) client.sendNoWait(buf);
      await client.sendRaw(buf);
      sent += due;
    } else {
      await new Promise((r) => setTimeout(r, 1));
    }
  }
  return { sent, elapsedMs: performance.now() - start };
}

/** After total loss: is the peer gone (blackhole)? Polls until it answers again or time is up. */
async function watchRecovery(client: ProbeClient, watchMs: number): Promise<{ detected: boolean; recoveredAfterMs?: number; watchedMs: number }> {
  const start = Date.now();
  let answered = 0;
  while (Date.now() - start < watchMs) {
    if (await client.echo(64, 250)) {
      answered++;
      if (answered === 1 && Date.now() - start < 300) return { detected: false, watchedMs: Date.now() - start };
      return { detected: true, recoveredAfterMs: Date.now() - start, watchedMs: Date.now() - start };
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return { detected: true, watchedMs: Date.now() - start };
}
