// The agent and `podpath probe` as a user runs them: separate processes, real sockets on loopback.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';
import { NODE_FACTS_SCHEMA_VERSION } from '../../src/evidence/node-facts.js';
import { podpathArgs } from '../helpers/podpath.js';

const run = promisify(execFile);
const env = { ...process.env, PODPATH_KEY: 'agent-test-key-0123456789', PODPATH_TOKEN: 'agent-test-token-0123456789' };
const cli = podpathArgs();
let agent: ChildProcess;
const PROBE_PORT = 27946;
const API_PORT = 27947;

beforeAll(async () => {
  agent = spawn(process.execPath, [...cli, 'agent', '--listen', '127.0.0.1', '--port', String(PROBE_PORT), '--api-port', String(API_PORT)], { env });
  await new Promise<void>((resolve, reject) => {
    agent.stdout!.on('data', (d: Buffer) => { if (d.toString().includes('agent.started')) resolve(); });
    agent.once('exit', (code) => reject(new Error(`agent exited ${code}`)));
  });
});
afterAll(() => {
  agent.kill('SIGTERM');
});

describe('podpath agent', () => {
  it('refuses the API without the bearer token and serves it with one', async () => {
    const base = `http://127.0.0.1:${API_PORT}`;
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/v1/counters`)).status).toBe(401);
    expect((await fetch(`${base}/metrics`, { headers: { authorization: 'Bearer wrong-token-0123456789ab' } })).status).toBe(401);
    const res = await fetch(`${base}/v1/counters`, { headers: { authorization: `Bearer ${env.PODPATH_TOKEN}` } });
    const body = (await res.json()) as { udp: Record<string, number> };
    expect(body.udp).toHaveProperty('InDatagrams');
    const metrics = await (await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${env.PODPATH_TOKEN}` } })).text();
    expect(metrics).toContain('podpath_agent_datagrams{outcome="received"}');
  });

  it("serves this node's evidence to a peer's doctor", async () => {
    const res = await fetch(`http://127.0.0.1:${API_PORT}/v1/facts`, { headers: { authorization: `Bearer ${env.PODPATH_TOKEN}` } });
    const facts = (await res.json()) as { schemaVersion: number; kernel?: { release: string } };
    expect(facts.schemaVersion).toBe(NODE_FACTS_SCHEMA_VERSION);
    expect(facts.kernel?.release).toMatch(/^\d+\.\d+/);
  });

  it('refuses to start without a key, with a one-line error and exit 2', async () => {
    const e = await run(process.execPath, [...cli, 'agent', '--listen', '127.0.0.1'], { env: { ...process.env, PODPATH_KEY: '', PODPATH_TOKEN: 'x' } }).catch((err: { code: number; stderr: string }) => err);
    expect(e).toMatchObject({ code: 2 });
    expect((e as { stderr: string }).stderr.trim()).toMatch(/^podpath: E_NO_KEY: /);
  });
});

