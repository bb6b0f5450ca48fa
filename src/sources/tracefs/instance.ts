// A private tracefs instance (instances/podpath-<pid>): nobody else's tracing is touched, and
// removing the directory removes everything podpath enabled in it. Finds tracefs (mounting it
// only when absent), removes instances that crashed runs left behind, enables events with
// filters, and reads trace_pipe without blocking (O_NONBLOCK: a blocked read would hold the
// instance busy and keep rmdir from removing it). Every change goes through the ChangeLog.
import { execFileSync } from 'node:child_process';
import { constants, closeSync, existsSync, mkdirSync, openSync, readdirSync, readSync, rmdirSync, statSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PodpathError } from '../../util/errors.js';
import { shellJoin, shellQuote } from '../../util/shell-quote.js';
import { ChangeLog, echoTo, errorText } from './changes.js';
import { currentMntns, inInitMntns } from './journal.js';

export const INSTANCE_PREFIX = 'podpath-';

/** The usual places; /proc/mounts is read for any other. */
const TRACEFS = '/sys/kernel/tracing' as const;
const DEBUGFS = '/sys/kernel/debug' as const;

/** Tracing directories mounted now, best first: tracefs mounts, then debugfs/tracing (3.10, 4.0). */
export function tracingDirsFromMounts(mounts: string): string[] {
  const tracefs: string[] = [];
  const debugfs: string[] = [];
  for (const line of mounts.split('\n')) {
    const [, mountpoint, type] = line.split(' ');
    if (!mountpoint || !type) continue;
    // /proc/mounts escapes space, tab, newline and backslash as octal.
    const dir = mountpoint.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
    if (type === 'tracefs') tracefs.push(dir);
    else if (type === 'debugfs') debugfs.push(join(dir, 'tracing'));
  }
  tracefs.sort((a, b) => Number(b === TRACEFS) - Number(a === TRACEFS));
  return [...tracefs, ...debugfs];
}

function isTracingDir(dir: string): boolean {
  return existsSync(join(dir, 'instances')) && existsSync(join(dir, 'trace_marker'));
}

