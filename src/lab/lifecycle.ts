// lab up / lab down. Up writes the lab's state (its plan: every namespace it will make) before
// making anything, so down can remove exactly what the lab made, even after a crash, and nothing
// else: not a namespace that merely looks like a lab's (another run dir's lab, a test suite's, a
// user's), not a process outside the lab's own namespaces, not a file outside its own directory.
import { lstat, mkdir, readdir, readFile, readlink, rmdir, stat, symlink, unlink, writeFile } from 'node:fs/promises';
import { KUBE_OBJECTS_FILE, labKubeObjects } from './kube-objects.js';
import { dirname, join } from 'node:path';
import { PodpathError } from '../util/errors.js';
import { isLabName, isLabNamespace, LAB_RUN_DIR, labDir, labsOf, validateLabName } from './names.js';
import { listNamespaces, requireRoot, run, runParallel } from './run.js';
import { ownLabDir, readState, writeState, type LabState } from './state.js';
import { buildPhases, labNamespaces, nodeFiles, planLab, type LabOptions, type LabPlan } from './topology.js';

/** Where `ip netns add` mounts namespaces (iproute2's NETNS_RUN_DIR). */
const NETNS_RUN_DIR = '/run/netns';

export async function labUp(options: LabOptions): Promise<{ state: LabState; ms: number }> {
  requireRoot();
  const t0 = performance.now();
  const plan = planLab(options);
  const mine = labNamespaces(plan);
  const present = new Set(await listNamespaces());
  const taken = mine.filter((ns) => present.has(ns));
  if (await readState(plan.name)) {
    throw new PodpathError('E_LAB_EXISTS', `lab "${plan.name}" already exists (${labDir(plan.name)}); run \`podpath lab down --name ${plan.name}\` first`);
  }
  if (taken.length > 0) {
    throw new PodpathError('E_LAB_EXISTS', `namespaces ${taken.join(', ')} already exist and were not made by a lab in ${LAB_RUN_DIR} (another run dir's lab, a test's, a user's): choose another --name; podpath does not remove them`);
  }
  // Claim the name: mkdir without `recursive` fails if another `lab up` got there first.
  await mkdir(LAB_RUN_DIR, { recursive: true, mode: 0o755 });
  try {
    await mkdir(labDir(plan.name), { mode: 0o755 });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw new PodpathError('E_LAB_EXISTS', `${labDir(plan.name)} already exists; run \`podpath lab down --name ${plan.name}\` first`);
    throw e;
  }
  const state: LabState = { version: 1, createdAt: new Date().toISOString(), phase: 'building', plan, faults: [] };
  try {
    // Recorded before the first namespace exists: a crash from here on leaves a lab down can remove.
    await writeState(state);
    for (const phase of buildPhases(plan)) await runParallel(phase);
    await writeNodeRoots(plan);
    state.phase = 'up';
    await writeState(state);
    return { state, ms: performance.now() - t0 };
  } catch (e) {
    // Half a lab is worse than none: remove what was built, then report the first error.
    await labDown(plan.name).catch(() => undefined);
    throw e;
  }
}

async function writeNodeRoots(plan: LabPlan): Promise<void> {
  // The cluster's view of the lab, as a kubectl dump (kube-objects.ts).
  const kube = join(plan.dir, KUBE_OBJECTS_FILE);
  await mkdir(dirname(kube), { recursive: true });
  await writeFile(kube, JSON.stringify(labKubeObjects(plan), null, 2) + '\n');
  for (const n of plan.nodes) {
    for (const [rel, text] of Object.entries(nodeFiles(plan, n))) {
      const path = join(n.root, rel);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, text);
    }
    // /proc and /sys as the node sees them: under `ip netns exec` they are the namespace's own, so a
    // tool reading files under the root (`doctor --root`) finds /proc/net/snmp, /proc/sys/... there.
    await symlink('/proc', join(n.root, 'proc'));
    await symlink('/sys', join(n.root, 'sys'));
  }
}

export interface DownResult {
  removed: string[];
  killed: number[];
  /** `pplab-<lab>-*` namespaces present that this lab's state does not list: left alone. */
  notRecorded: string[];
  /** false when there was no lab directory (nothing recorded, nothing removed) */
  recorded: boolean;
  ms: number;
}

