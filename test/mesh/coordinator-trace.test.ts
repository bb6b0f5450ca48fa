// `mesh --trace` in the coordinator: real agents on loopback measure the rounds; their trace routes
// answer with a drop trace recorded in the lab (several agents of one process cannot each own a
// tracefs instance named by the pid). Every node with an agent is traced around every round, each
// cell names the traces of its two nodes in the round it ran in, the agents' host changes are
// heard as they are reported, and an agent whose trace fails or lies is recorded, not trusted.
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAgent, type RunningAgent } from '../../src/agent/server.js';
import { apiClient, runMeshCommand } from '../../src/app/mesh.js';
import { DropTrace } from '../../src/evidence/drop-trace.js';
import { MeshMatrix } from '../../src/evidence/mesh-matrix.js';
import type { AgentRef, CoordinatorOptions, MeshAgentClient } from '../../src/mesh/coordinator.js';
import type { Inventory } from '../../src/mesh/inventory.js';
import { AgentAnswerError } from '../../src/api/client.js';
import type { ChangeEvent } from '../../src/sources/tracefs/changes.js';
import { loadMesh } from '../helpers/mesh-fixtures.js';

const key = Buffer.from('mesh-trace-key-0123456789abcdef');
const token = 'mesh-trace-token-0123456789abcdef';
const N = 4;
const host = (i: number) => `127.0.22.${i + 1}`;
const agents: RunningAgent[] = [];
const recorded = DropTrace.parse(loadMesh('forward-drop-n4-trace-rules').traces.find((t) => t.trace)!.trace);

beforeAll(async () => {
  for (let i = 0; i < N; i++) agents.push(await startAgent({ key, token, addresses: [host(i)], probePort: 0, apiPort: 0, log: () => undefined }));
});
afterAll(async () => {
  for (const a of agents) await a.stop();
});

const inventory = (): Inventory => ({
  nodes: agents.map((a, i) => ({ name: `n${i + 1}`, labels: {}, host: { address: host(i), port: a.probePort, apiPort: a.apiPort } })),
});
const options: CoordinatorOptions = {
  k: 2, seed: 1, run: 0, jitterMs: 0, planes: ['host->host'], probes: { echo: { count: 2, size: 64 } }, trace: { rulePorts: [7946, 8472] },
};

/** The real agents for the rounds; their trace routes as n3 and n4 answer them (n1, n2: the recording). */
function tracingClient(calls: string[]): MeshAgentClient {
  const real = apiClient(token);
  const node = (a: AgentRef) => `n${a.node + 1}`;
  return {
    round: (a, body) => real.round(a, body),
    async traceStart(a, body) {
      calls.push(`start ${node(a)} ${body.maxMs} ${body.rulePorts?.join(',')}`);
      if (node(a) === 'n3') throw new AgentAnswerError('the agent at n3 answered 422 to POST /v1/trace/start: E_TRACEFS no tracefs', 422, 'E_TRACEFS');
      return { id: `trace-${node(a)}`, bootId: 'boot-1', changes: [{ type: 'did', did: `mkdir instances/podpath-${node(a)}`, undo: `rmdir instances/podpath-${node(a)}` }] };
    },
    async traceMain(a, id) {
      calls.push(`main ${node(a)} ${id}`);
      return { id };
    },
    async traceStop(a, id) {
      calls.push(`stop ${node(a)} ${id}`);
      if (node(a) === 'n4') return { trace: { schemaVersion: 1, windows: 'not a trace' } };
      const changes = [{ ...recorded.changes[0]!, undo: `rmdir instances/podpath-${node(a)}`, state: 'undone' as const }];
      return { trace: { ...recorded, changes }, bootId: 'boot-1' };
    },
  };
}

