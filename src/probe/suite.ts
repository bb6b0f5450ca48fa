// The probes one agent runs toward a peer, as one request: what `podpath probe` asks of both ends.
import { z } from 'zod';
import { udpEcho } from './udp-echo.js';
import { sizeSweep } from './size-sweep.js';
import { rateRamp } from './rate-ramp.js';
import { tcpConnect } from './tcp-connect.js';
import { dnsQuery } from './dns.js';
import { icmpEcho } from './icmp-echo.js';
import type { ProbeRefusal, ProbeSuiteResult } from '../evidence/probe-run.js';
import type { ByteBudget } from './client.js';

/** Hard caps that no request can lift: a probe is a diagnosis, never a load test. */
export const HARD_MAX_RATE_BPS = 1_000_000_000;
export const HARD_MAX_DURATION_MS = 120_000;

export const ProbeRequest = z.object({
  host: z.string().min(1).max(255),
  port: z.number().int().min(1).max(65535).default(7946),
  /** Source address to send from (the underlay or overlay address of this node). */
  source: z.string().max(255).optional(),
  label: z.string().max(64).default('underlay'),
  echo: z.object({ count: z.number().int().min(1).max(1000).default(20), size: z.number().int().min(44).max(65507).default(64) }).optional(),
  sweep: z.object({ max: z.number().int().min(44).max(65507).default(9000), repeats: z.number().int().min(1).max(10).default(3) }).optional(),
  ramp: z.object({
    maxRateBps: z.number().int().min(100_000).max(HARD_MAX_RATE_BPS),
    maxDurationMs: z.number().int().min(1000).max(HARD_MAX_DURATION_MS).default(30_000),
    recoveryWatchMs: z.number().int().min(0).max(HARD_MAX_DURATION_MS).default(30_000),
    stepMs: z.number().int().min(100).max(5000).default(500),
  }).optional(),
  tcp: z.object({ port: z.number().int().min(1).max(65535), attempts: z.number().int().min(1).max(10).default(3) }).optional(),
  /** ICMP echo through the system's ping (skipped with the reason where ping may not run). */
  icmp: z.object({ count: z.number().int().min(1).max(10).default(3) }).optional(),
  dns: z.object({ server: z.string().max(255), name: z.string().max(255), port: z.number().int().default(53) }).optional(),
});
export type ProbeRequest = z.input<typeof ProbeRequest>;

export type { ProbeRefusal, ProbeSuiteResult };

export async function runProbeSuite(key: Buffer, input: ProbeRequest, opts: { budget?: ByteBudget } = {}): Promise<ProbeSuiteResult> {
  const req = ProbeRequest.parse(input);
  const where = { key, host: req.host, port: req.port, source: req.source, budget: opts.budget };
  const out: ProbeSuiteResult = { label: req.label, target: req.host, source: req.source };
  // The sweep before the echo: the echo ends with the tally request, which tells the peer's
  // responder this sender is done (its count of senders served at once stays exact).
  if (req.sweep) out.sweep = await sizeSweep({ ...where, max: req.sweep.max, repeats: req.sweep.repeats });
  if (req.echo) out.echo = await udpEcho({ ...where, count: req.echo.count, size: req.echo.size, intervalMs: 10 });
  if (req.ramp) out.ramp = await rateRamp({ ...where, ...req.ramp });
  if (req.tcp) out.tcp = await tcpConnect({ host: req.host, port: req.tcp.port, attempts: req.tcp.attempts, source: req.source });
  if (req.icmp) out.icmp = await icmpEcho({ host: req.host, count: req.icmp.count, source: req.source });
  if (req.dns) {
    out.dns = [
      await dnsQuery({ server: req.dns.server, port: req.dns.port, name: req.dns.name, transport: 'udp' }),
      await dnsQuery({ server: req.dns.server, port: req.dns.port, name: req.dns.name, transport: 'tcp' }),
    ];
  }
  return out;
}
