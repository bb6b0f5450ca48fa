// Runs the real CLI as a child process and reports its exit code, output and peak RSS.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { podpathArgs } from '../../helpers/podpath.js';

const ROOT = resolve(import.meta.dirname, '../../..');

export interface ChildRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Peak resident set size in MiB (undefined if the child died before reporting it). */
  peakMiB?: number;
}

export async function runPodpath(args: string[], opts: { input?: Buffer; timeoutMs?: number } = {}): Promise<ChildRun> {
  const dir = mkdtempSync(join(tmpdir(), 'pp-rss-'));
  const rssFile = join(dir, 'rss');
  try {
    const child = spawn(process.execPath, ['--import', join(ROOT, 'test/pcap/helpers/report-rss.mjs'), ...podpathArgs(), ...args], {
      cwd: ROOT,
      env: { ...process.env, LC_ALL: '', LC_MESSAGES: '', LANG: 'C', PODPATH_TEST_RSS_FILE: rssFile, PODPATH_DEBUG: '' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.stdin.on('error', () => {});
    child.stdin.end(opts.input);
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((res) => child.on('close', (c, s) => res([c, s])));
    clearTimeout(timer);
    let peakMiB: number | undefined;
    try {
      peakMiB = Number(readFileSync(rssFile, 'utf8')) / 1024;
    } catch {
      peakMiB = undefined;
    }
    return { code, signal, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString(), peakMiB };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
