// Renders a node diff (`podpath diff --json`): a contract for scripts, versioned by schemaVersion.
import { jsonText } from './safe-text.js';
import type { NodeDiff } from '../evidence/node-diff.js';

export function renderNodeDiffJson(diff: NodeDiff, opts: { labelA: string; labelB: string }): string {
  return jsonText({ schemaVersion: 1, a: opts.labelA, b: opts.labelB, relevantCount: diff.relevantCount, differences: diff.differences, notCompared: diff.notCompared }) + '\n';
}
