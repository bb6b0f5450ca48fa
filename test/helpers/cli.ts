// Runs the real podpath CLI (the bundle built for the test run, see test/support/bundle-setup.ts) as a child process, with a TMPDIR
// of its own and its peak memory read from the kernel (PODPATH_MAXRSS_FILE, written at exit).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { podpathArgs } from './podpath.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** The peak memory (RSS) podpath may use on any hostile bundle; the README states it. */
export const RSS_BOUND_KIB = 512 * 1024;

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  /** Bytes podpath wrote to stdout (only the first MiB is kept in `stdout`). */
  stdoutBytes: number;
  stderr: string;
  /** Peak resident memory of the podpath process, KiB (from the kernel, via PODPATH_MAXRSS_FILE). */
  rssKiB: number | undefined;
  /** podpath's own TMPDIR: anything left in it was left by podpath. */
  tmpdir: string;
}

let runs = 0;
/** Runs `podpath <args>` with a TMPDIR of its own under opts.dir; `during` gets the child while it runs. */
export function runCli(args: string[], opts: { dir: string; timeoutMs?: number; during?: (pid: number) => Promise<void> }): Promise<CliRun> {
  const dir = path.join(opts.dir, `run-${++runs}`);
  const tmpdir = path.join(dir, 'TMPDIR');
  mkdirSync(tmpdir, { recursive: true });
  const rssFile = path.join(dir, 'maxrss');
  const child = spawn(process.execPath, [...podpathArgs(), ...args], {
    cwd: ROOT,
    env: { ...process.env, TMPDIR: tmpdir, PODPATH_MAXRSS_FILE: rssFile, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stdoutBytes = 0;
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => {
    stdoutBytes += c.length;
    if (stdout.length < 1 << 20) stdout += c.toString('utf8');
  });
  child.stderr.on('data', (c: Buffer) => {
    if (stderr.length < 1 << 20) stderr += c.toString('utf8');
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
  const during = opts.during?.(child.pid!);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      void Promise.resolve(during).then(() => {
        const rssKiB = existsSync(rssFile) ? Number(readFileSync(rssFile, 'utf8')) : undefined;
        resolve({ code, signal, stdout, stdoutBytes, stderr, rssKiB, tmpdir });
      }, reject);
    });
  });
}

/** What podpath left in its TMPDIR (tsx, which runs the TypeScript sources in tests, keeps its cache there). */
export function leftInTmp(tmpdir: string): string[] {
  return readdirSync(tmpdir).filter((n) => !n.startsWith('tsx-'));
}

