// Collects differences: a value compared on both nodes becomes a Difference only when it differs.
import type { EvidenceLine } from '../../evidence/node-facts.js';
import type { Category, Difference, Relevance } from '../../evidence/node-diff.js';
import type { NodeDiffNote } from '../../evidence/node-diff-notes.js';

/** One remark or several (said in one line). */
type Notes = NodeDiffNote | NodeDiffNote[] | undefined;
const listOf = (n: Notes): NodeDiffNote[] | undefined => (n === undefined ? undefined : Array.isArray(n) ? n : [n]);

export class NodeDiffSink {
  readonly items: Difference[] = [];

  /** Records `key` when the two values differ (undefined = absent on that side). */
  value(
    category: Category,
    key: string,
    a: string | number | boolean | undefined,
    b: string | number | boolean | undefined,
    relevance: Relevance,
    opts: { note?: Notes; evA?: EvidenceLine[]; evB?: EvidenceLine[] } = {},
  ): void {
    const sa = a === undefined ? undefined : String(a);
    const sb = b === undefined ? undefined : String(b);
    if (sa === sb) return;
    this.items.push({ category, key, a: sa, b: sb, relevance, note: listOf(opts.note), evidence: { a: opts.evA ?? [], b: opts.evB ?? [] } });
  }

  /** Records the members of two sets that are on one side only (`key` names the set). */
  sets(
    category: Category,
    key: string,
    a: Iterable<string>,
    b: Iterable<string>,
    relevance: Relevance,
    opts: { note?: Notes; max?: number; sourceA?: string; sourceB?: string } = {},
  ): void {
    const setA = new Set(a);
    const setB = new Set(b);
    const onlyA = [...setA].filter((x) => !setB.has(x)).sort();
    const onlyB = [...setB].filter((x) => !setA.has(x)).sort();
    if (onlyA.length === 0 && onlyB.length === 0) return;
    const max = opts.max ?? 8;
    const show = (xs: string[]) => (xs.length === 0 ? undefined : xs.length <= max ? xs.join('; ') : `${xs.slice(0, max).join('; ')}; ... (${xs.length - max} more)`);
    this.items.push({
      category,
      key,
      a: show(onlyA) === undefined ? undefined : `only here: ${show(onlyA)}`,
      b: show(onlyB) === undefined ? undefined : `only here: ${show(onlyB)}`,
      relevance,
      note: listOf(opts.note),
      evidence: {
        a: onlyA.slice(0, max).map((text) => ({ source: opts.sourceA ?? '', text })).filter((e) => e.source !== ''),
        b: onlyB.slice(0, max).map((text) => ({ source: opts.sourceB ?? '', text })).filter((e) => e.source !== ''),
      },
    });
  }
}
