// The probes one agent runs toward a peer, as one request: what `podpath probe` asks of both ends.
import { HARD_MAX_DURATION_MS, HARD_MAX_RATE_BPS, ProbeRequest } from '../api/probe-request.js';
import { udpEcho } from './udp-echo.js';
import { sizeSweep } from './size-sweep.js';
import { rateRamp } from './rate-ramp.js';
import { tcpConnect } from './tcp-connect.js';
import { dnsQuery } from './dns.js';
import { icmpEcho } from './icmp-echo.js';
import type { ProbeRefusal, ProbeSuiteResult } from '../evidence/probe-run.js';
import type { ByteBudget, ProbeClient } from './client.js';
import type { z } from 'zod';

export { HARD_MAX_DURATION_MS, HARD_MAX_RATE_BPS, ProbeRequest };

export type { ProbeRefusal, ProbeSuiteResult };

export async function runProbeSuite(
  key: Buffer, input: ProbeRequest, opts: { budget?: ByteBudget; client?: ProbeClient; parsed?: boolean } = {},
): Promise<ProbeSuiteResult> {
  // `parsed`: the input is already the schema's output (the agent parsed the request once).
  const req = opts.parsed ? input as z.output<typeof ProbeRequest> : ProbeRequest.parse(input);
  // `client`: an open socket to this peer (the agent's proof): the sweep and echo use it.
  const where = { key, host: req.host, port: req.port, source: req.source, budget: opts.budget, client: opts.client };
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
