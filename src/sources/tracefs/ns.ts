// Which namespaces the tracer runs in. The host's are those of pid 1, or, where pid 1's links
// cannot be read (a non-dumpable init, as in some sandboxes), of kthreadd (pid 2), which never
// leaves them.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';

export type NsKind = 'net' | 'mnt';

export function nsInode(kind: NsKind, pid: number | 'self' = 'self'): number | undefined {
  try {
    return statSync(`/proc/${pid}/ns/${kind}`).ino;
  } catch {
    return undefined;
  }
}

function initNsInode(kind: NsKind): number | undefined {
  const one = nsInode(kind, 1);
  if (one !== undefined) return one;
  try {
    if (readFileSync('/proc/2/comm', 'utf8').trim() !== 'kthreadd') return undefined;
  } catch {
    return undefined;
  }
  return nsInode(kind, 2);
}

/** True in the host's namespace of that kind; undefined when it cannot be told. */
export function inInitNs(kind: NsKind): boolean | undefined {
  const own = nsInode(kind);
  const init = initNsInode(kind);
  return own === undefined || init === undefined ? undefined : own === init;
}

/** A pid whose net namespace is the host's and whose ns link can be opened (1, else kthreadd). */
function initNetPid(): number | undefined {
  if (nsInode('net', 1) !== undefined) return 1;
  try {
    return readFileSync('/proc/2/comm', 'utf8').trim() === 'kthreadd' && nsInode('net', 2) !== undefined ? 2 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A global net sysctl (e.g. /proc/sys/net/netfilter/nf_log_all_netns) exists only in the host's
 * namespace: from another one it is reached by running sysctl there (nsenter). Returns the argv
 * to run, or undefined to use the file directly.
 */
export function hostSysctlArgv(path: string, value?: string): string[] | undefined {
  if (existsSync(path)) return undefined;
  const pid = initNetPid();
  if (pid === undefined) return undefined;
  const key = path.replace(/^\/proc\/sys\//, '').replace(/\//g, '.');
  return ['nsenter', `--net=/proc/${pid}/ns/net`, 'sysctl', ...(value === undefined ? ['-n', key] : ['-qw', `${key}=${value}`])];
}

export function readHostSysctl(path: string): string | undefined {
  const argv = hostSysctlArgv(path);
  try {
    return (argv ? execFileSync(argv[0]!, argv.slice(1), { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }) : readFileSync(path, 'utf8')).trim();
  } catch {
    return undefined;
  }
}

export function writeHostSysctl(path: string, value: string): void {
  const argv = hostSysctlArgv(path, value);
  if (argv) execFileSync(argv[0]!, argv.slice(1), { stdio: ['ignore', 'ignore', 'pipe'] });
  else writeFileSync(path, value);
}
