// Renders a node diff (`podpath diff --json`): a contract for scripts, versioned by schemaVersion.
import { jsonText } from './safe-text.js';
import type { NodeDiff } from '../evidence/node-diff.js';
import { sayNotes, sayValue } from '../evidence/node-diff-notes.js';
import type { Lang } from '../util/i18n.js';

/**
 * `a`, `b` and `note` as the English they have always been (scripts read them); `said`, the same in
 * the run's language (what `podpath diff` prints); `words`, the codes of values in podpath's words.
 */
export function renderNodeDiffJson(diff: NodeDiff, opts: { labelA: string; labelB: string; lang?: Lang }): string {
  const lang = opts.lang ?? 'en';
  return jsonText({ schemaVersion: 1, a: opts.labelA, b: opts.labelB, lang, relevantCount: diff.relevantCount,
    differences: diff.differences.map((d) => ({
      ...d,
      note: d.note ? sayNotes(d.note, 'en') : undefined,
      said: { a: sayValue(d, 'a', lang), b: sayValue(d, 'b', lang), note: d.note ? sayNotes(d.note, lang) : undefined },
    })),
    notCompared: diff.notCompared }) + '\n';
}