describe('mesh --trace in the coordinator', () => {
  it('traces every node around every round, links each cell to its two traces, reports changes and keeps failures as they are', async () => {
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on('data', (c: Buffer) => chunks.push(c));
    const calls: string[] = [];
    const changes: string[] = [];
    const outcome = await runMeshCommand({
      inventory: inventory(), token, coordinator: options, matrix: out,
      onChange: (n: string, e: ChangeEvent) => changes.push(`${n} ${e.type} ${'undo' in e ? e.undo : ''}`),
    }, tracingClient(calls));
    out.end();
    const m = MeshMatrix.parse(JSON.parse(Buffer.concat(chunks).toString('utf8')));
    // a trace's failure is not an agent's: the probes ran, every cell was measured
    expect(outcome.errors).toEqual([]);
    expect(m.cells).toHaveLength(N * (N - 1));
    expect(m.cells.every((c) => c.udp?.received === 2)).toBe(true);
    expect(m.options.trace).toEqual({ rulePorts: [7946, 8472] });
    // N-1 = 3 peers at k = 2: two rounds (1 and 2), each traced on every node
    const rounds = [...new Set(m.cells.map((c) => c.round))].sort();
    expect(rounds).toEqual([1, 2]);
    expect(m.traces.map((t) => t.id).sort()).toEqual(['n1@1', 'n1@2', 'n2@1', 'n2@2', 'n3@1', 'n3@2', 'n4@1', 'n4@2']);
    for (const c of m.cells) expect(c.traces, `${c.from}->${c.to}`).toEqual({ from: `${c.from}@${c.round}`, to: `${c.to}@${c.round}` });
    const byId = new Map(m.traces.map((t) => [t.id, t]));
    expect(byId.get('n1@1')).toMatchObject({ node: 'n1', round: 1, bootId: 'boot-1' });
    expect(byId.get('n1@1')!.trace!.windows).toEqual(recorded.windows);
    expect(byId.get('n3@2')).toMatchObject({ error: { code: 'E_TRACEFS' } });
    expect(byId.get('n3@2')!.trace).toBeUndefined();
    expect(byId.get('n4@1')).toMatchObject({ error: { code: 'E_TRACE', message: expect.stringMatching(/not a DropTrace/) } });
    // each started trace had its window opened and was stopped; the failed one was never asked again
    for (const n of ['n1', 'n2', 'n4']) {
      expect(calls.filter((c) => c.startsWith(`start ${n} `))).toEqual([`start ${n} 300000 7946,8472`, `start ${n} 300000 7946,8472`]);
      expect(calls.filter((c) => c === `main ${n} trace-${n}`)).toHaveLength(2);
      expect(calls.filter((c) => c === `stop ${n} trace-${n}`)).toHaveLength(2);
    }
    expect(calls.filter((c) => / n3 /.test(` ${c} `) && !c.startsWith('start'))).toEqual([]);
    // the changes, as the agents reported them: made at start, undone at stop (the lying one's undo unknown)
    expect(changes.filter((c) => c.startsWith('n1 '))).toEqual(['n1 did rmdir instances/podpath-n1', 'n1 undone rmdir instances/podpath-n1', 'n1 did rmdir instances/podpath-n1', 'n1 undone rmdir instances/podpath-n1']);
    expect(changes.filter((c) => c.startsWith('n4 '))).toEqual(['n4 did rmdir instances/podpath-n4', 'n4 did rmdir instances/podpath-n4']);
  });

  it('without --trace asks no agent to trace and leaves the matrix as it was', async () => {
    const calls: string[] = [];
    const { trace: _, ...untraced } = options;
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on('data', (c: Buffer) => chunks.push(c));
    await runMeshCommand({ inventory: inventory(), token, coordinator: untraced, matrix: out }, tracingClient(calls));
    out.end();
    const m = MeshMatrix.parse(JSON.parse(Buffer.concat(chunks).toString('utf8')));
    expect(calls).toEqual([]);
    expect(m.traces).toEqual([]);
    expect(m.options.trace).toBeUndefined();
    expect(m.cells.some((c) => c.traces)).toBe(false);
  });
});
