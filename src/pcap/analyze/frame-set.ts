// Frame numbers as compressed ranges, with a cap so a million bad packets cost a few kilobytes.
// Frames arrive in increasing order (capture order), which is what makes appending O(1). The JSON
// form (FrameSetJson) is evidence: src/evidence/frame-set.ts.
import type { FrameRange, FrameSetJson } from '../../evidence/frame-set.js';

export type { FrameSetJson };

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
