// POST /v1/mesh/round on real agents (responders, TCP responders and APIs on loopback addresses):
// up to k probes at once, only to proven agents, counters read at the start, the same 409 and
// budget rules as /v1/probe, and every refusal a one-line code.
import dgram from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAgent, type RunningAgent } from '../../src/agent/server.js';
import { MESH_ROUND_PATH, MeshRoundAnswer, type MeshRoundRequestInput } from '../../src/api/mesh-round.js';
import { haveTool } from '../helpers/env.js';

const key = Buffer.from('mesh-round-test-key-0123456789');
const token = 'mesh-round-test-token-0123456789';
const ADDRS = ['127.0.10.1', '127.0.10.2', '127.0.10.3', '127.0.10.4', '127.0.10.5', '127.0.10.6', '127.0.10.7'];
const agents: RunningAgent[] = [];
const quiet = () => undefined;

beforeAll(async () => {
  for (const a of ADDRS) agents.push(await startAgent({ key, token, addresses: [a], probePort: 0, apiPort: 0, log: quiet }));
});
afterAll(async () => {
  for (const a of agents) await a.stop();
});

async function post(i: number, body: unknown, path = MESH_ROUND_PATH): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`http://${ADDRS[i]}:${agents[i]!.apiPort}${path}`, {
    method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(60_000),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

const target = (i: number, extra: Record<string, unknown> = {}) => ({ host: ADDRS[i]!, port: agents[i]!.probePort, ...extra });

describe('POST /v1/mesh/round', () => {
  it('probes every peer of the plan (UDP echo, TCP to the agent port, ICMP, size sweep) and answers what the coordinator reads', async () => {
    const round: MeshRoundRequestInput = {
      round: 3, concurrency: 3,
      probes: { echo: { count: 5, size: 64 }, tcp: { attempts: 2 }, icmp: { count: 2 }, sweep: { max: 2000, repeats: 1 } },
      targets: [target(1), target(2), target(3)],
    };
    const { status, json } = await post(0, round);
    expect(status).toBe(200);
    const a = MeshRoundAnswer.parse(json);
    expect(a.round).toBe(3);
    expect(a.counters.udp).toHaveProperty('InDatagrams');
    expect(a.cells.map((c) => c.host)).toEqual([ADDRS[1], ADDRS[2], ADDRS[3]]);
    for (const c of a.cells) {
      expect(c.error).toBeUndefined();
      expect(c.result?.verified).toBe(true);
      expect(c.result?.echo).toMatchObject({ sent: 5, received: 5, arrivedAtPeer: 5 });
      expect(c.result?.tcp).toMatchObject({ attempts: 2, connected: 2 });
      expect(c.result?.sweep).toMatchObject({ largestPassing: 2000 });
      if (haveTool('ping') && !c.result?.icmp?.skipped) expect(c.result?.icmp).toMatchObject({ sent: 2, received: 2 });
    }
    expect(a.peakRunning).toBe(3);
  });

  it('runs at most `concurrency` probes at once (the one-probe lock is a bounded semaphore inside a round)', async () => {
    const { json } = await post(0, {
      round: 0, concurrency: 2, probes: { echo: { count: 3 } },
      targets: [1, 2, 3, 4, 5, 6].map((i) => target(i, { delayMs: 100 })),
    });
    const a = MeshRoundAnswer.parse(json);
    expect(a.cells).toHaveLength(6);
    expect(a.peakRunning).toBe(2);
    expect(a.cells.every((c) => c.result?.echo?.received === 3)).toBe(true);
  });

  it('sends a non-agent only the 3 proof echoes: no TCP, no ICMP, no sweep', async () => {
    const victim = dgram.createSocket('udp4');
    let seen = 0;
    victim.on('message', (m, r) => { seen++; victim.send(m, r.port, r.address); }); // a verbatim reflector
    await new Promise<void>((r) => victim.bind(0, '127.0.10.99', r));
    try {
      const { json } = await post(0, {
        round: 1, concurrency: 2, probes: { echo: { count: 50 }, tcp: { attempts: 3 }, icmp: { count: 3 }, sweep: { max: 9000 } },
        targets: [{ host: '127.0.10.99', port: victim.address().port }, target(1)],
      });
      const a = MeshRoundAnswer.parse(json);
      expect(a.cells[0]!.result).toMatchObject({ verified: false, refused: [expect.objectContaining({ probe: 'all', code: 'E_PROBE_NOT_ALLOWED' })] });
      expect(a.cells[0]!.result?.tcp).toBeUndefined();
      expect(a.cells[0]!.result?.icmp).toBeUndefined();
      expect(a.cells[1]!.result?.verified).toBe(true);
      await new Promise((r) => setTimeout(r, 100));
      expect(seen).toBe(3);
    } finally {
      victim.close();
    }
  });

  it('cannot sweep addresses: after 120 targets a minute failed to prove to be agents, an unproven target gets nothing', async () => {
    // 32 silent UDP sockets, named 4 times: 128 proofs would fail; 120 are tried, 3 datagrams each
    const victims = await Promise.all(Array.from({ length: 32 }, async (_, i) => {
      const s = dgram.createSocket('udp4');
      let seen = 0;
      s.on('message', () => { seen++; });
      await new Promise<void>((r) => s.bind(0, `127.0.11.${i + 1}`, r));
      return { s, seen: () => seen, target: { host: `127.0.11.${i + 1}`, port: s.address().port } };
    }));
    try {
      const refused: string[] = [];
      for (let round = 0; round < 4; round++) {
        const { status, json } = await post(3, { round, concurrency: 32, probes: { echo: { count: 1 } }, targets: victims.map((v) => v.target) });
        expect(status).toBe(200);
        for (const c of MeshRoundAnswer.parse(json).cells) {
          expect(c.result?.verified).toBe(false);
          if (c.result?.echo === undefined) refused.push(c.result?.refused?.[0]?.message ?? '');
        }
      }
      expect(refused).toHaveLength(8);
      expect(refused[0]).toMatch(/^120 targets failed to prove to be agents in the last minute: nothing was sent to 127\.0\.11\.\d+:\d+$/);
      await new Promise((r) => setTimeout(r, 100));
      expect(victims.reduce((a, v) => a + v.seen(), 0)).toBe(120 * 3);
    } finally {
      for (const v of victims) v.s.close();
    }
  });

  it('answers an empty plan with the counters only', async () => {
    const a = MeshRoundAnswer.parse((await post(4, { round: 9, concurrency: 1, probes: {}, targets: [] })).json);
    expect(a.cells).toEqual([]);
    expect(Object.keys(a.counters.interfaces).length).toBeGreaterThan(0);
  });

  it('refuses bad plans with 400 and a reason: names, too many peers, k out of range, unknown fields', async () => {
    const bad: [unknown, RegExp][] = [
      [{ round: 0, concurrency: 1, probes: {}, targets: [{ host: 'localhost', port: 7946 }] }, /targets\.0\.host: host must be an IP address/],
      [{ round: 0, concurrency: 1, probes: {}, targets: [{ host: '127.0.0.1', source: 'eth0' }] }, /source must be an IP address/],
      [{ round: 0, concurrency: 1, probes: {}, targets: Array.from({ length: 33 }, () => target(1)) }, /targets: Array must contain at most 32/],
      [{ round: 0, concurrency: 33, probes: {}, targets: [] }, /concurrency/],
      [{ round: 0, concurrency: 0, probes: {}, targets: [] }, /concurrency/],
      [{ round: 0, concurrency: 1, probes: { dns: { server: '1.1.1.1' } }, targets: [] }, /Unrecognized key/],
      [{ round: 0, concurrency: 1, probes: {}, targets: [], extra: 1 }, /Unrecognized key/],
      ['not json', /body|Expected object/],
    ];
    for (const [body, why] of bad) {
      const { status, json } = await post(5, body);
      expect(status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(json.error).toBe('E_BAD_REQUEST');
      expect(String(json.message)).toMatch(why);
    }
  });

  it('refuses a round whose planned bytes exceed one request\'s budget (429 E_PROBE_BUDGET) before sending anything', async () => {
    const before = agents[2]!.udp.counters.received;
    const { status, json } = await post(5, {
      round: 0, concurrency: 1, probes: { ramp: { maxRateBps: 1_000_000_000, maxDurationMs: 120_000 } }, targets: [target(2)],
    });
    expect(status).toBe(429);
    expect(json.error).toBe('E_PROBE_BUDGET');
    expect(agents[2]!.udp.counters.received).toBe(before);
  });

  it('holds one lock with /v1/probe: while a round runs, another round and a probe get 409 E_BUSY', async () => {
    const running = post(6, { round: 0, concurrency: 1, probes: { echo: { count: 2 } }, targets: [target(1, { delayMs: 1500 })] });
    await new Promise((r) => setTimeout(r, 300));
    const again = await post(6, { round: 1, concurrency: 1, probes: {}, targets: [] });
    expect(again.status).toBe(409);
    expect(again.json).toMatchObject({ error: 'E_BUSY', message: 'a mesh round is already running on this agent' });
    const probe = await post(6, { host: ADDRS[1], port: agents[1]!.probePort, echo: { count: 1 } }, '/v1/probe');
    expect(probe.status).toBe(409);
    expect(probe.json.message).toBe('a mesh round is running on this agent');
    expect((await running).status).toBe(200);
    expect((await post(6, { round: 2, concurrency: 1, probes: {}, targets: [] })).status).toBe(200);
  });
});
