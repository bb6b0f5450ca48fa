// `podpath mesh` as users run it: agents and the coordinator as separate processes on loopback.
// A pipe gets one line per cell, --out keeps the matrix, --json streams it, and usage errors are
// one line with a code.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MeshMatrix } from '../../src/evidence/mesh-matrix.js';
import { AGENT_ENV, CLI, spawnAgent, type SpawnedAgent } from '../helpers/agent.js';

const run = promisify(execFile);
const ADDRS = ['127.0.31.1', '127.0.31.2', '127.0.31.3'];
const agents: SpawnedAgent[] = [];

beforeAll(async () => {
  agents.push(...await Promise.all(ADDRS.map((a) => spawnAgent(['--listen', a]))));
});
afterAll(async () => {
  await Promise.all(agents.map((a) => a.stop()));
});

/** --nodes needs one port for all: the agents file says each agent's own (kernel-chosen) ports. */
function agentsFile(dir: string): string {
  const p = join(dir, 'agents.json');
  const nodes = agents.map((a, i) => ({ name: `n${i + 1}`, labels: { rack: i === 0 ? 'r1' : 'r2' }, host: { address: ADDRS[i], port: a.probePort, apiPort: a.apiPort } }));
  writeFileSync(p, JSON.stringify({ nodes }));
  return p;
}

async function mesh(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return run(process.execPath, [...CLI, 'mesh', ...args], { env: AGENT_ENV, maxBuffer: 64 << 20, timeout: 120_000 }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );
}

