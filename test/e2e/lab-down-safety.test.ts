// lab down removes only what its labs recorded (issue 9, item 18): a namespace that merely looks
// like a lab's, the processes inside it, a symlink planted in the run dir and what it points to all
// survive `lab down --all`; names that are not plain lab names are refused; a lab killed while it
// was being built is still removed whole. Also: `podpath` is on PATH inside lab nodes (item 19).
//
// Everything runs in a private mount namespace with its own /run/netns (a "sandbox"): the
// namespaces made here are invisible to the host, so this test (and a regressed `lab down --all`)
// can never reach another engineer's or another test suite's namespaces on the same kernel.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { missingRequirement } from '../helpers/env.js';

const skip = missingRequirement({ root: true, tools: ['ip', 'bridge', 'sysctl', 'unshare', 'nsenter', 'mount'] });
const ROOT = resolve(import.meta.dirname, '../..');

interface Out {
  code: number;
  stdout: string;
  stderr: string;
}

let holder: ChildProcess | undefined;
let tmp = '';
let runDir = '';
const started: ChildProcess[] = [];

/** Runs argv inside the sandbox's mount namespace (its /run/netns), with the test's run dir. */
function sandboxed(argv: string[], timeoutMs = 60_000): Promise<Out> {
  return new Promise((done) => {
    execFile('nsenter', ['-t', String(holder!.pid), '-m', `--wd=${ROOT}`, '--', ...argv], {
      cwd: ROOT, encoding: 'utf8', timeout: timeoutMs, env: { ...process.env, PODPATH_LAB_RUN_DIR: runDir },
    }, (err, stdout, stderr) => done({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }));
  });
}

const cli = (args: string[]) => sandboxed([process.execPath, '--import', 'tsx', 'src/cli/main.ts', 'lab', ...args], 120_000);
const netnsList = async () => (await sandboxed(['ip', 'netns', 'list'])).stdout.split('\n').map((l) => l.split(' ')[0]!).filter(Boolean).sort();

