// The agent's API over TLS (issue 9, item 15): a self-signed certificate pinned by fingerprint,
// or a certificate from files verified with a CA; the token never crosses before the check.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import net from 'node:net';
import tls from 'node:tls';
import { spawnAgent, AGENT_ENV, CLI, type SpawnedAgent } from '../helpers/agent.js';
import { makeSelfSigned } from '../../src/agent/self-signed.js';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'pp-agent-tls-'));
let selfSigned: SpawnedAgent;
let fromFiles: SpawnedAgent;
let fingerprint: string;
const fileCert = makeSelfSigned(['127.0.0.5']);
writeFileSync(join(dir, 'cert.pem'), fileCert.certPem);
writeFileSync(join(dir, 'key.pem'), fileCert.keyPem);
writeFileSync(join(dir, 'other-key.pem'), makeSelfSigned([]).keyPem);

beforeAll(async () => {
  selfSigned = await spawnAgent(['--listen', '127.0.0.4', '--tls-self-signed']);
  fingerprint = selfSigned.lines.find((l) => l.event === 'agent.tls')!.fingerprint256 as string;
  fromFiles = await spawnAgent(['--listen', '127.0.0.5', '--tls-cert', join(dir, 'cert.pem'), '--tls-key', join(dir, 'key.pem')]);
});
afterAll(async () => {
  await selfSigned.stop();
  await fromFiles.stop();
  rmSync(dir, { recursive: true, force: true });
});

const probe = (a: SpawnedAgent, extra: string[]) => run(process.execPath, [
  ...CLI, 'probe', a.base.replace(/^https:\/\/|:\d+$/g, ''), '--source', '127.0.0.3', '--port', String(a.probePort), '--api-port', String(a.apiPort),
  '--count', '3', '--no-sweep', '--json', ...extra,
], { env: AGENT_ENV, timeout: 60_000 });

describe('agent API over TLS', () => {
  it('logs the self-signed certificate\'s SHA-256 fingerprint, and serves only TLS', async () => {
    expect(fingerprint).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    await expect(fetch(`http://127.0.0.4:${selfSigned.apiPort}/healthz`)).rejects.toThrow();
  });

  it('probe --tls --tls-fingerprint: both directions over the pinned API', async () => {
    const { stdout } = await probe(selfSigned, ['--tls', '--tls-fingerprint', fingerprint.toLowerCase()]);
    const report = JSON.parse(stdout) as { directions: { from: string; result: { echo: { sent: number; received: number } } }[]; errors: string[]; findings: unknown[] };
    expect(report.errors).toEqual([]);
    expect(report.directions.map((d) => [d.from, d.result.echo.received, d.result.echo.sent])).toEqual([['this node', 3, 3], ['127.0.0.4', 3, 3]]);
    expect(report.findings).toEqual([]);
  });

  it('a wrong pin is E_TLS_PIN on one line, and not one byte of the request (the token) reaches the server', async () => {
    // A TLS server of our own that records what a client writes after the handshake.
    const s = makeSelfSigned(['127.0.0.6']);
    let received = 0;
    const server = tls.createServer({ cert: s.certPem, key: s.keyPem }, (c) => { c.on('data', (d: Buffer) => { received += d.length; }); c.on('error', () => {}); });
    await new Promise<void>((r) => server.listen(0, '127.0.0.6', r));
    try {
      const port = (server.address() as net.AddressInfo).port;
      const e = await run(process.execPath, [...CLI, 'probe', '127.0.0.6', '--api-port', String(port), '--tls', '--tls-fingerprint', fingerprint], { env: AGENT_ENV, timeout: 30_000 })
        .catch((err: { code: number; stderr: string }) => err);
      expect(e).toMatchObject({ code: 2 });
      expect((e as { stderr: string }).stderr.trim()).toMatch(/^podpath: E_TLS_PIN: [^\n]*the token was not sent$/);
      expect(received).toBe(0);
    } finally {
      server.close();
    }
  });

  it('--tls without a pin verifies the chain: a self-signed agent is E_TLS; with --tls-ca it is trusted', async () => {
    const e = await probe(selfSigned, ['--tls']).catch((err: { code: number; stderr: string }) => err);
    expect((e as { stderr: string }).stderr.trim()).toMatch(/^podpath: E_TLS: /);
    const { stdout } = await probe(fromFiles, ['--tls', '--tls-ca', join(dir, 'cert.pem')]);
    expect((JSON.parse(stdout) as { errors: string[] }).errors).toEqual([]);
  });

  it('a TLS handshake never finished is closed by the deadline', async () => {
    const socket = net.connect({ host: '127.0.0.4', port: selfSigned.apiPort });
    socket.on('error', () => {});
    const t0 = Date.now();
    await new Promise((r) => socket.once('close', r));
    expect(Date.now() - t0).toBeLessThan(12_000);
  }, 20_000);

  it.each([
    ['a certificate file that is a device', ['--tls-cert', '/dev/zero', '--tls-key', 'key.pem'], 'E_TLS_FILE'],
    ['a key that is not the certificate\'s', ['--tls-cert', 'cert.pem', '--tls-key', 'other-key.pem'], 'E_TLS_FILE'],
    ['a certificate without its key', ['--tls-cert', 'cert.pem'], 'E_USAGE'],
    ['self-signed and files at once', ['--tls-self-signed', '--tls-cert', 'cert.pem', '--tls-key', 'key.pem'], 'E_USAGE'],
  ])('refuses %s on one line', async (_what, args, code) => {
    const full = args.map((a) => (a.endsWith('.pem') ? join(dir, a) : a));
    const e = await run(process.execPath, [...CLI, 'agent', '--listen', '127.0.0.1', '--port', '0', '--api-port', '0', ...full], { env: AGENT_ENV, timeout: 30_000 })
      .catch((err: { code: number; stderr: string }) => err);
    expect(e).toMatchObject({ code: 2 });
    expect((e as { stderr: string }).stderr.trim()).toMatch(new RegExp(`^podpath: ${code}: [^\\n]*$`));
  });
});
