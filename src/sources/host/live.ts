// The live host: runs commands without a shell (argv as given, C locale, a timeout each) and reads
// files, optionally under a root prefix (the lab gives each fake node its own root directory).
import { spawn } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { ReadNote } from '../../evidence/node-facts.js';
import { because } from '../../evidence/missing-reasons.js';
import type { ReasonRef } from '../../util/i18n.js';
import type { CommandOutput, CommandSpec, FileContent } from '../types.js';
import type { ExplainingHostReader } from './types.js';
import { commandLine } from './sos-names.js';
import { CappedCollector, finishText, NotRegularError, policyForCommand, policyForPath, readFileCapped, type ReadPolicy } from './read-cap.js';

export interface LiveHostOptions {
  /** Prefix for file paths (not for commands): `/tmp/lab/node1` makes `/etc/os-release` read `/tmp/lab/node1/etc/os-release`. */
  root?: string;
  /** Per-command timeout in milliseconds. */
  timeoutMs?: number;
  /** Replaces the byte cap of every file read (LIMITS.FILE_BYTES): tests. */
  maxFileBytes?: number;
  /** Replaces the byte cap of every command output (LIMITS.OUTPUT_BYTES): tests. */
  maxOutputBytes?: number;
}

const DEFAULT_TIMEOUT_MS = 10_000;
/** What is kept of a command's stderr: its first line is all a reason shows. */
const STDERR_BYTES = 64 * 1024;

export function liveHost(opts: LiveHostOptions = {}): ExplainingHostReader {
  const root = opts.root ? path.resolve(opts.root) : undefined;
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const reasons = new Map<string, ReasonRef>();
  const failures = new Map<string, string>();
  const notes = new Map<string, ReadNote>();
  const onHost = (p: string) => (root ? path.join(root, p) : p);
  const withCap = (policy: ReadPolicy, max: number | undefined): ReadPolicy => (max === undefined ? policy : { ...policy, maxBytes: max });

  return {
    kind: 'live',
    origin: root ? { kind: 'live', path: root } : { kind: 'live' },
    explain: (what) => reasons.get(what),
    failedOutput: (line) => failures.get(line),
    notes: () => [...notes.values()],
    close: async () => {},

    async readFile(p: string): Promise<FileContent | undefined> {
      try {
        const policy = withCap(policyForPath(p), opts.maxFileBytes);
        const got = finishText(await readFileCapped(onHost(p), policy), p, policy);
        for (const n of got.notes) notes.set(n.message, n);
        return { text: got.text, source: p };
      } catch (e) {
        reasons.set(p, fileReason(p, e));
        return undefined;
      }
    },

    async listDir(p: string): Promise<string[]> {
      try {
        const names = await readdir(onHost(p));
        return names.sort().map((n) => path.posix.join(p, n));
      } catch (e) {
        reasons.set(p, fileReason(p, e));
        return [];
      }
    },

    async run(cmd: CommandSpec): Promise<CommandOutput | undefined> {
      const line = commandLine(cmd.argv);
      const policy = withCap(policyForCommand(cmd.argv), opts.maxOutputBytes);
      const result = await runCommand(cmd.argv, timeoutMs, policy);
      // Some commands answer through their exit code and still print the answer
      // (`systemctl is-active` prints `inactive` and exits 3): keep any stdout.
      if (result.stdout.data.length > 0) {
        const got = finishText(result.stdout, line, policy, { wholeLines: cmd.json === true });
        for (const n of got.notes) notes.set(n.message, n);
        return { stdout: got.text, source: line };
      }
      reasons.set(line, commandReason(line, cmd.argv[0] ?? '', result));
      if (typeof result.code === 'number' && result.code !== 0 && !result.timedOut && result.stderr.trim() !== '') failures.set(line, result.stderr);
      return undefined;
    },
  };
}

interface RunResult {
  stdout: ReturnType<CappedCollector['result']>;
  stderr: string;
  code?: number | string | null;
  timedOut: boolean;
}

/**
 * Runs argv without a shell, keeping at most the output cap: the first bytes (then the command is
 * stopped: the rest would be thrown away), or the last ones for logs (dmesg, journalctl).
 */
function runCommand(argv: readonly string[], timeoutMs: number, policy: ReadPolicy): Promise<RunResult> {
  const [file, ...args] = argv;
  return new Promise((resolve) => {
    const child = spawn(file ?? 'true', args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LC_ALL: 'C', LANG: 'C' } });
    // A command that ignores SIGTERM gets SIGKILL a moment later: podpath never waits on it forever.
    let killTimer: NodeJS.Timeout | undefined;
    const stop = () => {
      child.kill('SIGTERM');
      killTimer ??= setTimeout(() => child.kill('SIGKILL'), 2000);
    };
    const out = new CappedCollector(policy, stop);
    const err = new CappedCollector({ maxBytes: STDERR_BYTES, keep: 'head', code: '' });
    let timedOut = false;
    let spawnError: string | undefined;
    const timer = setTimeout(() => {
      timedOut = true;
      stop();
    }, timeoutMs);
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.on('error', (e: NodeJS.ErrnoException) => {
      spawnError = e.code ?? e.message;
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      clearTimeout(killTimer);
      const stderr = err.result().data.toString('utf8');
      // Stopped at the output cap: the command did its part.
      const exit = spawnError ?? (out.full ? 0 : code);
      resolve({ stdout: out.result(), stderr, code: exit, timedOut });
    });
  });
}

/** Not root: a refusal is then most likely for want of it, and saying so tells the user what to do. */
const notRoot = () => typeof process.getuid === 'function' && process.getuid() !== 0;
const REFUSED = /permission denied|operation not permitted|must be root|are you root|superuser/i;

function commandReason(line: string, exe: string, r: RunResult): ReasonRef {
  if (r.code === 'ENOENT') return because('commandNotFound', { command: exe });
  if (r.code === 'EACCES') return because('commandNotExecutable', { command: exe });
  if (r.timedOut) return because('commandTimedOut', { command: line });
  const firstErr = r.stderr.split('\n').find((l) => l.trim() !== '')?.trim();
  if (r.code !== 0) {
    if (firstErr === undefined) return because('commandExitStatus', { command: line, status: String(r.code) });
    if (REFUSED.test(firstErr) && notRoot()) return because('commandNeedsRoot', { command: line, error: firstErr });
    return because('commandFailed', { command: line, status: String(r.code), error: firstErr });
  }
  return because('emptyOutput', { command: line });
}

function fileReason(p: string, e: unknown): ReasonRef {
  if (e instanceof NotRegularError) return because(e.code === 'EISDIR' ? 'isDirectory' : 'notRegularFile', { path: p });
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return because('fileAbsent', { path: p });
  if (code === 'EACCES' || code === 'EPERM') return because(notRoot() ? 'fileNeedsRoot' : 'filePermissionDenied', { path: p });
  return because('fileUnreadable', { path: p, error: code ?? String(e) });
}
