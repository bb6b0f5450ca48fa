// Names of everything a lab creates. Every namespace starts with `pplab-<lab>-`; `lab down` removes
// only the namespaces the lab's state recorded (written before the first one is made, so a crash
// is covered), never another namespace that merely looks like a lab's.
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { PodpathError } from '../util/errors.js';
import { displayLine } from '../util/terminal-safe.js';

export const LAB_PREFIX = 'pplab-';
/** Where each lab keeps its state.json and the per-node root directories. */
export const LAB_RUN_DIR = process.env.PODPATH_LAB_RUN_DIR ?? '/run/podpath-lab';

/** A plain name: a path component under the run dir (no `/`, no `..`) and part of every namespace name. */
const LAB_NAME = /^[a-z0-9]{1,10}$/;

export function isLabName(name: string): boolean {
  return typeof name === 'string' && LAB_NAME.test(name);
}

export function validateLabName(name: string): string {
  if (!isLabName(name)) {
    throw new PodpathError('E_LAB_NAME', `lab name "${displayLine(String(name), 40)}" must be 1-10 lowercase letters or digits`);
  }
  return name;
}

export const nodeName = (i: number): string => `n${i}`;
export const podName = (i: number, k: number): string => `n${i}p${k}`;
export const nodeNs = (lab: string, i: number): string => `${LAB_PREFIX}${lab}-${nodeName(i)}`;
export const switchNs = (lab: string): string => `${LAB_PREFIX}${lab}-sw`;
/** The router between the subnets (`lab up --subnets 2`). */
export const routerNs = (lab: string): string => `${LAB_PREFIX}${lab}-rt`;
export const podNs = (lab: string, i: number, k: number): string => `${LAB_PREFIX}${lab}-${podName(i, k)}`;
/** The lab's own directory: always a direct child of the run dir (the name is checked here too). */
export const labDir = (lab: string): string => join(LAB_RUN_DIR, validateLabName(lab));
export const nodeRoot = (lab: string, i: number): string => `${labDir(lab)}/${nodeName(i)}/root`;

/** True for the namespaces of this lab only: `pplab-a-n1` belongs to lab `a`, `pplab-ab-n1` does not. */
export function isLabNamespace(ns: string, lab: string): boolean {
  return new RegExp(`^${LAB_PREFIX}${lab}-(sw|rt|n\\d+(p\\d+)?)$`).test(ns);
}

/** Lab names present among namespace names (to name labs that are up but not recorded here). */
export function labsOf(namespaces: string[]): string[] {
  const labs = new Set<string>();
  for (const ns of namespaces) {
    const m = /^pplab-([a-z0-9]{1,10})-(sw|rt|n\d+(p\d+)?)$/.exec(ns);
    if (m) labs.add(m[1]!);
  }
  return [...labs].sort();
}

/**
 * A stable, locally administered unicast MAC (flanneld draws a random one; a stable one keeps the
 * plan a pure function and the fdb/neigh entries predictable).
 */
export function stableMac(seed: string): string {
  const h = createHash('sha256').update(seed).digest();
  const bytes = [0x0e, h[0]!, h[1]!, h[2]!, h[3]!, h[4]!];
  return bytes.map((b) => b.toString(16).padStart(2, '0')).join(':');
}

/** Calico names host-side veths `cali` + 11 hex characters of a hash of the workload. */
export function calicoVethName(seed: string): string {
  return 'cali' + createHash('sha1').update(seed).digest('hex').slice(0, 11);
}
