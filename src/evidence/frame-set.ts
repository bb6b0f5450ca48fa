// Frame numbers as a capture's evidence carries them: compressed ranges with a cap, so a million
// bad packets cost a few kilobytes. The measuring code fills them (pcap/analyze/frame-set.ts);
// rules and reports read them.
import { z } from 'zod';

export const FrameRange = z.object({ from: z.number().int().positive(), to: z.number().int().positive() });
export type FrameRange = z.infer<typeof FrameRange>;

export const FrameSetJson = z.object({
  /** How many frames were added (all of them, even past the cap). */
  count: z.number().int().nonnegative(),
  /** Ranges kept, in order; `to === from` for a single frame. */
  ranges: z.array(FrameRange),
  /** True when frames past the cap were counted but not kept. */
  truncated: z.boolean(),
});
export type FrameSetJson = z.infer<typeof FrameSetJson>;

/**
 * The frames of several groups as one set (for a finding that covers them all). When every range
 * was kept the count is of frames (a frame in two groups counts once), else of what was added.
 */
export function mergeFrames(groups: readonly { count: number; frames: FrameSetJson }[]): FrameSetJson {
  const ranges = groups.flatMap((g) => g.frames.ranges).sort((a, b) => a.from - b.from);
  const merged: FrameRange[] = [];
  for (const r of ranges) {
    const last = merged[merged.length - 1];
    if (last && r.from <= last.to + 1) last.to = Math.max(last.to, r.to);
    else merged.push({ ...r });
  }
  const truncated = groups.some((g) => g.frames.truncated);
  const frames = merged.reduce((n, r) => n + r.to - r.from + 1, 0);
  return { count: truncated ? groups.reduce((n, g) => n + g.count, 0) : frames, ranges: merged, truncated };
}

/** Frame numbers gathered in any order (several connections, several layers) as one set, capped at `maxRanges`. */
export function frameSetOf(frames: Iterable<number>, maxRanges = 1000): FrameSetJson {
  const sorted = [...frames].sort((a, b) => a - b);
  const ranges: FrameRange[] = [];
  let count = 0;
  let truncated = false;
  let prev = -1;
  for (const f of sorted) {
    if (f === prev) continue;
    prev = f;
    count++;
    const last = ranges[ranges.length - 1];
    if (last && f === last.to + 1) last.to = f;
    else if (ranges.length < maxRanges) ranges.push({ from: f, to: f });
    else truncated = true;
  }
  return { count, ranges, truncated };
}
