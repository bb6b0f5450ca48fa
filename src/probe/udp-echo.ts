// UDP echo: loss and round-trip time to a peer's responder.
import { ProbeClient, type ByteBudget } from './client.js';
import type { EchoResult } from '../evidence/probe-run.js';
export type { EchoResult };

export async function udpEcho(opts: {
  key: Buffer; host: string; port: number; count?: number; intervalMs?: number; timeoutMs?: number; size?: number; source?: string; budget?: ByteBudget;
  /** An open client to this peer (the proof's): measured under a new session, left open. */
  client?: ProbeClient;
}): Promise<EchoResult> {
  const count = opts.count ?? 20;
  const size = opts.size ?? 64;
  const client = opts.client ?? await ProbeClient.open(opts.key, opts.host, opts.port, opts.source, opts.budget);
  if (opts.client) client.renew();
  try {
    const pending: Promise<{ i: number; rtt?: number }>[] = [];
    const firstSeq = client.nextSeq() + 1;
    for (let i = 0; i < count; i++) {
      pending.push(client.echo(size, opts.timeoutMs ?? 1000).then((r) => ({ i, rtt: r?.rttMs })));
      // Spaced between echoes, not after the last one (that wait only delayed the tally).
      if ((opts.intervalMs ?? 20) && i < count - 1) await new Promise((r) => setTimeout(r, opts.intervalMs ?? 20));
    }
    const results = await Promise.all(pending);
    const rtts = results.filter((r) => r.rtt !== undefined).map((r) => r.rtt as number).sort((a, b) => a - b);
    const tally = await client.tally(500);
    return {
      kind: 'udp-echo',
      target: `${opts.host}:${opts.port}`,
      size,
      sent: count,
      received: rtts.length,
      lossPct: round(((count - rtts.length) / count) * 100),
      rttMs: rtts.length
        ? { min: round(rtts[0]!), avg: round(rtts.reduce((a, b) => a + b, 0) / rtts.length), max: round(rtts[rtts.length - 1]!), p50: round(rtts[Math.floor(rtts.length / 2)]!) }
        : undefined,
      lostSeqs: results.filter((r) => r.rtt === undefined).map((r) => firstSeq + r.i),
      sendErrors: Object.fromEntries(client.sendErrors),
      arrivedAtPeer: tally?.packets,
      session: client.session.toString(16),
    };
  } finally {
    if (!opts.client) client.close();
  }
}

export function round(n: number): number {
  return Math.round(n * 100) / 100;
}
