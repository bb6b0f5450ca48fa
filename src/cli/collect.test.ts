// The collect command through a child process, as a user runs it.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { NodeFacts } from '../evidence/node-facts.js';
import { podpathArgs } from '../../test/helpers/podpath.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const SOS = path.join(REPO, 'test/fixtures/bundles/sos-4.0-netns');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'ppd1-cli-test-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function podpath(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [...podpathArgs(), ...args], { cwd: REPO, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

// Each run starts tsx on the whole CLI (a few seconds on 2 cores).
describe('podpath collect', { timeout: 60_000 }, () => {
  it('refuses a --from path that does not exist: one line, a code, exit 2', async () => {
    const r = await podpath(['collect', '--json', '--from', path.join(tmp, 'no-such-bundle.tar.gz')]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^podpath: E_BUNDLE_NOT_FOUND: no such bundle: .*no-such-bundle\.tar\.gz\n$/);
    expect(r.stdout).toBe('');
  });

  it('rewrites a sosreport as a bundle (-o FILE.tar.gz) and prints the same evidence from it (--json)', async () => {
    const out = path.join(tmp, 'node.tar.gz');
    const w = await podpath(['collect', '-o', out, '--from', SOS]);
    expect(w.code).toBe(0);
    expect(w.stderr).toMatch(/^podpath: wrote .*node\.tar\.gz: \d+ command outputs, \d+ files; missing: /);
    expect(existsSync(out)).toBe(true);
    const r = await podpath(['collect', '--json', '--from', out]);
    expect(r.code).toBe(0);
    const facts = NodeFacts.parse(JSON.parse(r.stdout));
    expect(facts.origin.kind).toBe('bundle');
    expect(facts.kernel?.release).toBe('6.18.44-fc-v657');
    expect(facts.sysctls?.values['net.ipv4.ip_forward']).toBe('0');
  });

  it('writes a directory bundle with podpath.json, and refuses to overwrite it', async () => {
    const dir = path.join(tmp, 'bundle');
    const first = await podpath(['collect', '-o', dir, '--from', SOS, '--json']);
    expect(first.code).toBe(0);
    const written = NodeFacts.parse(JSON.parse(readFileSync(path.join(dir, 'podpath.json'), 'utf8')));
    expect(NodeFacts.parse(JSON.parse(first.stdout))).toEqual(written);
    const again = await podpath(['collect', '-o', dir, '--from', SOS]);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/^podpath: E_OUTPUT_EXISTS: /);
  });

  it('refuses --root with --from', async () => {
    const r = await podpath(['collect', '--from', SOS, '--root', tmp]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^podpath: E_USAGE: --root .* cannot be combined with --from\n$/);
  });

  it('prints the collection script', async () => {
    const r = await podpath(['collect', '--script']);
    expect(r.code).toBe(0);
    expect(r.stdout.startsWith('#!/bin/sh\n')).toBe(true);
    expect(r.stdout).toContain('sos_commands');
  });
});
