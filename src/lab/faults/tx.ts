// FaultTx: runs a fault's steps and keeps the exact undo list; heal runs it.
import { lstat, mkdir, readFile, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import { dirname, relative, resolve, sep } from 'node:path';
import { PodpathError } from '../../util/errors.js';
import { describeStep, run, runRaw } from '../run.js';
import type { UndoStep } from '../state.js';
import type { Step } from '../topology.js';
import type { FaultTxLike } from './types.js';

export class FaultTx implements FaultTxLike {
  /** in the order heal must run them */
  readonly undo: UndoStep[] = [];

  async do(step: Step, undo?: UndoStep | UndoStep[]): Promise<string> {
    const out = await run(step);
    // Heal runs newest first: the new steps go in front, in their own order.
    const steps = undo === undefined ? [] : Array.isArray(undo) ? undo : [undo];
    for (let i = steps.length - 1; i >= 0; i--) this.undo.unshift(steps[i]!);
    return out;
  }

  async writeFile(path: string, text: string): Promise<void> {
    // Directories this creates are removed again at heal (deepest first), if still empty.
    const created: string[] = [];
    for (let d = dirname(path); d !== dirname(d); d = dirname(d)) {
      if (await stat(d).then(() => true, () => false)) break;
      created.push(d);
    }
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, text);
    const steps: UndoStep[] = [{ argv: [], removeFile: path }, ...created.map((d) => ({ argv: [], removeDir: d }))];
    for (let i = steps.length - 1; i >= 0; i--) this.undo.unshift(steps[i]!);
  }

  async replaceFile(path: string, text: string): Promise<void> {
    const st = await lstat(path).catch(() => undefined);
    if (!st?.isFile()) throw new PodpathError('E_LAB_FAULT', `${path} is not a regular file: not replaced`);
    const before = await readFile(path, 'utf8');
    await writeFile(path, text);
    this.undo.unshift({ argv: [], restoreFile: path, content: before });
  }

  read(step: Step): Promise<string> {
    return run(step);
  }
}

/**
 * True when `path` lies inside `dir` and no directory on the way there is a symlink: the files a
 * fault wrote are in its lab's node roots, and heal removes nothing else whatever state.json says.
 */
export async function insideWithoutSymlinks(path: string, dir: string): Promise<boolean> {
  const rel = relative(resolve(dir), resolve(path));
  if (rel === '' || rel.startsWith('..') || rel.startsWith(sep)) return false;
  let p = resolve(dir);
  for (const part of rel.split(sep).slice(0, -1)) {
    p = resolve(p, part);
    const st = await lstat(p).catch(() => undefined);
    if (!st || st.isSymbolicLink() || !st.isDirectory()) return false;
  }
  return true;
}

/**
 * Runs undo steps in order; keeps going past failures and reports them all at the end. Files and
 * directories are removed only inside `within` (the lab's directory).
 */
export async function runUndo(steps: UndoStep[], within: string): Promise<void> {
  const errors: string[] = [];
  for (const s of steps) {
    const path = s.removeFile ?? s.removeDir ?? s.restoreFile;
    if (path !== undefined && !(await insideWithoutSymlinks(path, within))) {
      errors.push(`${path} is not inside ${within}: not ${s.restoreFile ? 'restored' : 'removed'}`);
      continue;
    }
    if (s.restoreFile) {
      // The file itself must not have become a symlink either: writeFile would follow it out of the lab.
      const st = await lstat(s.restoreFile).catch(() => undefined);
      if (st && !st.isFile()) errors.push(`${s.restoreFile} is no longer a regular file: not restored`);
      else await writeFile(s.restoreFile, s.content ?? '');
      continue;
    }
    if (s.removeFile) {
      await rm(s.removeFile, { force: true });
      continue;
    }
    if (s.removeDir) {
      await rmdir(s.removeDir).catch(() => undefined);
      continue;
    }
    const r = await runRaw(s);
    if (r.code !== 0 && !s.optional) errors.push(`${describeStep(s)}: ${r.stderr.trim().split('\n')[0] ?? ''}`);
  }
  if (errors.length > 0) throw new PodpathError('E_LAB_HEAL', `heal left work undone: ${errors.join('; ')}`);
}
