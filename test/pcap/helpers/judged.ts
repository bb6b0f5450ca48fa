// A capture summary with the capture rules' findings about it (what `pcap analyze` prints), for
// tests that check both what was measured and what was judged.
import { captureDiffFindings, captureFindings } from '../../../src/app/pcap.js';
import type { Finding, Lang } from '../../../src/engine/types.js';
import type { CaptureSummary } from '../../../src/evidence/capture-summary.js';
import type { CaptureDiff } from '../../../src/evidence/capture-diff.js';
import type { AnalyzedCapture } from '../../../src/report/capture-json.js';

export type Judged = CaptureSummary & { findings: Finding[] };

export function judged(summary: CaptureSummary, lang: Lang = 'en'): Judged {
  return { ...summary, findings: captureFindings(summary, lang) };
}

/** The JSON's per-file entry of a judged summary. */
export function analyzed(a: Judged): AnalyzedCapture {
  const { findings, ...summary } = a;
  return { summary, findings };
}

export function diffFindings(d: CaptureDiff, lang: Lang = 'en'): Finding[] {
  return captureDiffFindings(d, lang);
}