/** Finds the tracing directory, mounting tracefs (or debugfs on kernels before 4.1) when none is mounted. */
export async function findTracefs(log: ChangeLog): Promise<string> {
  const mounts = await readFile('/proc/mounts', 'utf8').catch(() => '');
  for (const dir of tracingDirsFromMounts(mounts)) if (isTracingDir(dir)) return dir;
  const tries: { type: string; target: typeof TRACEFS | typeof DEBUGFS; dir: string }[] = [
    { type: 'tracefs', target: TRACEFS, dir: TRACEFS },
    { type: 'debugfs', target: DEBUGFS, dir: join(DEBUGFS, 'tracing') },
  ];
  const errors: string[] = [];
  for (const t of tries) {
    if (!existsSync(t.target)) continue;
    // Mounted already (e.g. debugfs without tracing in it): not ours to mount again.
    if (mounts.split('\n').some((l) => l.split(' ')[1] === t.target)) continue;
    const argv = ['mount', '-t', t.type, 'nodev', t.target];
    const mntns = currentMntns();
    // Journalled only in the host's mount namespace: a private one (ip netns exec) dies with us.
    const journal = mntns !== undefined && inInitMntns() ? { kind: 'umount' as const, target: t.target, mntns } : undefined;
    try {
      await log.change(shellJoin(argv), shellJoin(['umount', t.target]),
        () => { execFileSync(argv[0]!, argv.slice(1), { stdio: ['ignore', 'ignore', 'pipe'] }); },
        () => { execFileSync('umount', [t.target], { stdio: ['ignore', 'ignore', 'pipe'] }); },
        journal);
    } catch (e) {
      errors.push(`${shellJoin(argv)}: ${errorText(e)}`);
      continue;
    }
    if (isTracingDir(t.dir)) return t.dir;
  }
  throw new PodpathError('E_TRACEFS', `no tracefs found or mountable${errors.length ? ` (${errors.join('; ')})` : ''}: tracing needs root and a kernel with CONFIG_FTRACE`);
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes `instances/podpath-<pid>` left by runs that died (SIGKILL, a crash, power loss of the
 * process). rmdir alone is enough: the kernel disables the instance's events with it, and refuses
 * (EBUSY) while anyone still reads it, so a live tracer in another pid namespace is never hurt.
 */
export function removeDeadInstances(root: string, log: ChangeLog, self = process.pid): void {
  let names: string[];
  try {
    names = readdirSync(join(root, 'instances'));
  } catch {
    return;
  }
  for (const name of names) {
    const m = /^podpath-(\d{1,10})$/.exec(name);
    if (!m) continue;
    const pid = Number(m[1]);
    if (pid === self || pidAlive(pid)) continue;
    const dir = join(root, 'instances', name);
    const did = shellJoin(['rmdir', dir]);
    try {
      rmdirSync(dir);
      log.leftover(`tracefs instance ${name} (process ${pid} is gone)`, did);
    } catch (e) {
      log.leftover(`tracefs instance ${name} (process ${pid} is gone)`, did, errorText(e));
    }
  }
}

export class TraceInstance {
  private constructor(readonly root: string, readonly name: string, private readonly log: ChangeLog) {}

  get dir(): string {
    return join(this.root, 'instances', this.name);
  }

  static async create(root: string, log: ChangeLog, pid = process.pid): Promise<TraceInstance> {
    const inst = new TraceInstance(root, `${INSTANCE_PREFIX}${pid}`, log);
    const dir = inst.dir;
    if (existsSync(dir)) throw new PodpathError('E_TRACE_INSTANCE', `${dir} exists already (another podpath with this pid?)`);
    await log.change(shellJoin(['mkdir', dir]), shellJoin(['rmdir', dir]), () => mkdirInstance(dir), () => rmdirSync(dir));
    return inst;
  }

  path(...parts: string[]): string {
    return join(this.dir, ...parts);
  }

  async read(...parts: string[]): Promise<string> {
    return readFile(this.path(...parts), 'utf8');
  }

  has(...parts: string[]): boolean {
    return existsSync(this.path(...parts));
  }

  /** Writes a tracefs control file, with the write that restores it as undo. */
  async set(parts: string[], value: string, restore: string): Promise<void> {
    const p = this.path(...parts);
    await this.log.change(echoTo(value, p), echoTo(restore, p), () => writeControl(p, value), () => writeControl(p, restore));
  }

  async setFilter(system: string, event: string, filter: string): Promise<void> {
    // Writing 0 clears an event filter.
    await this.set(['events', system, event, 'filter'], filter, '0');
  }

  async enable(system: string, event: string): Promise<void> {
    await this.set(['events', system, event, 'enable'], '1', '0');
  }

  /** A line in this instance's own buffer: how windows are cut on the trace clock. */
  marker(text: string): void {
    writeFileSync(this.path('trace_marker'), text);
  }

  /** Opens trace_pipe non-blocking; closed (before the instance is removed) by the change log. */
  openPipe(): TracePipe {
    const fd = openSync(this.path('trace_pipe'), constants.O_RDONLY | constants.O_NONBLOCK);
    const pipe = new TracePipe(fd);
    this.log.defer(() => pipe.close());
    return pipe;
  }

  /** Events the ring buffer overwrote before they were read, over all CPUs. */
  async overrun(): Promise<number | undefined> {
    let total = 0;
    let found = false;
    let cpus: string[];
    try {
      cpus = readdirSync(this.path('per_cpu'));
    } catch {
      return undefined;
    }
    for (const cpu of cpus) {
      const text = await this.read('per_cpu', cpu, 'stats').catch(() => '');
      const m = /^overrun: (\d+)$/m.exec(text);
      if (m) {
        found = true;
        total += Number(m[1]);
      }
    }
    return found ? total : undefined;
  }
}

function mkdirInstance(dir: string): void {
  try {
    mkdirSync(dir);
  } catch (e) {
    throw new PodpathError('E_TRACE_INSTANCE', `cannot create ${dir}: ${errorText(e)}`);
  }
}

function writeControl(path: string, value: string): void {
  try {
    writeFileSync(path, value);
  } catch (e) {
    throw new PodpathError('E_TRACEFS_WRITE', `echo ${shellQuote(value)} > ${path}: ${errorText(e)}`);
  }
}

/** trace_pipe opened with O_NONBLOCK: read() returns what is there, EAGAIN when empty. */
export class TracePipe {
  private closed = false;
  private readonly buf = Buffer.allocUnsafe(256 * 1024);

  constructor(private readonly fd: number) {}

  /** Whatever is buffered now (possibly empty); never waits. */
  readAvailable(maxBytes: number): Buffer {
    const chunks: Buffer[] = [];
    let total = 0;
    while (!this.closed && total < maxBytes) {
      let n: number;
      try {
        n = readSync(this.fd, this.buf, 0, Math.min(this.buf.length, maxBytes - total), null);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EAGAIN' || (e as NodeJS.ErrnoException).code === 'EINTR') break;
        throw e;
      }
      if (n <= 0) break;
      chunks.push(Buffer.from(this.buf.subarray(0, n)));
      total += n;
    }
    return Buffer.concat(chunks);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    closeSync(this.fd);
  }
}

/** The tracer's own network namespace inode (devices of this netns can be placed in it). */
export function ownNetnsInode(): number | undefined {
  try {
    return statSync('/proc/self/ns/net').ino;
  } catch {
    return undefined;
  }
}

/** The netns inode of a device name, when the device is in the tracer's own namespace. */
export function netnsOfDevice(ownInode: number | undefined): (device: string) => number | undefined {
  return (device) => {
    if (ownInode === undefined || !/^[^/\s]{1,15}$/.test(device) || device === '.' || device === '..') return undefined;
    return existsSync(join('/sys/class/net', device)) ? ownInode : undefined;
  };
}
