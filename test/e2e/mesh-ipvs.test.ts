// `podpath mesh` on a node whose kube-proxy runs in IPVS mode: kube-proxy puts every Service's
// ClusterIP on kube-ipvs0, one /32 each (hundreds on a real cluster). Agents and the coordinator
// run in a namespace whose kube-ipvs0 holds 300 of them. Before the fix every round answer of
// such a node was refused (E_MESH_ANSWER: more than 64 addresses on one interface) and the node
// had no cell. kube-proxy makes kube-ipvs0 a dummy device; this test kernel may lack the dummy
// module, so one end of a veth pair stands in for it. It is up: Node (libuv) lists no address of
// an interface that is down, and kube-proxy releases differ in whether they leave it up.
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { missingRequirement } from '../helpers/env.js';
import { AGENT_ENV, CLI, spawnAgent, type SpawnedAgent } from '../helpers/agent.js';
import { MeshMatrix } from '../../src/evidence/mesh-matrix.js';

const skip = missingRequirement({ root: true, tools: ['ip'] });
const pexec = promisify(execFile);
const NS = 'ppipvs';
const SERVICES = 300;
const ADDRS = ['127.0.0.2', '127.0.0.3'];
const agents: SpawnedAgent[] = [];

/** `ip -n NS -batch -`: one ip command a line, in one process. */
function ipBatch(lines: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const p = spawn('ip', ['-n', NS, '-batch', '-'], { stdio: ['pipe', 'ignore', 'pipe'] });
    let err = '';
    p.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    p.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`ip -batch: ${err}`))));
    p.stdin.end(lines.join('\n') + '\n');
  });
}

beforeAll(async () => {
  if (skip) return;
  await pexec('ip', ['netns', 'del', NS]).catch(() => undefined);
  await pexec('ip', ['netns', 'add', NS]);
  await ipBatch([
    'link set lo up',
    'link add kube-ipvs0 type veth peer name ppipvs-peer',
    'link set ppipvs-peer up',
    'link set kube-ipvs0 up',
    ...Array.from({ length: SERVICES }, (_, i) => `addr add 10.96.${(i + 1) >> 8}.${(i + 1) & 255}/32 dev kube-ipvs0`),
  ]);
  for (const a of ADDRS) agents.push(await spawnAgent(['--listen', a], AGENT_ENV, ['ip', 'netns', 'exec', NS]));
});
afterAll(async () => {
  await Promise.all(agents.map((a) => a.stop()));
  if (!skip) await pexec('ip', ['netns', 'del', NS]).catch(() => undefined);
});

describe.skipIf(skip)('podpath mesh on a kube-proxy IPVS node', () => {
  it('measures every pair and places the nodes, with hundreds of addresses on kube-ipvs0', async () => {
    const { stdout: shown } = await pexec('ip', ['-n', NS, '-o', '-4', 'addr', 'show', 'dev', 'kube-ipvs0']);
    expect(shown.trim().split('\n')).toHaveLength(SERVICES);
    const dir = mkdtempSync(join(tmpdir(), 'pp-mesh-ipvs-'));
    const file = join(dir, 'agents.json');
    writeFileSync(file, JSON.stringify({ nodes: agents.map((a, i) => ({ name: `n${i + 1}`, host: { address: ADDRS[i], port: a.probePort, apiPort: a.apiPort } })) }));
    const r = await pexec('ip', ['netns', 'exec', NS, process.execPath, ...CLI, 'mesh', '--agents', file, '--count', '2', '--no-sweep', '--no-tcp', '--no-icmp', '--json'], { env: AGENT_ENV, maxBuffer: 64 << 20, timeout: 120_000 })
      .then((x) => ({ code: 0, ...x }), (e: { code: number; stdout: string; stderr: string }) => e);
    expect(r.code, r.stderr).toBe(0);
    const m = MeshMatrix.parse(JSON.parse(r.stdout));
    expect(m.errors).toEqual([]);
    expect(m.cells).toHaveLength(2);
    expect(m.cells.every((c) => c.udp?.received === 2)).toBe(true);
    expect(m.nodes.map((n) => [n.devices.nic, n.subnet])).toEqual([['lo', '127.0.0.0/8'], ['lo', '127.0.0.0/8']]);
  });
});
