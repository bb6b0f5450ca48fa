// The lab's state.json: its plan and the faults now injected, each with the exact undo steps.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { PodpathError } from '../util/errors.js';
import { labDir } from './names.js';
import type { LabPlan, Step } from './topology.js';

/** A file a fault wrote (emulated evidence), removed by heal. */
export interface UndoStep extends Step {
  /** when set, heal removes this file instead of running argv */
  removeFile?: string;
  /** when set, heal removes this directory if it is empty (one a fault created) */
  removeDir?: string;
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

export interface LabState {
  version: 1;
  createdAt: string;
  plan: LabPlan;
  faults: AppliedFault[];
}

export const statePath = (lab: string): string => `${labDir(lab)}/state.json`;

export async function readState(lab: string): Promise<LabState | undefined> {
  let text: string;
  try {
    text = await readFile(statePath(lab), 'utf8');
  } catch {
    return undefined;
  }
  try {
    return JSON.parse(text) as LabState;
  } catch (e) {
    throw new PodpathError('E_LAB_STATE', `${statePath(lab)} is not valid JSON (${(e as Error).message}); run \`podpath lab down --name ${lab}\``);
  }
}

export async function requireState(lab: string): Promise<LabState> {
  const s = await readState(lab);
  if (!s) throw new PodpathError('E_LAB_MISSING', `no lab "${lab}" (no ${statePath(lab)}); create it with \`podpath lab up --name ${lab}\``);
  return s;
}

export async function writeState(state: LabState): Promise<void> {
  await mkdir(labDir(state.plan.name), { recursive: true });
  const tmp = statePath(state.plan.name) + '.tmp';
  await writeFile(tmp, JSON.stringify(state, null, 2) + '\n');
  await rename(tmp, statePath(state.plan.name));
}
