// Collects differences: a value compared on both nodes becomes a Difference only when it differs.
import type { EvidenceLine } from '../../evidence/node-facts.js';
import type { Category, Difference, Relevance } from '../../evidence/node-diff.js';
import { sayNotes, worded, type DiffValue, type NodeDiffNote } from '../../evidence/node-diff-notes.js';

const isWorded = (v: DiffValue | undefined): v is NodeDiffNote => typeof v === 'object';
/** A value as the JSON has always said it: English. */
const english = (v: DiffValue | undefined): string | undefined => (v === undefined ? undefined : isWorded(v) ? sayNotes([v], 'en') : String(v));

/** One remark or several (said in one line). */
type Notes = NodeDiffNote | NodeDiffNote[] | undefined;
const listOf = (n: Notes): NodeDiffNote[] | undefined => (n === undefined ? undefined : Array.isArray(n) ? n : [n]);

export class NodeDiffSink {
  readonly items: Difference[] = [];

  /** Records `key` when the two values differ (undefined = absent on that side). */
  value(
    category: Category,
    key: string,
    a: DiffValue | undefined,
    b: DiffValue | undefined,
    relevance: Relevance,
    opts: { note?: Notes; evA?: EvidenceLine[]; evB?: EvidenceLine[] } = {},
  ): void {
    const sa = english(a);
    const sb = english(b);
    if (sa === sb) return;
    const words = { ...(isWorded(a) ? { a } : {}), ...(isWorded(b) ? { b } : {}) };
    this.items.push({ category, key, a: sa, b: sb, ...(words.a || words.b ? { words } : {}), relevance, note: listOf(opts.note), evidence: { a: opts.evA ?? [], b: opts.evB ?? [] } });
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
    const only = (xs: string[]): NodeDiffNote | undefined => (xs.length === 0 ? undefined
      : xs.length <= max ? worded('onlyHere', { list: xs.join('; ') }) : worded('onlyHereMore', { list: xs.slice(0, max).join('; '), more: xs.length - max }));
    const [wa, wb] = [only(onlyA), only(onlyB)];
    this.items.push({
      category,
      key,
      a: english(wa),
      b: english(wb),
      words: { ...(wa ? { a: wa } : {}), ...(wb ? { b: wb } : {}) },
      relevance,
      note: listOf(opts.note),
      evidence: {
        a: onlyA.slice(0, max).map((text) => ({ source: opts.sourceA ?? '', text })).filter((e) => e.source !== ''),
        b: onlyB.slice(0, max).map((text) => ({ source: opts.sourceB ?? '', text })).filter((e) => e.source !== ''),
      },
    });
  }
}
