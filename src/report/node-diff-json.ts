// Renders a node diff (`podpath diff --json`): a contract for scripts, versioned by schemaVersion.
import { jsonText } from './safe-text.js';
import type { NodeDiff } from '../evidence/node-diff.js';
import { sayNotes } from '../evidence/node-diff-notes.js';

export function renderNodeDiffJson(diff: NodeDiff, opts: { labelA: string; labelB: string }): string {
  return jsonText({ schemaVersion: 1, a: opts.labelA, b: opts.labelB, relevantCount: diff.relevantCount, // The note as the English line it has always been (scripts read it).
    differences: diff.differences.map((d) => ({ ...d, note: d.note ? sayNotes(d.note, 'en') : undefined })), notCompared: diff.notCompared }) + '\n';
}
