// The live host: runs commands without a shell (argv as given, C locale, a timeout each) and reads
// files, optionally under a root prefix (the lab gives each fake node its own root directory).
import { execFile } from 'node:child_process';
import { open, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { CommandOutput, CommandSpec, FileContent } from '../types.js';
import type { ExplainingHostReader } from './types.js';
import { commandLine } from './sos-names.js';

export interface LiveHostOptions {
  /** Prefix for file paths (not for commands): `/tmp/lab/node1` makes `/etc/os-release` read `/tmp/lab/node1/etc/os-release`. */
  root?: string;
  /** Per-command timeout in milliseconds. */
  timeoutMs?: number;
  /** Files larger than this are read from their tail only (logs can be huge). */
  maxFileBytes?: number;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_MAX_FILE_BYTES = 32 * 1024 * 1024;

export function liveHost(opts: LiveHostOptions = {}): ExplainingHostReader {
  const root = opts.root ? path.resolve(opts.root) : undefined;
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxFileBytes = opts.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const reasons = new Map<string, string>();
  const failures = new Map<string, string>();
  const onHost = (p: string) => (root ? path.join(root, p) : p);

  return {
    kind: 'live',
    origin: root ? { kind: 'live', path: root } : { kind: 'live' },
    explain: (what) => reasons.get(what),
    failedOutput: (line) => failures.get(line),
    close: async () => {},

    async readFile(p: string): Promise<FileContent | undefined> {
      try {
        const text = await readCapped(onHost(p), maxFileBytes);
        return { text, source: p };
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
      const result = await runCommand(cmd.argv, timeoutMs);
      // Some commands answer through their exit code and still print the answer
      // (`systemctl is-active` prints `inactive` and exits 3): keep any stdout.
      if (result.stdout.length > 0) return { stdout: result.stdout, source: line };
      reasons.set(line, commandReason(line, cmd.argv[0] ?? '', result));
      if (typeof result.code === 'number' && result.code !== 0 && !result.timedOut && result.stderr.trim() !== '') failures.set(line, result.stderr);
      return undefined;
    },
  };
}

interface RunResult {
  stdout: string;
  stderr: string;
  code?: number | string | null;
  timedOut: boolean;
}

function runCommand(argv: readonly string[], timeoutMs: number): Promise<RunResult> {
  const [file, ...args] = argv;
  return new Promise((resolve) => {
    execFile(
      file ?? 'true',
      args,
      { timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, LC_ALL: 'C', LANG: 'C' }, encoding: 'utf8' },
      (err, stdout, stderr) => {
        const e = err as (NodeJS.ErrnoException & { killed?: boolean; signal?: string }) | null;
        resolve({ stdout: stdout ?? '', stderr: stderr ?? '', code: e?.code ?? 0, timedOut: !!e?.killed && e.signal === 'SIGTERM' });
      },
    );
  });
}

function commandReason(line: string, exe: string, r: RunResult): string {
  if (r.code === 'ENOENT') return `${exe}: not installed`;
  if (r.code === 'EACCES') return `${exe}: permission denied`;
  if (r.timedOut) return `${line}: timed out`;
  const firstErr = r.stderr.split('\n').find((l) => l.trim() !== '')?.trim();
  if (r.code !== 0) return `${line}: exit ${String(r.code)}${firstErr ? `: ${firstErr}` : ''}`;
  return `${line}: printed nothing`;
}

function fileReason(p: string, e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return `${p}: absent`;
  if (code === 'EACCES' || code === 'EPERM') return `${p}: permission denied`;
  return `${p}: ${code ?? String(e)}`;
}

/** Reads a whole file, or only its last `max` bytes (cut at a line start) when it is bigger. */
async function readCapped(file: string, max: number): Promise<string> {
  const st = await stat(file);
  if (st.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
  const fh = await open(file, 'r');
  try {
    // /proc and /sys files report size 0: read them to EOF.
    if (st.size <= max) return (await fh.readFile()).toString('utf8');
    const buf = Buffer.alloc(max);
    const { bytesRead } = await fh.read(buf, 0, max, st.size - max);
    const text = buf.subarray(0, bytesRead).toString('utf8');
    const nl = text.indexOf('\n');
    return nl >= 0 ? text.slice(nl + 1) : text;
  } finally {
    await fh.close();
  }
}
