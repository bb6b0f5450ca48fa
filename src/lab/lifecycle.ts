// lab up / lab down: build the plan's namespaces and devices, write node roots and state; remove
// every `pplab-<lab>-*` namespace (with or without state) and the state directory.
import { mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { PodpathError } from '../util/errors.js';
import { isLabNamespace, labDir, labsOf } from './names.js';
import { listNamespaces, requireRoot, run, runParallel } from './run.js';
import { writeState, type LabState } from './state.js';
import { buildPhases, nodeFiles, planLab, type LabOptions, type LabPlan } from './topology.js';

export async function labUp(options: LabOptions): Promise<{ state: LabState; ms: number }> {
  requireRoot();
  const t0 = performance.now();
  const plan = planLab(options);
  const existing = (await listNamespaces()).filter((ns) => isLabNamespace(ns, plan.name));
  if (existing.length > 0) {
    throw new PodpathError('E_LAB_EXISTS', `lab "${plan.name}" already exists (${existing.join(', ')}); run \`podpath lab down --name ${plan.name}\` first`);
  }
  try {
    for (const phase of buildPhases(plan)) await runParallel(phase);
    await writeNodeRoots(plan);
    const state: LabState = { version: 1, createdAt: new Date().toISOString(), plan, faults: [] };
    await writeState(state);
    return { state, ms: performance.now() - t0 };
  } catch (e) {
    // Half a lab is worse than none: remove what was built, then report the first error.
    await labDown(plan.name).catch(() => undefined);
    throw e;
  }
}

async function writeNodeRoots(plan: LabPlan): Promise<void> {
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

/** Idempotent: removes what exists, says what it removed. */
export async function labDown(lab: string): Promise<{ removed: string[]; killed: number[]; ms: number }> {
  requireRoot();
  const t0 = performance.now();
  const mine = (await listNamespaces()).filter((ns) => isLabNamespace(ns, lab));
  // A process left inside keeps its namespace (and the links in it) alive after `netns del`:
  // end the lab's processes first, so nothing of the lab survives unseen.
  const killed = await endProcessesIn(mine);
  if (mine.length > 0) {
    // -force: keep deleting the others if one vanished meanwhile.
    await run({ argv: ['ip', '-force', '-batch', '-'], stdin: mine.map((ns) => `netns del ${ns}`).join('\n') + '\n' }).catch(() => undefined);
    const left = (await listNamespaces()).filter((ns) => isLabNamespace(ns, lab));
    if (left.length > 0) throw new PodpathError('E_LAB_DOWN', `could not delete namespaces: ${left.join(', ')}`);
  }
  await rm(labDir(lab), { recursive: true, force: true });
  return { removed: mine, killed, ms: performance.now() - t0 };
}

async function endProcessesIn(namespaces: string[]): Promise<number[]> {
  const pids = (await Promise.all(namespaces.map((ns) => run({ argv: ['ip', 'netns', 'pids', ns] }).catch(() => ''))))
    .flatMap((out) => out.split('\n').map((l) => Number(l.trim())).filter((n) => Number.isInteger(n) && n > 1 && n !== process.pid));
  const signal = (sig: NodeJS.Signals | 0) => pids.filter((pid) => {
    try {
      process.kill(pid, sig);
      return true;
    } catch {
      return false;
    }
  });
  if (signal('SIGTERM').length === 0) return pids;
  for (let i = 0; i < 20 && signal(0).length > 0; i++) await new Promise((r) => setTimeout(r, 50));
  signal('SIGKILL');
  return pids;
}

export async function existingLabs(): Promise<string[]> {
  return labsOf(await listNamespaces());
}
