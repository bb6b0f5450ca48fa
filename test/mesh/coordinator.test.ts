// The coordinator against real agents (responders, TCP responders and APIs on loopback addresses
// standing for host and pod planes): every ordered pair once per plane combination, the matrix
// streamed as valid evidence, each agent serving at most k senders at once by its own count, and
// agents that fail or lie recorded, not trusted.
import { PassThrough } from 'node:stream';
import http from 'node:http';
import type net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAgent, type RunningAgent } from '../../src/agent/server.js';
import { runMeshCommand } from '../../src/app/mesh.js';
import { MeshMatrix, planeView, PLANE_PAIRS } from '../../src/evidence/mesh-matrix.js';
import { probeEvidenceOf } from '../../src/evidence/mesh-probe.js';
import { placeLoss } from '../../src/rules/shared/loss-place.js';
import type { CoordinatorOptions } from '../../src/mesh/coordinator.js';
import type { Inventory } from '../../src/mesh/inventory.js';
import { maxOf } from '../../src/util/arrays.js';

const key = Buffer.from('mesh-coordinator-key-0123456789');
const token = 'mesh-coordinator-token-0123456789';
const N = 5;
const host = (i: number) => `127.0.20.${i + 1}`;
const pod = (i: number) => `127.0.21.${i + 1}`;
const agents = new Map<string, RunningAgent>();

beforeAll(async () => {
  for (let i = 0; i < N; i++) {
    for (const a of [host(i), pod(i)]) agents.set(a, await startAgent({ key, token, addresses: [a], probePort: 0, apiPort: 0, log: () => undefined }));
  }
});
afterAll(async () => {
  for (const a of agents.values()) await a.stop();
});

const endpoint = (a: string) => ({ address: a, port: agents.get(a)!.probePort, apiPort: agents.get(a)!.apiPort });
const inventory = (): Inventory => ({
  nodes: Array.from({ length: N }, (_, i) => ({ name: `n${i + 1}`, labels: { zone: i < 3 ? 'a' : 'b' }, host: endpoint(host(i)), pod: endpoint(pod(i)) })),
});
const options = (o: Partial<CoordinatorOptions> = {}): CoordinatorOptions => ({
  k: 2, seed: 1, run: 0, jitterMs: 20, planes: [...PLANE_PAIRS],
  probes: { echo: { count: 3, size: 64 }, tcp: { attempts: 1 }, icmp: { count: 1 }, sweep: { max: 1500, repeats: 1 } }, ...o,
});

async function collect(stream: PassThrough): Promise<string> {
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  await new Promise((r) => stream.on('end', r));
  return Buffer.concat(chunks).toString('utf8');
}