describe('podpath probe', () => {
  const probeArgs = ['probe', '127.0.0.1', '--source', '127.0.0.3', '--port', String(PROBE_PORT), '--api-port', String(API_PORT), '--count', '5', '--sweep-max', '2000'];

  it('probes both directions on loopback: every path delivered, the probe rules judged and found nothing (-o json)', async () => {
    const { stdout } = await run(process.execPath, [...cli, ...probeArgs, '-o', 'json'], { env });
    const report = JSON.parse(stdout) as {
      schema: string; schemaVersion: number; lang: string;
      directions: { from: string; sender: string; devices: { local: { nic?: string }; peer: { nic?: string } }; result: { echo: { sent: number; received: number }; sweep: { largestPassing: number } } }[];
      findings: unknown[]; results: { ruleId: string; status: string }[];
    };
    expect(report).toMatchObject({ schema: 'podpath.probe', schemaVersion: 2, lang: 'en' });
    expect(report.directions.map((d) => [d.from, d.sender])).toEqual([['this node', 'local'], ['127.0.0.1', 'peer']]);
    for (const d of report.directions) {
      expect(d.result.echo.received).toBe(d.result.echo.sent);
      expect(d.result.sweep.largestPassing).toBe(2000);
      // The peer's 127.0.0.1 is lo's address; 127.0.0.3 is inside lo's 127/8 but not an address
      // of it, so no device is named for this end (and none is guessed).
      expect(d.devices).toEqual({ local: {}, peer: { nic: 'lo' } });
      expect(d).not.toHaveProperty('echoVerdict');
    }
    expect(report.findings).toEqual([]);
    expect(report.results.find((r) => r.ruleId === 'probe-path-loss')?.status).toBe('pass');
  });

  it('prints the measured numbers, then what the rules made of them, in either language (--lang zh)', async () => {
    const en = (await run(process.execPath, [...cli, ...probeArgs, '--no-reverse', '--lang', 'en'], { env })).stdout;
    expect(en).toMatch(/^underlay: this node -> 127\.0\.0\.1\n {2}ok {2}UDP echo: 5\/5 back, rtt avg [\d.]+ ms\n {2}ok {2}size sweep: every size up to 2000 bytes crossed$/m);
    expect(en).toContain('No rule found a problem in these probes.');
    expect(en).toMatch(/underlay-rate-blackhole: no rate ramp among the probes \(run with --max-rate\)/);
    const zh = (await run(process.execPath, [...cli, ...probeArgs, '--no-reverse', '--lang', 'zh'], { env })).stdout;
    expect(zh).toMatch(/^底层网络: 本节点 -> 127\.0\.0\.1\n {2}正常 UDP 回显:5\/5 返回,平均往返 [\d.]+ ms\n {2}正常 大小扫描:直到 2000 字节的所有大小都通过了$/m);
    expect(zh).toContain('规则未在这些探测中发现问题。');
    expect(zh).toContain('探测结果中没有速率爬升(加 --max-rate 运行)');
    expect(zh).not.toMatch(/UDP echo|size sweep|No rule|Skipped|passed/);
  });

  it('refuses an output format it does not have before probing', async () => {
    const e = await run(process.execPath, [...cli, ...probeArgs, '-o', 'markdown'], { env }).catch((err: { code: number; stderr: string }) => err);
    expect(e).toMatchObject({ code: 2 });
    expect((e as { stderr: string }).stderr.trim()).toMatch(/^podpath: E_BAD_FORMAT: unknown output format "markdown": use text, json, html$/);
  });

  it('says clearly when no agent answers', async () => {
    const e = await run(process.execPath, [...cli, 'probe', '127.0.0.1', '--api-port', '1'], { env }).catch((err: { code: number; stderr: string }) => err);
    expect((e as { stderr: string }).stderr.trim()).toMatch(/^podpath: E_AGENT_UNREACHABLE: /);
  });
});

describe('podpath echo', () => {
  it('echoes piped lines like the seed 000 script', async () => {
    const server = spawn(process.execPath, [...cli, 'echo', 'server', '0', '--listen', '127.0.0.1']);
    try {
      const port = await new Promise<string>((resolve, reject) => {
        server.stdout.on('data', (d: Buffer) => {
          const m = /listening on UDP 127\.0\.0\.1:(\d+)/.exec(d.toString());
          if (m) resolve(m[1]!);
        });
        server.once('exit', (code) => reject(new Error(`echo server exited ${code}`)));
      });
      const client = spawn(process.execPath, [...cli, 'echo', 'client', `127.0.0.1:${port}`]);
      client.stdin.end('123\nhello\n');
      let out = '';
      client.stdout.on('data', (d: Buffer) => { out += d.toString(); });
      const code = await new Promise<number | null>((r) => client.on('exit', r));
      expect(code).toBe(0);
      expect(out).toContain('server echoed: "123"');
      expect(out).toContain('2 echoed, 0 without echo');
    } finally {
      server.kill('SIGTERM');
    }
  });
});
