// `podpath agent` start-up failures (issue 9, item 15): each one line with a stable code, exit 2,
// and nothing left running or bound.
import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import dgram from 'node:dgram';
import net from 'node:net';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AGENT_ENV, CLI } from '../helpers/agent.js';

const run = promisify(execFile);

async function agentFails(args: string[], env: NodeJS.ProcessEnv = AGENT_ENV): Promise<{ code: number; stderr: string }> {
  const e = await run(process.execPath, [...CLI, 'agent', ...args], { env, timeout: 30_000 }).then(
    (r) => ({ code: 0, stderr: r.stderr, killed: false }),
    (err: { code: number; stderr: string; killed: boolean; signal?: string }) => ({ code: err.code, stderr: err.stderr, killed: err.killed || !!err.signal }),
  );
  expect(e.killed, 'the agent ended by itself (not killed by the timeout)').toBe(false);
  return e;
}

function expectOneLine(stderr: string, code: string): void {
  const lines = stderr.trim().split('\n');
  expect(lines, stderr).toHaveLength(1);
  expect(lines[0]).toMatch(new RegExp(`^podpath: ${code}: `));
}

describe('agent start-up', () => {
  it('a UDP probe port in use: E_BIND on one line, exit 2', async () => {
    const taken = dgram.createSocket('udp4');
    await new Promise<void>((r) => taken.bind(0, '127.0.0.1', r));
    try {
      const e = await agentFails(['--listen', '127.0.0.1', '--port', String(taken.address().port), '--api-port', '0']);
      expect(e.code).toBe(2);
      expectOneLine(e.stderr, 'E_BIND');
      expect(e.stderr).toContain(`UDP 127.0.0.1:${taken.address().port}`);
    } finally {
      taken.close();
    }
  });

  it('an address this host lacks: E_BIND on one line, exit 2', async () => {
    // 192.0.2.1 (TEST-NET-1) is on no interface: bind fails with EADDRNOTAVAIL, nothing is sent.
    const e = await agentFails(['--listen', '192.0.2.1', '--port', '0', '--api-port', '0']);
    expect(e.code).toBe(2);
    expectOneLine(e.stderr, 'E_BIND');
    expect(e.stderr).toContain('EADDRNOTAVAIL');
  });

  it('an API port in use: E_BIND, and the responders already started are stopped (the process exits 2)', async () => {
    const taken = net.createServer();
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
    try {
      const port = (taken.address() as net.AddressInfo).port;
      const e = await agentFails(['--listen', '127.0.0.1', '--port', '0', '--api-port', String(port)]);
      expect(e.code).toBe(2);
      expectOneLine(e.stderr, 'E_BIND');
      expect(e.stderr).toContain(`HTTP API 127.0.0.1:${port}`);
    } finally {
      taken.close();
    }
  });

  describe('secrets', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pp-agent-secrets-'));
    const big = join(dir, 'big');
    writeFileSync(big, 'k'.repeat(1 << 20));
    const same = join(dir, 'same');
    writeFileSync(same, 'the-same-secret-0123456789\n');
    const base = ['--listen', '127.0.0.1', '--port', '0', '--api-port', '0'];
    const noEnv = { ...AGENT_ENV, PODPATH_KEY: '', PODPATH_TOKEN: '' };

    it('a key file that never ends (/dev/zero) is refused without reading it: E_SECRET_FILE', async () => {
      const e = await agentFails([...base, '--key-file', '/dev/zero']);
      expect(e.code).toBe(2);
      expectOneLine(e.stderr, 'E_SECRET_FILE');
      expect(e.stderr).toContain('not a regular file');
    }, 40_000);

    it('a key file larger than the limit: E_SECRET_FILE', async () => {
      const e = await agentFails([...base, '--key-file', big]);
      expect(e.code).toBe(2);
      expectOneLine(e.stderr, 'E_SECRET_FILE');
    });

    it('a probe key equal to the API token: E_WEAK_SECRET', async () => {
      const e = await agentFails([...base, '--key-file', same, '--token-file', same], noEnv);
      expect(e.code).toBe(2);
      expectOneLine(e.stderr, 'E_WEAK_SECRET');
      rmSync(dir, { recursive: true, force: true });
    });
  });
});