/** Idempotent: removes what the lab recorded and still exists, says what it removed and what it left. */
export async function labDown(lab: string): Promise<DownResult> {
  validateLabName(lab);
  requireRoot();
  const t0 = performance.now();
  const dir = await ownLabDir(lab);
  // An unreadable state.json (cut short, edited) records nothing: its namespaces are left alone
  // (reported in notRecorded), the directory itself is the lab's and goes.
  const state = dir ? await readState(lab).catch((e: unknown) => {
    if (e instanceof PodpathError && e.code === 'E_LAB_STATE') return undefined;
    throw e;
  }) : undefined;
  // Only the plan's own names, and only names of this lab's form (a state file is input too).
  const recorded = state ? labNamespaces(state.plan).filter((ns) => isLabNamespace(ns, lab)) : [];
  const present = await listNamespaces();
  const mine = recorded.filter((ns) => present.includes(ns));
  const notRecorded = present.filter((ns) => isLabNamespace(ns, lab) && !recorded.includes(ns)).sort();
  // A process left inside keeps its namespace (and the links in it) alive after `netns del`:
  // end the processes inside the lab's own namespaces first, so nothing of the lab survives unseen.
  const killed = await endProcessesIn(mine);
  if (mine.length > 0) {
    // -force: keep deleting the others if one vanished meanwhile.
    await run({ argv: ['ip', '-force', '-batch', '-'], stdin: mine.map((ns) => `netns del ${ns}`).join('\n') + '\n' }).catch(() => undefined);
    const left = (await listNamespaces()).filter((ns) => mine.includes(ns));
    if (left.length > 0) throw new PodpathError('E_LAB_DOWN', `could not delete namespaces: ${left.join(', ')}`);
  }
  if (dir) await removeTree(dir);
  return { removed: mine, killed, notRecorded, recorded: dir !== undefined, ms: performance.now() - t0 };
}

interface ProcId {
  pid: number;
  /** /proc/<pid>/stat field 22: with the pid, names one process for its whole life */
  start: string;
}

/** The network namespace inode of a named namespace (the nsfs file `ip netns add` mounted). */
export async function netnsInode(ns: string): Promise<bigint | undefined> {
  return (await stat(join(NETNS_RUN_DIR, ns), { bigint: true }).catch(() => undefined))?.ino;
}

export async function processNetns(pid: number): Promise<bigint | undefined> {
  const link = await readlink(`/proc/${pid}/ns/net`).catch(() => undefined);
  const m = link ? /^net:\[(\d+)\]$/.exec(link) : null;
  return m ? BigInt(m[1]!) : undefined;
}

export async function startTime(pid: number): Promise<string | undefined> {
  const text = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  // The command name (field 2) may hold spaces and parentheses: count fields after the last ')'.
  return text?.slice(text.lastIndexOf(')') + 2).split(' ')[19];
}

/** Processes whose network namespace is one of `inodes`, each with its start time. */
async function processesIn(inodes: Set<bigint>): Promise<ProcId[]> {
  const out: ProcId[] = [];
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    if (pid === process.pid) continue;
    const start = await startTime(pid);
    const ino = await processNetns(pid);
    if (start !== undefined && ino !== undefined && inodes.has(ino) && (await startTime(pid)) === start) out.push({ pid, start });
  }
  return out;
}

/**
 * Ends the processes inside the lab's own namespaces. Each is signalled only while it is still the
 * same process (pid and start time) in one of those namespaces: a pid reused meanwhile is not.
 */
async function endProcessesIn(namespaces: string[]): Promise<number[]> {
  const inodes = new Set((await Promise.all(namespaces.map(netnsInode))).filter((x): x is bigint => x !== undefined));
  if (inodes.size === 0) return [];
  const procs = await processesIn(inodes);
  const signal = async (sig: NodeJS.Signals | 0): Promise<ProcId[]> => {
    const alive: ProcId[] = [];
    for (const p of procs) {
      const ino = await processNetns(p.pid);
      if ((await startTime(p.pid)) !== p.start || ino === undefined || !inodes.has(ino)) continue;
      try {
        process.kill(p.pid, sig);
        alive.push(p);
      } catch {
        // gone meanwhile
      }
    }
    return alive;
  };
  if ((await signal('SIGTERM')).length > 0) {
    for (let i = 0; i < 20 && (await signal(0)).length > 0; i++) await new Promise((r) => setTimeout(r, 50));
    await signal('SIGKILL');
  }
  return procs.map((p) => p.pid);
}

/**
 * Removes the lab's directory tree: symlinks are unlinked, never followed; a directory on another
 * file system (something mounted inside) is refused, not emptied.
 */
async function removeTree(dir: string): Promise<void> {
  const top = await lstat(dir);
  const walk = async (d: string): Promise<void> => {
    for (const name of await readdir(d)) {
      const p = join(d, name);
      const st = await lstat(p).catch(() => undefined);
      if (!st) continue;
      if (st.isDirectory()) {
        if (st.dev !== top.dev) throw new PodpathError('E_LAB_DOWN', `${p} is a mount point inside the lab's directory: not removed (unmount it, then run lab down again)`);
        await walk(p);
        await rmdir(p);
      } else await unlink(p);
    }
  };
  await walk(dir);
  await rmdir(dir);
}

/** The labs recorded in the run dir: real directories with a lab's name (what `lab down --all` removes). */
export async function recordedLabs(): Promise<string[]> {
  const entries = await readdir(LAB_RUN_DIR, { withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isDirectory() && isLabName(e.name)).map((e) => e.name).sort();
}

/** Labs whose namespaces are up (recorded here or not): for status and for saying what was left alone. */
export async function existingLabs(): Promise<string[]> {
  return labsOf(await listNamespaces());
}
