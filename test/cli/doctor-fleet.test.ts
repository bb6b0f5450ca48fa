// `podpath doctor` over several bundles, through a child process as a user runs it: the summary
// table, each node's report, the JSON array, exit codes, and a broken bundle among good ones.
import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { c as createTar } from 'tar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { podpathArgs } from '../helpers/podpath.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const seed000 = 'test/fixtures/bundles/seed000-kylin-52.49';
const healthy = 'test/fixtures/evidence/healthy-flannel-node.json';

function podpath(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [...podpathArgs(), ...args], { cwd: root, env: { ...process.env, NO_COLOR: '1', LANG: 'C', LC_ALL: '' }, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 2) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

describe('podpath doctor --from A --from B (fleet, child process)', { timeout: 90_000 }, () => {
  let tmp: string;
  let sosTgz: string;
  let broken: string;
  let fleetDir: string;
  let healthyCopy: string;
  beforeAll(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'podpath-fleet-cli-'));
    // A tarball of the real sosreport, as sos itself ships them (one directory inside).
    sosTgz = path.join(tmp, 'sos-vm.tar.gz');
    await createTar({ gzip: true, file: sosTgz, cwd: path.join(root, 'test/fixtures/bundles'), portable: true }, ['sos-4.0-netns']);
    broken = path.join(tmp, 'broken.tar.gz');
    await writeFile(broken, 'this is not a tarball\n');
    healthyCopy = path.join(tmp, 'healthy-copy.json');
    await copyFile(path.join(root, healthy), healthyCopy);
    fleetDir = path.join(tmp, 'fleet');
    await mkdir(fleetDir);
    await symlink(path.join(root, seed000), path.join(fleetDir, 'a-kylin'));
    await symlink(sosTgz, path.join(fleetDir, 'b-vm.tar.gz'));
    await symlink(broken, path.join(fleetDir, 'c-broken.tar.gz'));
    await writeFile(path.join(fleetDir, 'c-broken.tar.gz.md5'), '0\n');
  });
  afterAll(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  it('text: the table first (one line per node, the broken one with its code), then each node, exit 2', async () => {
    const r = await podpath(['doctor', '--from', seed000, '--from', broken, '--from', sosTgz]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr.trim()).toBe(`podpath: E_BUNDLE_FORMAT: not a directory, tar, tar.gz or tar.xz: ${broken}`);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('podpath doctor: 3 nodes');
    expect(lines[2]).toMatch(/^NODE +FROM +KERNEL +CRITICAL +ERROR +WARNING +INFO +TOP FINDING$/);
    expect(lines[3]).toMatch(new RegExp(`^TKVMJT0240 +${seed000} +4\\.19\\.90-52\\.49\\.v2207\\.ky10\\.x86_64 +1 +0 +0 +0 +kernel-bad-udp-checksum$`));
    expect(lines[4]).toMatch(new RegExp(`^\\? +${broken} +- +- +- +- +unreadable: E_BUNDLE_FORMAT: not a directory`));
    expect(lines[5]).toMatch(new RegExp(`^vm +${sosTgz} +6\\.18\\.44-fc-v657 +1 +\\d+ +\\d+ +\\d+ +ip-forward-off$`));
    // Columns line up: every row's TOP FINDING starts where the header's does.
    const topAt = lines[2]!.indexOf('TOP FINDING');
    for (const row of lines.slice(3, 6)) expect(row.slice(topAt - 2, topAt)).toBe('  ');
    expect(lines[7]).toBe('0 healthy, 2 with findings, 1 unreadable');
    // Then each node, in the order given: its own report, or its error.
    const sections = [...r.stdout.matchAll(/^── (\S+) ─+$/gm)].map((m) => m[1]);
    expect(sections).toEqual([seed000, broken, sosTgz]);
    expect(r.stdout).toMatch(/── test\/fixtures\/bundles\/seed000-kylin-52\.49 ─+\npodpath doctor: TKVMJT0240, kernel 4\.19\.90-52\.49/);
    expect(r.stdout).toMatch(/\.tar\.gz ─+\npodpath: E_BUNDLE_FORMAT: not a directory, tar, tar\.gz or tar\.xz: /);
    expect(r.stdout).toMatch(/podpath doctor: vm, kernel 6\.18\.44-fc-v657.*\(evidence from bundle .*sos-vm\.tar\.gz\)/);
  });

  it('json: an array of per-node reports, the unreadable one as an error entry in its place', async () => {
    const r = await podpath(['doctor', '--from', sosTgz, '--from', broken, '--from', healthy, '-o', 'json']);
    expect(r.code, r.stderr).toBe(2);
    const docs = JSON.parse(r.stdout) as { schema: string; node?: { hostname: string }; findings?: unknown[]; error?: unknown }[];
    expect(docs.map((d) => d.schema)).toEqual(['podpath.doctor', 'podpath.doctor.error', 'podpath.doctor']);
    expect(docs[0]).toMatchObject({ schemaVersion: 1, node: { hostname: 'vm', origin: { kind: 'bundle', path: sosTgz } } });
    expect(docs[1]).toEqual({ schema: 'podpath.doctor.error', schemaVersion: 1, from: broken, error: { code: 'E_BUNDLE_FORMAT', message: `not a directory, tar, tar.gz or tar.xz: ${broken}` } });
    expect(docs[2]?.findings).toEqual([]);
  });

  it('exit 0 when every node is healthy, 1 when any has findings; one --from keeps the single-node JSON', async () => {
    const [allHealthy, someFindings, single] = await Promise.all([
      // The same path twice is judged once.
      podpath(['doctor', '--from', healthy, '--from', healthyCopy, '--from', healthy]),
      podpath(['doctor', '--from', healthy, '--from', seed000, '-o', 'json']),
      podpath(['doctor', '--from', seed000, '-o', 'json']),
    ]);
    expect(allHealthy.code, allHealthy.stderr).toBe(0);
    expect(allHealthy.stdout).toMatch(/^2 healthy, 0 with findings, 0 unreadable$/m);
    expect(someFindings.code, someFindings.stderr).toBe(1);
    expect(JSON.parse(someFindings.stdout)).toHaveLength(2);
    expect(single.code).toBe(1);
    const one = JSON.parse(single.stdout);
    expect(Array.isArray(one)).toBe(false);
    expect(one).toMatchObject({ schema: 'podpath.doctor', node: { hostname: 'TKVMJT0240' } });
  });

  it('--from-dir: every bundle in the directory by name (the .md5 left out); misuse is E_USAGE', async () => {
    const [dir, withPeer, itself] = await Promise.all([
      podpath(['doctor', '--from-dir', fleetDir, '-o', 'markdown']),
      podpath(['doctor', '--from-dir', fleetDir, '--peer', '127.0.0.1']),
      podpath(['doctor', '--from-dir', seed000]),
    ]);
    expect(dir.code, dir.stderr).toBe(2);
    expect(dir.stdout).toMatch(/^# podpath doctor: 3 nodes$/m);
    const rows = dir.stdout.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| NODE'));
    expect(rows.map((l) => l.split(' | ')[1])).toEqual(['a-kylin', 'b-vm.tar.gz', 'c-broken.tar.gz'].map((n) => path.join(fleetDir, n)));
    expect(rows[2]).toMatch(/unreadable: E_BUNDLE_FORMAT/);
    // Each node's own report sits one heading level down.
    expect(dir.stdout).toMatch(/^## podpath doctor: TKVMJT0240/m);
    expect(withPeer.code).toBe(2);
    expect(withPeer.stderr).toMatch(/^podpath: E_USAGE: --peer judges one node/m);
    expect(itself.code).toBe(2);
    expect(itself.stderr).toMatch(/E_USAGE: .* is itself a bundle/);
  });
});