describe('podpath mesh coordinator', () => {
  it('measures every ordered pair on all four plane combinations and streams a matrix that is valid evidence', async () => {
    const out = new PassThrough();
    const text = collect(out);
    const streamed: string[] = [];
    const totals: number[] = [];
    const outcome = await runMeshCommand({
      inventory: inventory(), token, coordinator: options(), matrix: out, onCell: (c) => streamed.push(`${c.plane} ${c.from}>${c.to}`), onProgress: (p) => totals.push(p.totalCells),
    }, undefined);
    out.end();
    const m = MeshMatrix.parse(JSON.parse(await text));
    expect(outcome.errors).toEqual([]);
    expect(m.cells).toHaveLength(4 * N * (N - 1));
    expect(streamed).toHaveLength(m.cells.length);
    expect(new Set(totals)).toEqual(new Set([m.cells.length]));
    // 2 rounds of k=2 per plane combination (N-1 = 4 peers), a hello and a closing round
    expect(outcome.rounds).toBe(1 + 4 * 2 + 1);
    for (const plane of PLANE_PAIRS) {
      const v = planeView(m, plane);
      expect(v.cells).toHaveLength(N * (N - 1));
      for (let a = 1; a <= N; a++) {
        for (let b = 1; b <= N; b++) {
          if (a === b) continue;
          const c = v.get(`n${a}`, `n${b}`)!;
          expect(c, `${plane} n${a}->n${b}`).toBeDefined();
          expect(c.fromAddress).toBe(plane.startsWith('host') ? host(a - 1) : pod(a - 1));
          expect(c.toAddress).toBe(plane.endsWith('host') ? host(b - 1) : pod(b - 1));
          expect(c.verified).toBe(true);
          expect(c.udp).toMatchObject({ sent: 3, received: 3, arrivedAtPeer: 3 });
          expect(c.tcp).toMatchObject({ attempts: 1, connected: 1 });
          expect(c.sweep?.largestPassing).toBe(1500);
          expect(c.devices?.to).toMatchObject({ nic: 'lo' });
          expect(placeLoss(probeEvidenceOf(c)!)?.place).toBe('delivered');
          // the round's counter window: both ends read at this round's start and the next
          expect(c.counters.windowMs).toBeGreaterThan(0);
          expect(c.counters.to?.udp.InDatagrams).toBeGreaterThan(0);
          if (plane.startsWith('pod')) expect(c.counters.fromNode).toBeDefined();
        }
      }
    }
    // node metadata: labels as given, the subnet and NIC measured by the host agents
    expect(m.nodes[0]).toMatchObject({ name: 'n1', labels: { zone: 'a' }, subnet: '127.0.0.0/8', subnetFrom: 'measured', devices: { nic: 'lo' }, addresses: { host: host(0), pod: pod(0) } });
    expect(m.agents).toHaveLength(2 * N);
    expect(m.summary).toMatchObject({ cells: 4 * N * (N - 1) });
  });

  it('never has an agent serve more than k senders at once, by the responders\' own counts', async () => {
    const fresh: RunningAgent[] = [];
    const addr = (i: number) => `127.0.22.${i + 1}`;
    for (let i = 0; i < 9; i++) fresh.push(await startAgent({ key, token, addresses: [addr(i)], probePort: 0, apiPort: 0, log: () => undefined }));
    try {
      const inv: Inventory = { nodes: fresh.map((a, i) => ({ name: `m${i}`, labels: {}, host: { address: addr(i), port: a.probePort, apiPort: a.apiPort } })) };
      const outcome = await runMeshCommand({ inventory: inv, token, coordinator: options({ k: 3, planes: ['host->host'], probes: { echo: { count: 20, size: 64 } } }) });
      expect(outcome.cells).toBe(9 * 8);
      const peaks = fresh.map((a) => a.udp.senders.peak);
      expect(maxOf(peaks)).toBeLessThanOrEqual(3);
      // and the bound was reached: the schedule does use k at once
      expect(maxOf(peaks)).toBeGreaterThanOrEqual(2);
      expect(outcome.peakRunning).toBe(3);
    } finally {
      for (const a of fresh) await a.stop();
    }
  });

  it('samples m peers per node, every node sending and probed, and rotates with the run counter', async () => {
    const one = await runMeshCommand({ inventory: inventory(), token, coordinator: options({ sample: 1, run: 0, planes: ['host->host'], probes: { echo: { count: 1 } } }) });
    expect(one.cells).toBe(N);
    const seen: string[][] = [];
    for (const run of [0, 1]) {
      const pairs: string[] = [];
      await runMeshCommand({ inventory: inventory(), token, coordinator: options({ sample: 1, run, planes: ['host->host'], probes: { echo: { count: 1 } } }), onCell: (c) => pairs.push(`${c.from}>${c.to}`) });
      expect(new Set(pairs.map((p) => p.split('>')[0])).size).toBe(N);
      expect(new Set(pairs.map((p) => p.split('>')[1])).size).toBe(N);
      seen.push(pairs.sort());
    }
    expect(seen[0]).not.toEqual(seen[1]);
  });

  it('with consent (--max-rate) ramps host->host last, one peer at a time, as cells of their own that join the probes\' cells', async () => {
    const inv = inventory();
    inv.nodes = inv.nodes.slice(0, 3);
    const out = new PassThrough();
    const text = collect(out);
    const outcome = await runMeshCommand({
      inventory: inv, token, matrix: out,
      coordinator: options({ planes: ['host->host'], probes: { echo: { count: 2 } }, ramp: { maxRateBps: 1_000_000, maxDurationMs: 1500, recoveryWatchMs: 0, stepMs: 200 } }),
    });
    out.end();
    const m = MeshMatrix.parse(JSON.parse(await text));
    expect(outcome.errors).toEqual([]);
    const ramps = m.cells.filter((c) => c.stage === 'ramp');
    expect(ramps).toHaveLength(6);
    // after every probe cell: the ramp comes last
    expect(m.cells.findIndex((c) => c.stage === 'ramp')).toBe(6);
    for (const c of ramps) {
      expect(c.ramp?.lossOnsetBps, `${c.from}->${c.to}`).toBeUndefined();
      expect(c.ramp?.steps.length).toBeGreaterThan(0);
      expect(c.udp).toBeUndefined();
    }
    // k = 1 for the ramp: 2 peers each, 2 rounds
    expect(outcome.rounds).toBe(1 + 1 + 2 + 1);
    const v = planeView(m, 'host->host');
    expect(v.cells).toHaveLength(6);
    expect(v.get('n1', 'n2')).toMatchObject({ udp: { received: 2 }, ramp: { maxRateBps: 1_000_000 } });
  });

  it('records an agent that does not answer, and one that answers nonsense, and measures the rest', async () => {
    // a fake "agent" whose API answers 200 with a malformed round
    const liar = http.createServer((_req, res) => { res.writeHead(200, { 'content-type': 'application/json' }); res.end(JSON.stringify({ round: 'x', cells: [{ host: '\u001b[31mred' }] })); });
    await new Promise<void>((r) => liar.listen(0, '127.0.23.1', r));
    try {
      const inv = inventory();
      inv.nodes = inv.nodes.slice(0, 3).map((n, i) => ({ ...n, pod: i === 0 ? n.pod : undefined }));
      inv.nodes.push({ name: 'dead', labels: {}, host: { address: '127.0.23.2', port: 9, apiPort: 9 } });
      inv.nodes.push({ name: 'liar', labels: {}, host: { address: '127.0.23.1', port: 9, apiPort: (liar.address() as net.AddressInfo).port } });
      const out = new PassThrough();
      const text = collect(out);
      const totals: number[] = [];
      const outcome = await runMeshCommand({ inventory: inv, token, matrix: out, onProgress: (p) => totals.push(p.totalCells), coordinator: options({ k: 4, planes: ['host->host', 'host->pod'], probes: { echo: { count: 2 } } }) });
      out.end();
      const m = MeshMatrix.parse(JSON.parse(await text));
      expect(outcome.errors.map((e) => `${e.where.split(' ')[0]} ${e.code}`)).toEqual(expect.arrayContaining(['dead/host E_AGENT_UNREACHABLE', 'liar/host E_MESH_ANSWER']));
      const v = planeView(m, 'host->host');
      // from the dead one: an error per cell; to it: measured (it did not prove to be an agent)
      expect(v.get('dead', 'n1')?.error?.code).toBe('E_AGENT_UNREACHABLE');
      expect(v.get('n1', 'dead')).toMatchObject({ verified: false, udp: { received: 0 } });
      expect(v.get('liar', 'n2')?.error).toMatchObject({ code: 'E_MESH_ANSWER', message: expect.stringMatching(/the agent failed the first round: the agent at http:\/\/127\.0\.23\.1:\d+ \(POST \/v1\/mesh\/round\): not a round answer: round: Expected number/) });
      expect(v.get('n1', 'n2')).toMatchObject({ verified: true, udp: { sent: 2, received: 2 } });
      // host->host: 5 x 4; host->pod: only n1 has a pod agent, probed by the 4 others
      expect(m.cells).toHaveLength(5 * 4 + 4);
      expect(new Set(totals)).toEqual(new Set([24]));
    } finally {
      liar.close();
    }
  });
});
