// What a probe suite runs (ProbeRequest, `podpath probe` here) and what POST /v1/probe accepts: the
// same request with every address an IP literal. The agent never resolves a name for a caller: a
// lookup is traffic to a server the caller chose, and a name that does not resolve once crashed the
// agent.
import { isIP } from 'node:net';
import { z } from 'zod';

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

const ipLiteral = (what: string) => (s: string) => isIP(s) !== 0 || `${what} must be an IP address (the agent resolves no names): ${JSON.stringify(s.slice(0, 64))}`;

export const AgentProbeRequest = ProbeRequest.superRefine((r, ctx) => {
  const checks: [string, string | undefined][] = [['host', r.host], ['source', r.source], ['dns.server', r.dns?.server]];
  for (const [what, value] of checks) {
    if (value === undefined) continue;
    const ok = ipLiteral(what)(value);
    if (ok !== true) ctx.addIssue({ code: z.ZodIssueCode.custom, path: what.split('.'), message: ok });
  }
});
export type AgentProbeRequest = z.output<typeof AgentProbeRequest>;
