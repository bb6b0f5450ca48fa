// The bundle runs whatever its file is called (issue 9, item 19): it used to match its own file
// name, so `podpath-0.1.0.mjs` did nothing and exited 0. Built here with the real bundler
// (scripts/bundle.mjs, as `npm run build` runs it), then run renamed, through a symlink, as an
// executable (its shebang), and from another directory; importing main.ts must not run it.
import { execFile } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
let dir = '';

function run(file: string, args: string[], cwd = dir): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(file, args, { cwd, encoding: 'utf8', timeout: 60_000, env: { ...process.env, PATH: `${dirnameOf(process.execPath)}:${process.env.PATH ?? ''}` } }, (err, stdout, stderr) =>
      done({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }));
  });
}
const dirnameOf = (p: string) => p.slice(0, p.lastIndexOf('/'));

/** Node >= 22.7 and >= 20.19 run an extension-less ES module (module syntax detection). */
function detectsModules(): boolean {
  const [maj, min] = process.versions.node.split('.').map(Number) as [number, number];
  return maj > 22 || (maj === 22 && min >= 7) || (maj === 20 && min >= 19);
}

describe('the bundle under any name', () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pp-h9l-bundle-'));
    const r = await run(process.execPath, ['scripts/bundle.mjs', join(dir, 'podpath.mjs')], ROOT);
    expect(r.code, r.stderr).toBe(0);
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('starts with the shebang that lets it run as a program', () => {
    expect(readFileSync(join(dir, 'podpath.mjs'), 'utf8').split('\n')[0]).toBe('#!/usr/bin/env node');
  });

  it('runs renamed, through a symlink on PATH, as an executable, and from another directory', async () => {
    copyFileSync(join(dir, 'podpath.mjs'), join(dir, 'podpath-0.1.0.mjs'));
    chmodSync(join(dir, 'podpath-0.1.0.mjs'), 0o755);
    mkdirSync(join(dir, 'bin'));
    symlinkSync(join(dir, 'podpath-0.1.0.mjs'), join(dir, 'bin', 'podpath'));
    mkdirSync(join(dir, 'elsewhere'));
    const cases: [string, string[], string][] = [
      [process.execPath, [join(dir, 'podpath-0.1.0.mjs'), '--version'], dir],
      [join(dir, 'podpath-0.1.0.mjs'), ['--version'], dir],
      [join(dir, 'bin', 'podpath'), ['--version'], join(dir, 'elsewhere')],
      [process.execPath, ['../podpath.mjs', '--version'], join(dir, 'elsewhere')],
    ];
    for (const [file, args, cwd] of cases) {
      const r = await run(file, args, cwd);
      expect({ file, args, ...r }).toEqual({ file, args, code: 0, stdout: `${VERSION}\n`, stderr: '' });
    }
    // A real command, not only --version: the renamed bundle reads a bundle and reports.
    const doctor = await run(join(dir, 'bin', 'podpath'), ['doctor', '--from', join(ROOT, 'test/fixtures/bundles/seed000-kylin-52.49'), '-o', 'json']);
    expect(doctor.code).toBe(1);
    expect((JSON.parse(doctor.stdout) as { findings: { ruleId: string }[] }).findings.map((f) => f.ruleId)).toContain('kernel-bad-udp-checksum');
  }, 120_000);

  it.runIf(detectsModules())('runs as an extension-less copy (`install -m 755 dist/podpath.mjs /usr/local/bin/podpath`) on node >= 20.19', async () => {
    copyFileSync(join(dir, 'podpath.mjs'), join(dir, 'podpath'));
    chmodSync(join(dir, 'podpath'), 0o755);
    expect(await run(join(dir, 'podpath'), ['--version'])).toEqual({ code: 0, stdout: `${VERSION}\n`, stderr: '' });
  }, 60_000);

  it('does not run when a test imports main.ts', async () => {
    const writes: string[] = [];
    const orig = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((s: string) => (writes.push(String(s)), true)) as typeof process.stderr.write;
    try {
      const m = await import('../../src/cli/main.js');
      expect(typeof m.main).toBe('function');
      expect(m.isMainModule(process.argv[1], new URL('../../src/cli/main.ts', import.meta.url).href)).toBe(false);
      expect(m.isMainModule(join(dir, 'bin', 'podpath'), `file://${join(dir, 'podpath-0.1.0.mjs')}`)).toBe(true);
      expect(m.isMainModule(join(dir, 'podpath.mjs'), `file://${join(dir, 'podpath-0.1.0.mjs')}`)).toBe(false);
    } finally {
      process.stderr.write = orig;
    }
    expect(writes.join('')).not.toMatch(/podpath|error/i);
    expect(process.exitCode ?? 0).toBe(0);
  });
});
