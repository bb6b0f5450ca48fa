// What every analyzer reports: a finding is one line a person can act on, with the frames that
// prove it and a Wireshark display filter that shows exactly those frames.
import { FrameSet, type FrameSetJson, frameFilter } from './frame-set.js';

export type Severity = 'info' | 'warning' | 'error';

export const SEVERITY_RANK: Record<Severity, number> = { info: 0, warning: 1, error: 2 };

export interface Finding {
  /** Stable identifier of the kind of finding, e.g. `checksum-wire`. */
  id: string;
  severity: Severity;
  /** One line: what was seen, with the numbers. */
  message: string;
  /** What it means and what to do next. */
  detail?: string;
  /** The capture file the finding comes from (diff: the sender's capture). */
  file?: string;
  frames?: FrameSetJson;
  /** A Wireshark display filter showing the frames. */
  filter?: string;
  /** The same message (and detail) in Chinese, for `--lang zh`. */
  zh?: { message: string; detail?: string };
}

export function makeFinding(f: Omit<Finding, 'filter'> & { filter?: string; fallbackFilter?: string }): Finding {
  const { fallbackFilter, ...rest } = f;
  const filter = rest.filter ?? (rest.frames ? frameFilter(rest.frames) : undefined) ?? fallbackFilter;
  return filter === undefined ? rest : { ...rest, filter };
}

/** Frame numbers gathered in any order (several connections, several layers) as one set. */
export function frameSetOf(frames: Iterable<number>, maxRanges?: number): FrameSetJson {
  const sorted = [...frames].sort((a, b) => a - b);
  const set = new FrameSet(maxRanges);
  let prev = -1;
  for (const f of sorted) {
    if (f === prev) continue;
    set.add(f);
    prev = f;
  }
  return set.toJSON();
}

export function sortFindings(findings: Finding[]): Finding[] {
  return [...findings].sort((a, b) => SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity]);
}

/** 0 with no finding of warning or worse, 1 otherwise (2 is kept for read errors). */
export function exitCodeFor(findings: Finding[]): number {
  return findings.some((f) => SEVERITY_RANK[f.severity] >= SEVERITY_RANK.warning) ? 1 : 0;
}
