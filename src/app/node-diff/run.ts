// The node diff as a use case: read both nodes' evidence (bundle, sosreport or facts file), compare
// them, and decide the exit code. Exit 0: nothing relevant differs; 1: something does; 3: nothing
// differs, but a side's bundle is incomplete (cut short, damaged or empty); errors are thrown (2).
import type { NodeFacts, ReadNote } from '../../evidence/node-facts.js';
import type { NodeDiff } from '../../evidence/node-diff.js';
import { EXIT_INCONCLUSIVE, isInconclusive } from '../../report/model.js';
import { collectNodeFacts } from '../../sources/collect.js';
import { PodpathError, isPodpathError } from '../../util/errors.js';
import { COMPARED_SECTIONS, nodeDiff } from './node-diff.js';

export type NodeDiffSide = 'A' | 'B';

export interface NodeDiffOptions {
  /** The healthy node's evidence. */
  a: string;
  /** The broken node's evidence. */
  b: string;
  /** How a side was read (a bundle cut short, files cut at the size cap): told as soon as both are read. */
  onNote?: (side: NodeDiffSide, path: string, note: ReadNote) => void;
  /** Replaces reading the evidence (tests). */
  load?: (path: string) => Promise<NodeFacts>;
}

export interface NodeDiffRun {
  diff: NodeDiff;
  exitCode: number;
}

async function load(side: NodeDiffSide, path: string, read: (path: string) => Promise<NodeFacts>): Promise<NodeFacts> {
  try {
    return await read(path);
  } catch (e) {
    if (isPodpathError(e)) throw new PodpathError(e.code, `${side} (${path}): ${e.message}`, { exitCode: 2, cause: e });
    throw e;
  }
}

export async function runNodeDiff(opts: NodeDiffOptions): Promise<NodeDiffRun> {
  const read = opts.load ?? ((from: string) => collectNodeFacts({ from, needs: COMPARED_SECTIONS }));
  const fa = await load('A', opts.a, read);
  const fb = await load('B', opts.b, read);
  for (const [side, path, f] of [['A', opts.a, fa], ['B', opts.b, fb]] as const) for (const n of f.notes ?? []) opts.onNote?.(side, path, n);
  const comparable = COMPARED_SECTIONS.filter((s) => fa[s] !== undefined && fb[s] !== undefined);
  if (comparable.length === 0) {
    throw new PodpathError('E_DIFF_NOTHING_COMPARABLE', `A and B have no evidence section in common (A has: ${present(fa)}; B has: ${present(fb)})`);
  }
  const diff = nodeDiff(fa, fb);
  // "Nothing differs" means nothing when a side's evidence is incomplete.
  return { diff, exitCode: diff.relevantCount > 0 ? 1 : isInconclusive(fa) || isInconclusive(fb) ? EXIT_INCONCLUSIVE : 0 };
}

function present(f: NodeFacts): string {
  const have = COMPARED_SECTIONS.filter((s) => f[s] !== undefined);
  return have.length > 0 ? have.join(', ') : 'none';
}
