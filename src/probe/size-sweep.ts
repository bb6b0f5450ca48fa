// Finds the largest UDP payload that crosses to a peer, by bisection. Each size is tried several
// times at once so one lost datagram is not taken for a limit (seed 003: 1472 crossed, 1473 never).
import { ProbeClient, type ByteBudget } from './client.js';
import { FLAG_SHORT_REPLY, MIN_PROBE_LEN, MAX_PROBE_LEN } from './wire.js';
import type { SizeSweepResult } from '../evidence/probe-run.js';
export type { SizeSweepResult };

export async function sizeSweep(opts: {
  key: Buffer; host: string; port: number; min?: number; max?: number; repeats?: number; timeoutMs?: number; source?: string; budget?: ByteBudget;
  /** An open client to this peer (the proof's): used under a new session, left open. */
  client?: ProbeClient;
}): Promise<SizeSweepResult> {
  const repeats = opts.repeats ?? 3;
  const timeoutMs = opts.timeoutMs ?? 300;
  const min = Math.max(opts.min ?? MIN_PROBE_LEN, MIN_PROBE_LEN);
  const max = Math.min(opts.max ?? 9000, MAX_PROBE_LEN);
  const client = opts.client ?? await ProbeClient.open(opts.key, opts.host, opts.port, opts.source, opts.budget);
  if (opts.client) client.renew();
  const tries: SizeSweepResult['tries'] = [];
  const passes = async (size: number): Promise<boolean> => {
    // Short replies: the sweep measures the way there; the way back is the peer's own sweep.
    const replies = await Promise.all(Array.from({ length: repeats }, () => client.echo(size, timeoutMs, FLAG_SHORT_REPLY)));
    const arrived = replies.filter(Boolean).length;
    tries.push({ size, sent: repeats, arrived });
    return arrived > 0;
  };
  try {
    const base = { kind: 'size-sweep' as const, target: `${opts.host}:${opts.port}`, maxTried: max, tries };
    if (!(await passes(min))) return { ...base, sendErrors: Object.fromEntries(client.sendErrors) };
    if (await passes(max)) return { ...base, largestPassing: max, sendErrors: Object.fromEntries(client.sendErrors) };
    let lo = min; // passes
    let hi = max; // fails
    // Try the usual edges first: they settle most real paths in two steps.
    for (const edge of [1472, 1422, 1450, 8972]) {
      if (edge > lo && edge < hi) {
        if (await passes(edge)) lo = edge;
        else hi = edge;
        if (edge + 1 < hi && lo === edge) {
          if (await passes(edge + 1)) lo = edge + 1;
          else hi = edge + 1;
        }
      }
    }
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (await passes(mid)) lo = mid;
      else hi = mid;
    }
    return { ...base, largestPassing: lo, smallestFailing: hi, sendErrors: Object.fromEntries(client.sendErrors) };
  } finally {
    if (!opts.client) client.close();
  }
}
