import type { KernelLogPattern } from './patterns.js';
import { KERNEL_LOG_PATTERNS } from './patterns.js';

export interface KernelLogHit {
  pattern: string;
  line: string;
}

/** Scans log text line by line; a matched pattern with `follow` also keeps its explanatory lines. */
export function scanKernelLog(text: string, patterns: readonly KernelLogPattern[] = KERNEL_LOG_PATTERNS): { hits: KernelLogHit[]; lines: number } {
  const lines = text.split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const hits: KernelLogHit[] = [];
  let followUntil = -1;
  let following: KernelLogPattern | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.replace(/\s+$/, '');
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
  return { hits, lines: lines.length };
}
