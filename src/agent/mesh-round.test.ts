import { describe, expect, it } from 'vitest';
import { cellRequests } from './mesh-round.js';
import { MeshRoundRequest, type MeshRoundRequestInput } from '../api/mesh-round.js';
import { AgentProbeRequest } from '../api/probe-request.js';

// The requests a round's targets stand for are built from the parsed round, no longer parsed one
// by one: each must be what AgentProbeRequest reads from the same fields (what the agent did).
describe('cellRequests', () => {
  const targets: MeshRoundRequestInput['targets'] = [
    { host: '10.0.1.5', port: 7946, source: '10.0.0.4', delayMs: 12 },
    { host: 'fd00::7', port: 9000 },
    { host: '10.0.2.9' },
  ];
  const rounds: MeshRoundRequestInput[] = [
    { round: 1, concurrency: 3, probes: { echo: { count: 5, size: 64 } }, targets },
    { round: 2, concurrency: 1, probes: { echo: {}, sweep: {}, tcp: {}, icmp: {} }, targets },
    { round: 3, concurrency: 2, probes: { sweep: { max: 1500, repeats: 2 }, tcp: { attempts: 1 }, icmp: { count: 10 } }, targets },
    { round: 4, concurrency: 1, probes: { ramp: { maxRateBps: 50_000_000 } }, targets },
    { round: 5, concurrency: 1, probes: { ramp: { maxRateBps: 100_000, maxDurationMs: 1000, recoveryWatchMs: 0, stepMs: 100 } }, targets },
    { round: 6, concurrency: 1, probes: {}, targets },
  ];
  for (const input of rounds) {
    it(`round ${input.round}: the same requests as parsing each target`, () => {
      const r = MeshRoundRequest.parse(input);
      const parsed = r.targets.map((t) => AgentProbeRequest.parse({
        host: t.host, port: t.port, source: t.source, label: 'mesh',
        echo: r.probes.echo, sweep: r.probes.sweep, icmp: r.probes.icmp, ramp: r.probes.ramp,
        tcp: r.probes.tcp ? { port: t.port, attempts: r.probes.tcp.attempts } : undefined,
      }));
      const built = cellRequests(r);
      // Exactly, keys included (no key set to undefined where the parse leaves it out, or back).
      expect(JSON.parse(JSON.stringify(built))).toStrictEqual(JSON.parse(JSON.stringify(parsed)));
      expect(built.map((b) => AgentProbeRequest.safeParse(b).success)).toEqual(built.map(() => true));
    });
  }
});
