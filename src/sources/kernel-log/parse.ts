import type { KernelLogPattern } from './patterns.js';
import { KERNEL_LOG_PATTERNS } from './patterns.js';

export interface KernelLogHit {
  pattern: string;
  line: string;
}

/** A flooded log (conntrack full every second) must not flood the evidence: the latest lines per pattern are enough. */
export const MAX_HITS_PER_PATTERN = 200;

/** Scans log text line by line; a matched pattern with `follow` also keeps its explanatory lines. */
export function scanKernelLog(
  text: string,
  patterns: readonly KernelLogPattern[] = KERNEL_LOG_PATTERNS,
  maxPerPattern = MAX_HITS_PER_PATTERN,
): { hits: KernelLogHit[]; lines: number } {
  const lines = text.split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const hits: KernelLogHit[] = [];
  let followUntil = -1;
  let following: KernelLogPattern | undefined;
  for (let i = 0; i < lines.length; i++) {
    // trimEnd, not /\s+$/: that regex is quadratic on a long run of blanks (issue 9, item 5).
    const line = lines[i]!.trimEnd();
    const matched = patterns.find((p) => p.regex.test(line));
    if (matched) {
      hits.push({ pattern: matched.id, line });
      if (matched.follow) {
        following = matched;
        followUntil = i + matched.follow.maxLines;
      } else {
        following = undefined;
      }
      continue;
    }
    if (following && i <= followUntil) {
      if (following.follow!.regex.test(line)) hits.push({ pattern: following.id, line });
      // A trace ends at `---[ end trace`: stop following there.
      if (/---\[ end trace/.test(line)) following = undefined;
    }
  }
  return { hits: keepLatest(hits, maxPerPattern), lines: lines.length };
}

function keepLatest(hits: KernelLogHit[], max: number): KernelLogHit[] {
  const seen = new Map<string, number>();
  const kept: KernelLogHit[] = [];
  for (let i = hits.length - 1; i >= 0; i--) {
    const n = (seen.get(hits[i]!.pattern) ?? 0) + 1;
    seen.set(hits[i]!.pattern, n);
    if (n <= max) kept.push(hits[i]!);
  }
  return kept.reverse();
}
