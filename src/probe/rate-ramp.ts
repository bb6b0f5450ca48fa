// A careful UDP rate ramp: raises the send rate step by step, learns from the peer's tally how
// much arrived, and stops at the first loss. If the peer then stops answering altogether, the
// path is blackholed (seed 003: a policer cut the host off above ~22 Mbit/s): it watches for
// recovery and says how long it took. Caps on rate and duration always apply.
import { ProbeClient } from './client.js';
import { FLAG_NO_REPLY } from './wire.js';
import { round } from './udp-echo.js';

export interface RateStep { rateBps: number; sent: number; arrived: number; lossPct: number; achievedBps: number }

export interface RateRampResult {
  kind: 'rate-ramp';
  target: string;
  steps: RateStep[];
  /** First rate (bit/s, IP level) at which loss exceeded the threshold; the threshold lies between the previous step and this. */
  lossOnsetBps?: number;
  lastCleanBps?: number;
  blackhole?: { detected: boolean; recoveredAfterMs?: number; watchedMs: number };
  stoppedBy: 'loss' | 'max-rate' | 'max-duration' | 'no-tally';
  maxRateBps: number;
}

/** The default cap when the user gives no --max-rate: low enough never to hurt a shared link. */
export const DEFAULT_MAX_RATE_BPS = 5_000_000;
const IP_UDP_OVERHEAD = 28;
const MAX_BATCH = 256;

export async function rateRamp(opts: {
  key: Buffer; host: string; port: number;
  maxRateBps?: number; startRateBps?: number; factor?: number; stepMs?: number; size?: number;
  maxDurationMs?: number; lossThresholdPct?: number; recoveryWatchMs?: number; source?: string;
}): Promise<RateRampResult> {
  const maxRate = opts.maxRateBps ?? DEFAULT_MAX_RATE_BPS;
  const size = opts.size ?? 1000;
  const stepMs = opts.stepMs ?? 500;
  const factor = opts.factor ?? 1.25;
  const threshold = opts.lossThresholdPct ?? 2;
  const deadline = Date.now() + (opts.maxDurationMs ?? 30_000);
  const client = await ProbeClient.open(opts.key, opts.host, opts.port, opts.source);
  const steps: RateStep[] = [];
  const base = { kind: 'rate-ramp' as const, target: `${opts.host}:${opts.port}`, steps, maxRateBps: maxRate };
  try {
    let arrivedBefore = (await client.tally(500))?.packets ?? 0;
    // Start low enough to find the onset, high enough to reach the cap in ~20 steps.
    let rate = Math.min(opts.startRateBps ?? Math.max(500_000, Math.round(maxRate / 64)), maxRate);
    let lastClean: number | undefined;
    while (true) {
      if (Date.now() + stepMs > deadline) return { ...base, lastCleanBps: lastClean, stoppedBy: 'max-duration' };
      const { sent, elapsedMs } = await sendPaced(client, rate, size, stepMs);
      await new Promise((r) => setTimeout(r, 100)); // let the last datagrams land
      const t = await client.tally(400);
      if (!t) {
        // The peer does not even answer the tally: loss is total, check for a blackhole.
        const bh = await watchRecovery(client, opts.recoveryWatchMs ?? 60_000);
        steps.push({ rateBps: rate, sent, arrived: 0, lossPct: 100, achievedBps: achieved(sent, size, elapsedMs) });
        return { ...base, lossOnsetBps: rate, lastCleanBps: lastClean, blackhole: bh, stoppedBy: 'loss' };
      }
      const arrived = t.packets - arrivedBefore;
      arrivedBefore = t.packets;
      const lossPct = sent ? round(((sent - arrived) / sent) * 100) : 0;
      steps.push({ rateBps: rate, sent, arrived, lossPct, achievedBps: achieved(sent, size, elapsedMs) });
      if (lossPct > threshold) {
        const alive = await client.echo(64, 500);
        const bh = alive ? { detected: false, watchedMs: 0 } : await watchRecovery(client, opts.recoveryWatchMs ?? 60_000);
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

function achieved(sent: number, size: number, elapsedMs: number): number {
  return elapsedMs > 0 ? Math.round((sent * (size + IP_UDP_OVERHEAD) * 8 * 1000) / elapsedMs) : 0;
}

/** Sends at `rateBps` (IP level) for `durationMs`, paced on a 1 ms clock; returns what was sent. */
export async function sendPaced(client: ProbeClient, rateBps: number, size: number, durationMs: number): Promise<{ sent: number; elapsedMs: number }> {
  const pps = rateBps / ((size + IP_UDP_OVERHEAD) * 8);
  const start = performance.now();
  let sent = 0;
  while (true) {
    const elapsed = performance.now() - start;
    if (elapsed >= durationMs) break;
    const due = Math.min(Math.floor((elapsed / 1000) * pps) - sent, MAX_BATCH);
    if (due > 0) {
      // One authenticated datagram per batch, sent `due` times: the responder tallies by session,
      // so the HMAC need not be computed per packet. Datagrams leave in order, so waiting for the
      // last of a batch bounds what is queued.
      const buf = client.encode(size, FLAG_NO_REPLY);
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
