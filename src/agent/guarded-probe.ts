// Runs a probe request for the API under the agent's policy: the target must first prove to be a
// podpath agent (or be allow-listed), and every datagram is paid from the request's budget.
import { ProbeClient, type ByteBudget } from '../probe/client.js';
import { runProbeSuite, type ProbeSuiteResult } from '../probe/suite.js';
import { round, type EchoResult } from '../probe/udp-echo.js';
import { FLAG_SHORT_REPLY, MIN_PROBE_LEN } from '../probe/wire.js';
import { gate, VERIFY_ATTEMPTS, VERIFY_TIMEOUT_MS, type AllowList } from './probe-policy.js';
import type { AgentProbeRequest } from '../api/probe-request.js';
import type { ProofLimiter } from './budget.js';

/**
 * Up to VERIFY_ATTEMPTS minimum-size echoes, one at a time, until one signed reply comes back. The
 * client accepts only replies with a valid HMAC of the shared key and this session: the proof. Its
 * numbers are an echo result, so a path that loses everything is still measured (and the
 * requesting agent can tell from its own tally whether the datagrams arrived).
 */
export async function verifyAgent(key: Buffer, r: AgentProbeRequest, budget: ByteBudget, open?: ProbeClient): Promise<EchoResult> {
  const client = open ?? await ProbeClient.open(key, r.host, r.port, r.source, budget);
  try {
    const firstSeq = client.nextSeq() + 1;
    const rtts: number[] = [];
    let sent = 0;
    while (sent < VERIFY_ATTEMPTS && rtts.length === 0) {
      sent++;
      const reply = await client.echo(MIN_PROBE_LEN, VERIFY_TIMEOUT_MS, FLAG_SHORT_REPLY);
      if (reply) rtts.push(reply.rttMs);
    }
    const rtt = rtts[0];
    return {
      kind: 'udp-echo', target: `${r.host}:${r.port}`, size: MIN_PROBE_LEN, sent, received: rtts.length,
      lossPct: round(((sent - rtts.length) / sent) * 100),
      rttMs: rtt === undefined ? undefined : { min: round(rtt), avg: round(rtt), max: round(rtt), p50: round(rtt) },
      lostSeqs: Array.from({ length: sent - rtts.length }, (_, i) => firstSeq + i),
      sendErrors: Object.fromEntries(client.sendErrors),
      session: client.session.toString(16),
    };
  } finally {
    if (!open) client.close();
  }
}

export async function runGuardedProbe(key: Buffer, r: AgentProbeRequest, allow: AllowList, budget: ByteBudget, proofs?: ProofLimiter): Promise<ProbeSuiteResult> {
  const base = { label: r.label, target: r.host, source: r.source };
  let verified = false;
  if (!allow.allows(r.host)) {
    if (proofs && !proofs.begin()) {
      return {
        ...base, verified: false,
        refused: [{ probe: 'all', code: 'E_PROBE_NOT_ALLOWED', message: `${proofs.limit} targets failed to prove to be agents in the last minute: nothing was sent to ${r.host}:${r.port}` }],
      };
    }
    let proof: EchoResult;
    // The proof's socket carries the echo and the sweep after it (each under a new session): one
    // socket a peer, not two.
    let client: ProbeClient | undefined;
    try {
      client = await ProbeClient.open(key, r.host, r.port, r.source, budget);
      proof = await verifyAgent(key, r, budget, client);
    } catch (e) {
      client?.close();
      proofs?.end(false);
      throw e;
    }
    proofs?.end(proof.received > 0);
    if (proof.received === 0) {
      client.close();
      return {
        ...base, verified: false, echo: proof,
        refused: [{ probe: 'all', code: 'E_PROBE_NOT_ALLOWED', message: `${r.host}:${r.port} did not answer as a podpath agent (no signed reply to ${proof.sent} echoes), and is not in --allow-probe: nothing else was sent` }],
      };
    }
    verified = true;
    try {
      return await suite(key, r, allow, verified, budget, client);
    } finally {
      client.close();
    }
  }
  return suite(key, r, allow, verified, budget);
}

async function suite(key: Buffer, r: AgentProbeRequest, allow: AllowList, verified: boolean, budget: ByteBudget, client?: ProbeClient): Promise<ProbeSuiteResult> {
  const { request, refused } = gate(r, allow, verified);
  const result = await runProbeSuite(key, request, { budget, client, parsed: true });
  return { ...result, ...(verified ? { verified } : {}), ...(refused.length ? { refused } : {}) };
}
