// Frame numbers as compressed ranges, with a cap so a million bad packets cost a few kilobytes.
// Frames arrive in increasing order (capture order), which is what makes appending O(1).

export interface FrameRange {
  from: number;
  to: number;
}

export interface FrameSetJson {
  /** How many frames were added (all of them, even past the cap). */
  count: number;
  /** Ranges kept, in order; `to === from` for a single frame. */
  ranges: FrameRange[];
  /** True when frames past the cap were counted but not kept. */
  truncated: boolean;
}

export const DEFAULT_MAX_RANGES = 1000;

export class FrameSet {
  private readonly ranges: FrameRange[] = [];
  count = 0;
  truncated = false;

  constructor(private readonly maxRanges = DEFAULT_MAX_RANGES) {}

  add(frame: number): void {
    this.count++;
    const last = this.ranges[this.ranges.length - 1];
    if (last && frame >= last.from && frame <= last.to) return;
    if (last && frame === last.to + 1) {
      last.to = frame;
      return;
    }
    if (this.ranges.length >= this.maxRanges) {
      this.truncated = true;
      return;
    }
    this.ranges.push({ from: frame, to: frame });
  }

  get first(): number | undefined {
    return this.ranges[0]?.from;
  }

  toJSON(): FrameSetJson {
    return { count: this.count, ranges: this.ranges.map((r) => ({ ...r })), truncated: this.truncated };
  }
}

/**
 * The frames of several groups as one set (for a finding that covers them all). When every range
 * was kept the count is of frames (a frame in two groups counts once), else of what was added.
 */
export function mergeFrames(groups: { count: number; frames: FrameSetJson }[]): FrameSetJson {
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

/** `12-14, 18, 20-25 (+312 more)`, at most `maxShown` ranges. */
export function formatFrames(set: FrameSetJson, maxShown = 12): string {
  const shown = set.ranges.slice(0, maxShown).map((r) => (r.from === r.to ? `${r.from}` : `${r.from}-${r.to}`));
  const keptFrames = set.ranges.reduce((n, r) => n + r.to - r.from + 1, 0);
  const shownFrames = set.ranges.slice(0, maxShown).reduce((n, r) => n + r.to - r.from + 1, 0);
  // `count` can exceed the frames kept (cap) and frames can repeat (one frame, several layers).
  const more = Math.max(set.count, keptFrames) - shownFrames;
  return shown.join(', ') + (more > 0 ? ` (+${more} more)` : '');
}

/**
 * A Wireshark (>= 4.0) display filter that shows exactly these frames:
 * `frame.number in {12..14, 18}`. Undefined when the set was truncated (it would not be exact).
 */
export function frameFilter(set: FrameSetJson, maxRanges = 200): string | undefined {
  if (set.truncated || set.ranges.length === 0 || set.ranges.length > maxRanges) return undefined;
  const parts = set.ranges.map((r) => (r.from === r.to ? `${r.from}` : `${r.from}..${r.to}`));
  return `frame.number in {${parts.join(', ')}}`;
}