/** A `sleep` inside a namespace of the sandbox; its pid is sleep's own (nsenter and ip netns exec exec). */
function sleeper(ns: string): ChildProcess {
  const c = spawn('nsenter', ['-t', String(holder!.pid), '-m', '--', 'ip', 'netns', 'exec', ns, 'sleep', '300'], { stdio: 'ignore' });
  started.push(c);
  return c;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const settle = () => new Promise((r) => setTimeout(r, 300));

describe.skipIf(skip)('lab down touches only what labs recorded', () => {
  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'pp-h9l-'));
    runDir = join(tmp, 'run');
    mkdirSync('/run/netns', { recursive: true });
    holder = spawn('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', 'mount -t tmpfs pp-h9l-netns /run/netns && echo ready && exec sleep 3600'], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((ok, fail) => {
      holder!.stdout!.on('data', (d: Buffer) => String(d).includes('ready') && ok());
      holder!.on('exit', (c) => fail(new Error(`sandbox ended (${c})`)));
    });
  });

  afterAll(async () => {
    for (const c of started) c.kill('SIGKILL');
    if (holder) {
      for (const ns of await netnsList()) await sandboxed(['ip', 'netns', 'del', ns]);
      holder.kill('SIGKILL');
    }
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('down --all removes the recorded lab, and leaves look-alike namespaces, their processes and planted symlinks alone', async () => {
    const up = await cli(['up', '--name', 'h9lown', '--nodes', '2', '--underlay', 'veth']);
    expect(up.stderr).toBe('');
    // Someone else's: a user's namespace, a lab of another run dir, each with a process inside.
    for (const ns of ['pplab-foreign-x', 'pplab-h9lfor-n1', 'pplab-h9lsym-n1']) expect((await sandboxed(['ip', 'netns', 'add', ns])).code).toBe(0);
    const foreign = ['pplab-foreign-x', 'pplab-h9lfor-n1', 'pplab-h9lsym-n1'].map(sleeper);
    const ours = sleeper('pplab-h9lown-n1');
    const oursGone = new Promise<NodeJS.Signals | null>((r) => ours.once('exit', (_c, sig) => r(sig)));
    // Planted: a "lab directory" that is a symlink to someone's directory, holding a state.json
    // that names the look-alike namespace; and a symlink inside the real lab's directory.
    const victim = join(tmp, 'victim');
    mkdirSync(join(victim, 'data'), { recursive: true });
    writeFileSync(join(victim, 'data', 'keep.txt'), 'keep\n');
    writeFileSync(join(victim, 'state.json'), JSON.stringify({ version: 1, createdAt: '', plan: { name: 'h9lsym', nodes: [{ ns: 'pplab-h9lsym-n1', pods: [] }] }, faults: [] }));
    symlinkSync(victim, join(runDir, 'h9lsym'));
    symlinkSync(join(victim, 'data'), join(runDir, 'h9lown', 'n1', 'root', 'planted'));
    // A real directory whose state.json names other people's namespaces: they are not of its form.
    mkdirSync(join(runDir, 'h9lbad'));
    writeFileSync(join(runDir, 'h9lbad', 'state.json'), JSON.stringify({ version: 1, createdAt: '', plan: { name: 'h9lbad', switchNs: 'pplab-foreign-x', nodes: [{ ns: 'pplab-h9lfor-n1', pods: [] }] }, faults: [] }));
    await settle();

    const down = await cli(['down', '--all']);
    expect(down.code, down.stderr).toBe(0);
    expect(down.stdout).toMatch(/lab h9lown down in \d+ ms: 4 namespace\(s\) removed, 1 process\(es\) inside ended/);
    expect(down.stdout).toMatch(/lab h9lbad down in \d+ ms: 0 namespace\(s\) removed/);
    expect(down.stdout).toMatch(/left alone, not recorded by any lab in .*: pplab-foreign-x, pplab-h9lfor-n1, pplab-h9lsym-n1/);
    expect(await oursGone).toBe('SIGTERM');
    expect(await netnsList()).toEqual(['pplab-foreign-x', 'pplab-h9lfor-n1', 'pplab-h9lsym-n1']);
    for (const c of foreign) expect(alive(c.pid!), `pid ${c.pid}`).toBe(true);
    expect(lstatSync(join(runDir, 'h9lsym')).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(victim, 'data', 'keep.txt'), 'utf8')).toBe('keep\n');
    expect(existsSync(join(victim, 'state.json'))).toBe(true);
    expect(existsSync(join(runDir, 'h9lown'))).toBe(false);
    expect(existsSync(join(runDir, 'h9lbad'))).toBe(false);

    // Named directly, the symlinked "lab" is refused, not followed.
    const sym = await cli(['down', '--name', 'h9lsym']);
    expect(sym.code).toBe(2);
    expect(sym.stderr).toMatch(/^podpath: E_LAB_STATE: .*h9lsym is a symlink, not a lab directory podpath made/);
    expect(existsSync(join(victim, 'state.json'))).toBe(true);
    // A look-alike without a recorded lab: nothing removed, and said so.
    const look = await cli(['down', '--name', 'h9lfor']);
    expect(look.code).toBe(0);
    expect(look.stdout).toMatch(/0 namespace\(s\) removed \(nothing recorded in .*\)\n {2}left alone, not made by this lab .*: pplab-h9lfor-n1/);
    expect(await netnsList()).toContain('pplab-h9lfor-n1');
  });

  it('refuses lab names that are not plain names, before touching anything', async () => {
    for (const name of ['../../etc', '..', 'a/b', 'h9l/../..', '', 'H9L', 'a'.repeat(11), 'x\n']) {
      const r = await cli(['down', '--name', name]);
      expect(r.code, name).toBe(2);
      expect(r.stderr, name).toMatch(/^podpath: E_LAB_NAME: lab name ".*" must be 1-10 lowercase letters or digits\n$/);
    }
    expect(existsSync('/etc/hostname') || existsSync('/etc/passwd')).toBe(true);
  });

  it('a lab killed while being built is removed whole by lab down (its state is written first)', async () => {
    const child = spawn('nsenter', ['-t', String(holder!.pid), '-m', `--wd=${ROOT}`, '--', process.execPath, '--import', 'tsx', 'src/cli/main.ts', 'lab', 'up', '--name', 'h9lcr', '--nodes', '4', '--pods', '2'], {
      cwd: ROOT, env: { ...process.env, PODPATH_LAB_RUN_DIR: runDir }, stdio: 'ignore',
    });
    started.push(child);
    for (let i = 0; i < 500 && child.exitCode === null && !(await netnsList()).some((ns) => ns.startsWith('pplab-h9lcr-')); i++) await new Promise((r) => setTimeout(r, 5));
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const phase = (JSON.parse(readFileSync(join(runDir, 'h9lcr', 'state.json'), 'utf8')) as { phase: string }).phase;
    console.log(`[lab-down-safety] lab up killed in phase "${phase}" with ${(await netnsList()).filter((n) => n.startsWith('pplab-h9lcr-')).length} namespaces made`);
    const down = await cli(['down', '--name', 'h9lcr']);
    expect(down.code, down.stderr).toBe(0);
    expect((await netnsList()).filter((n) => n.startsWith('pplab-h9lcr-'))).toEqual([]);
    expect(existsSync(join(runDir, 'h9lcr'))).toBe(false);
  });

  it('lab exec puts podpath on PATH inside a node: the same podpath, from any directory (source run and a renamed bundle)', async () => {
    expect((await cli(['up', '--name', 'h9lx', '--nodes', '2', '--underlay', 'veth'])).code).toBe(0);
    const src = await cli(['exec', '--name', 'h9lx', 'n1', '--', 'sh', '-c', 'cd / && command -v podpath && podpath --version']);
    expect(src.stderr).toBe('');
    expect(src.stdout).toBe(`${join(runDir, 'h9lx', 'bin', 'podpath')}\n0.0.0-dev\n`);
    const bundle = join(tmp, 'podpath-0.1.0.mjs');
    await new Promise<void>((ok, fail) => execFile(process.execPath, ['scripts/bundle.mjs', bundle], { cwd: ROOT }, (e) => (e ? fail(e) : ok())));
    const root = join(runDir, 'h9lx', 'n1', 'root');
    const doctor = await sandboxed([bundle, 'lab', 'exec', '--name', 'h9lx', 'n1', '--', 'podpath', 'doctor', '--root', root, '-o', 'json'], 120_000);
    expect([0, 1], doctor.stderr).toContain(doctor.code);
    expect(JSON.parse(doctor.stdout)).toMatchObject({ findings: expect.any(Array) });
    expect((await sandboxed([bundle, 'lab', 'exec', '--name', 'h9lx', 'n1', '--', 'podpath', '--version'])).stdout).toBe('0.1.0\n');
    expect((await cli(['down', '--name', 'h9lx'])).code).toBe(0);
  });
});
