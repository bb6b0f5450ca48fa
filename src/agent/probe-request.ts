// What POST /v1/probe accepts: the probe suite's request, with every address an IP literal. The
// agent never resolves a name for a caller: a lookup is traffic to a server the caller chose,
// and a name that does not resolve once crashed the agent.
import { isIP } from 'node:net';
import { z } from 'zod';
import { ProbeRequest } from '../probe/suite.js';

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
