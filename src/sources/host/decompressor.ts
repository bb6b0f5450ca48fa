// xz and bzip2 run as children (node has neither): the archive is piped into their stdin and their
// stdout is read, so nothing is written to disk and a child never outlives podpath. If podpath is
// killed outright (SIGKILL), the child's next write to its stdout fails (EPIPE) and it dies, and its
// stdin is at end; on SIGINT/SIGTERM and on exit the children are killed first.
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';

export type Decompressor = ChildProcessByStdio<Writable, Readable, Readable>;

const live = new Set<Decompressor>();

function killAll(): void {
  for (const c of live) c.kill('SIGKILL');
  live.clear();
}

function onSignal(signal: NodeJS.Signals): void {
  killAll();
  unhook();
  // Die of the signal as if no handler had been there (exit status 128+n for the shell).
  process.kill(process.pid, signal);
}

let hooked = false;
function hook(): void {
  if (hooked) return;
  hooked = true;
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('exit', killAll);
}

function unhook(): void {
  if (!hooked) return;
  hooked = false;
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  process.off('exit', killAll);
}

/** Starts `xz -dc` or `bzip2 -dc` reading stdin; it is killed with podpath. */
export function startDecompressor(tool: 'xz' | 'bzip2'): Decompressor {
  const child = spawn(tool, ['-dc'], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, LC_ALL: 'C', LANG: 'C' } });
  live.add(child);
  hook();
  const done = () => {
    live.delete(child);
    if (live.size === 0) unhook();
  };
  // 'error' alone when it could not start (no xz installed); 'close' once it ran and ended.
  child.on('error', done);
  child.on('close', done);
  return child;
}

/** Ends a decompressor now (the archive's end was found, or reading it failed). */
export function stopDecompressor(child: Decompressor): void {
  child.kill('SIGKILL');
}
