// What the capture-diff rules share: both directions of a comparison (forward from the sender's
// capture, reverse from the receiver's, whose frames the findings then name), times relative to
// the sender's first packet, percentages, and how much of a direction's loss size, rate and
// time windows explain.
import type { Phrase } from '../../engine/types.js';
import type { CaptureDiff, DirectionLoss } from '../../evidence/capture-diff.js';

export interface CaptureDiffSide {
  /** The direction's loss. */
  dir: DirectionLoss;
  /** The capture the direction starts in: its frames are the ones a finding names. */
  file: string;
  /** `(frames of the receiver's capture)` for the reverse direction. */
  where: Phrase[];
}

/** The phrase the reverse direction's findings end with. */
export const RECEIVER_FRAMES = { en: " (frames of the receiver's capture)", zh: '（帧号为接收端抓包的）' };

export function sides(d: CaptureDiff): CaptureDiffSide[] {
  return [
    { dir: d.forward, file: d.sender.file, where: [] },
    { dir: d.reverse, file: d.receiver.file, where: [{ id: 'receiverFrames' }] },
  ];
}

/** `+10.2 s`: a time on the sender's clock, from the sender capture's first packet. */
export function rel(d: CaptureDiff, t: number): string {
  return `+${(t - (d.sender.first ?? t)).toFixed(1)} s`;
}

export function pct(n: number, of: number): string {
  return of > 0 ? `${((100 * n) / of).toFixed(n === of ? 0 : 1)}%` : '-';
}

export function dirName(f: DirectionLoss): string {
  return `${f.from} -> ${f.to}`;
}

/** Runs reported one by one (the rest are in the JSON). */
export const MAX_RUNS_REPORTED = 3;

/** Lost packets of a direction that size, rate-triggered blackholes and time windows explain. */
export function explained(f: DirectionLoss): number {
  const size = f.size && f.size.lostAtOrBelowOutsideRuns === 0 ? f.size.lostAbove : 0;
  const runs = f.runs.filter((r) => r.kind === 'blackhole' || r.kind === 'window').reduce((n, r) => n + r.packets, 0);
  return size + runs;
}

/** Loss worth an error: at least 3 packets and 1% of what was sent. */
export function lossSeverity(lost: number, sent: number): 'error' | 'warning' {
  return lost >= Math.max(3, sent * 0.01) ? 'error' : 'warning';
}