describe('podpath mesh (CLI)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pp-mesh-cli-'));

  it('prints one line per cell on a pipe, keeps the matrix with --out, exits 0 when every cell is complete', async () => {
    const out = join(dir, 'matrix.json');
    const r = await mesh(['--agents', agentsFile(dir), '--count', '3', '--sweep-max', '1600', '-k', '1', '-o', out]);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(6);
    for (const l of lines) expect(l).toMatch(/^ok host->host {2}n\d -> n\d {2}udp 3\/3 \(3 arrived\) rtt [\d.]+ ms {2}tcp 3\/3 {2}icmp (3\/3|skipped) {2}sweep 1600$/);
    expect(r.stderr).toMatch(/^mesh: 6 cells in 4 rounds, [\d.]+ s; 0 short of complete\nmatrix: /);
    const m = MeshMatrix.parse(JSON.parse(readFileSync(out, 'utf8')));
    expect(m.cells).toHaveLength(6);
    expect(m.nodes.map((n) => n.labels.rack)).toEqual(['r1', 'r2', 'r2']);
    expect(m.options).toMatchObject({ k: 1, echo: { count: 3, size: 64 }, sweepMax: 1600, tcp: true, icmp: true });
  });

  it('streams the matrix to stdout with --json', async () => {
    const r = await mesh(['--agents', agentsFile(dir), '--count', '1', '--no-sweep', '--no-tcp', '--no-icmp', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const m = MeshMatrix.parse(JSON.parse(r.stdout));
    expect(m.cells.every((c) => c.udp?.received === 1 && c.sweep === undefined && c.tcp === undefined && c.icmp === undefined)).toBe(true);
  });

  it('exits 1 when a cell is short: an agent whose probe port does not answer', async () => {
    const p = join(dir, 'wrong-port.json');
    const nodes = agents.map((a, i) => ({ name: `n${i + 1}`, host: { address: ADDRS[i], port: i === 2 ? 9 : a.probePort, apiPort: a.apiPort } }));
    writeFileSync(p, JSON.stringify({ nodes }));
    const r = await mesh(['--agents', p, '--count', '2', '--no-sweep', '--no-icmp', '--no-tcp']);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/^!! host->host {2}n1 -> n3 {2}udp 0\/3 {2}probes refused \(E_PROBE_NOT_ALLOWED\)$/m);
    expect(r.stderr).toMatch(/2 short of complete \(not an agent 2, udp loss 2\)/);
  });

  it('judges the matrix with the mesh rules: the node nothing reaches is named after the summary (text) and in the document (--json), exit 1', async () => {
    const p = join(dir, 'wrong-port-judged.json');
    const nodes = agents.map((a, i) => ({ name: `n${i + 1}`, host: { address: ADDRS[i], port: i === 2 ? 9 : a.probePort, apiPort: a.apiPort } }));
    writeFileSync(p, JSON.stringify({ nodes }));
    const text = await mesh(['--agents', p, '--count', '2', '--no-sweep', '--no-icmp', '--no-tcp', '--lang', 'en']);
    expect(text.code, text.stderr).toBe(1);
    const findings = text.stdout.slice(text.stdout.indexOf('mesh findings:'));
    expect(findings).toMatch(/^mesh findings:\nERROR \[mesh-node\] n3 is the broken node: the pairs it receives on fail on host->host \(2 cells\)/);
    expect(findings).toMatch(/host->host n1 -> n3 \(127\.0\.31\.3\): UDP 0\/3 back/);
    const json = await mesh(['--agents', p, '--count', '2', '--no-sweep', '--no-icmp', '--no-tcp', '--json']);
    expect(json.code, json.stderr).toBe(1);
    const doc = JSON.parse(json.stdout) as { findings: { ruleId: string; message: string }[] };
    expect(MeshMatrix.parse(doc).cells).toHaveLength(6);
    expect(doc.findings.map((f) => f.ruleId)).toEqual(['mesh-node']);
    expect(doc.findings[0]!.message).toMatch(/^n3 is the broken node/);
  });

  it('exits 2 when an agent fails, naming it, and says so in each of its cells', async () => {
    const p = join(dir, 'dead.json');
    const nodes = [
      ...agents.slice(0, 2).map((a, i) => ({ name: `n${i + 1}`, host: { address: ADDRS[i], port: a.probePort, apiPort: a.apiPort } })),
      { name: 'gone', host: { address: '127.0.31.99', port: 9, apiPort: 9 } },
    ];
    writeFileSync(p, JSON.stringify({ nodes }));
    const r = await mesh(['--agents', p, '--count', '2', '--no-sweep', '--no-icmp']);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/^!! host->host {2}n1 -> gone {2}udp 0\/3 {2}probes refused \(E_PROBE_NOT_ALLOWED\)$/m);
    expect(r.stdout).toMatch(/^!! host->host {2}gone -> n1 {2}E_AGENT_UNREACHABLE: /m);
    expect(r.stderr).toMatch(/1 agent errors:\n {2}gone\/host 127\.0\.31\.99:9 round 0: E_AGENT_UNREACHABLE/);
  });

  it('refuses bad usage with one line and exit 2', async () => {
    const cases: [string[], RegExp][] = [
      [[], /^podpath: E_USAGE: give --agents FILE or --nodes LIST, or a kubeconfig \(--kubeconfig, \$KUBECONFIG, ~\/\.kube\/config\) to take the agents from the cluster$/],
      [['--nodes', '127.0.0.1,127.0.0.2', '--via-apiserver'], /^podpath: E_USAGE: --via-apiserver reaches the agents by their pods: it takes the agents from the cluster \(without --agents or --nodes\)$/],
      [['--agents', 'x', '--nodes', '127.0.0.1,127.0.0.2'], /^podpath: E_USAGE: option '--agents <file>' cannot be used with option '--nodes <list>'/],
      [['--nodes', '127.0.0.1,127.0.0.2', '-k', '33'], /^podpath: E_USAGE: --k must be an integer 1\.\.32, not "33"$/],
      [['--nodes', '127.0.0.1,127.0.0.2', '--planes', 'host->moon'], /^podpath: E_USAGE: --planes takes host->host, host->pod, pod->host, pod->pod, not "host->moon"$/],
      [['--nodes', 'a=node1,b=127.0.0.2'], /^podpath: E_MESH_AGENTS: --nodes: nodes\.0\.host\.address: not an IP address: "node1"$/],
      [['--nodes', '127.0.0.1,127.0.0.2', '--trace-rules'], /^podpath: E_USAGE: --trace-rules needs --trace$/],
      [['--nodes', Array.from({ length: 101 }, (_, i) => `127.0.40.${i + 1}`).join(','), '--trace'], /^podpath: E_MESH_TRACE_NODES: --trace traces at most 100 nodes; this mesh has 101 /],
    ];
    for (const [args, want] of cases) {
      const r = await mesh(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trim()).toMatch(want);
    }
  });
});
