// The lab's state.json: its plan and the faults now injected, each with the exact undo steps.
import { lstat, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PodpathError } from '../util/errors.js';
import { LIMITS } from '../util/limits.js';
import { LAB_RUN_DIR, labDir } from './names.js';
import type { LabPlan, Step } from './topology.js';

/** A file a fault wrote (emulated evidence), removed by heal. */
export interface UndoStep extends Step {
  /** when set, heal removes this file instead of running argv */
  removeFile?: string;
  /** when set, heal removes this directory if it is empty (one a fault created) */
  removeDir?: string;
  /** when set, heal writes `content` back to this file (one a fault replaced) */
  restoreFile?: string;
  content?: string;
  /** heal goes on if this step fails (e.g. a table the user already deleted) */
  optional?: boolean;
}

export interface AppliedFault {
  name: string;
  node?: string;
  peer?: string;
  options: Record<string, string>;
  injectedAt: string;
  /** What the fault does, and what is emulated rather than natural. */
  notes: string[];
  undo: UndoStep[];
  /** `podpath doctor` on this node should name this rule first (absent: not visible on one node) */
  doctor?: { node: string; rule: string; command: string };
}

/** An agent `lab agents up` started inside a node or pod namespace (ended by `lab agents down` or `lab down`). */
export interface LabAgent {
  node: string;
  plane: 'host' | 'pod';
  ns: string;
  address: string;
  pid: number;
  /** The process's start time (/proc/PID/stat field 22): a pid reused later is not ours. */
  start: string;
  log: string;
}

export interface LabState {
  version: 1;
  createdAt: string;
  agents?: LabAgent[];
  /** `building` from before the first namespace is made until the lab is complete. */
  phase?: 'building' | 'up';
  plan: LabPlan;
  faults: AppliedFault[];
}

export const statePath = (lab: string): string => join(labDir(lab), 'state.json');

/** state.json is a few kB; anything far larger is not one podpath wrote. */
const MAX_STATE_BYTES = LIMITS.labStateBytes.value;

/**
 * The lab's directory, if it exists and is one podpath made: a real directory directly in the
 * run dir. A symlink there (or anything else) is refused, never followed: the lab's state, and
 * what `lab down` removes, are only ever read from and done inside the run dir.
 */
export async function ownLabDir(lab: string): Promise<string | undefined> {
  const dir = labDir(lab);
  const st = await lstat(dir).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return undefined;
    throw e;
  });
  if (!st) return undefined;
  if (!st.isDirectory()) {
    throw new PodpathError('E_LAB_STATE', `${dir} is ${st.isSymbolicLink() ? 'a symlink' : 'not a directory'}, not a lab directory podpath made: not read, not removed`);
  }
  return dir;
}

export async function readState(lab: string): Promise<LabState | undefined> {
  const dir = await ownLabDir(lab);
  if (!dir) return undefined;
  const path = join(dir, 'state.json');
  const st = await lstat(path).catch(() => undefined);
  if (!st) return undefined;
  if (!st.isFile() || st.size > MAX_STATE_BYTES) {
    throw new PodpathError('E_LAB_STATE', `${path} is not a state file podpath wrote (${st.isSymbolicLink() ? 'a symlink' : st.isFile() ? `${st.size} bytes` : 'not a regular file'}); \`podpath lab down --name ${lab}\` removes the directory but no namespace`);
  }
  let state: LabState;
  try {
    state = JSON.parse(await readFile(path, 'utf8')) as LabState;
  } catch (e) {
    throw new PodpathError('E_LAB_STATE', `${path} is not valid JSON (${(e as Error).message}); \`podpath lab down --name ${lab}\` removes the directory but no namespace`);
  }
  if (state?.version !== 1 || state.plan?.name !== lab || !Array.isArray(state.plan.nodes) || !Array.isArray(state.faults)) {
    throw new PodpathError('E_LAB_STATE', `${path} is not the state of lab "${lab}"; \`podpath lab down --name ${lab}\` removes the directory but no namespace`);
  }
  return state;
}

export async function requireState(lab: string): Promise<LabState> {
  const s = await readState(lab);
  if (!s) throw new PodpathError('E_LAB_MISSING', `no lab "${lab}" (no ${statePath(lab)}); create it with \`podpath lab up --name ${lab}\``);
  return s;
}

export async function writeState(state: LabState): Promise<void> {
  await mkdir(LAB_RUN_DIR, { recursive: true, mode: 0o755 });
  await mkdir(labDir(state.plan.name), { recursive: true, mode: 0o755 });
  await ownLabDir(state.plan.name); // never write through a symlink
  const tmp = statePath(state.plan.name) + '.tmp';
  await writeFile(tmp, JSON.stringify(state, null, 2) + '\n');
  await rename(tmp, statePath(state.plan.name));
}
