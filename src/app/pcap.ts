// The `pcap analyze` and `pcap diff` use cases: measure the captures (src/pcap), then judge the
// measurements with the capture rules through the one engine, in the run's language. Exit codes:
// 0 no finding of warning or worse, 1 such a finding, 2 a capture could not be read to its end.
import { analyzeCapture } from '../pcap/analyze/run.js';
import type { CaptureDiffOptions } from '../pcap/diff/run.js';
import { judgedOf, runRules, severityRank, type Judged } from '../engine/run-rules.js';
import type { Finding, Lang } from '../engine/types.js';
import type { CaptureSummary, ReadError } from '../evidence/capture-summary.js';
import type { CaptureDiff } from '../evidence/capture-diff.js';
import type { Evidence } from '../evidence/evidence.js';
import { captureRules } from '../rules/capture-rules.js';
import { PodpathError } from '../util/errors.js';

/**
 * The capture rules (the registry's rules of kind 'capture'; taken from their own list, so a
 * `pcap` run does not initialize the node and probe rules: ~20 ms at start).
 */
const CAPTURE_RULES = captureRules.filter((r) => r.meta.kind === 'capture');

/** The findings of the capture rules about what the evidence holds (captures or capture diffs). */
export function judgeCaptures(evidence: Pick<Evidence, 'captures' | 'captureDiffs'>, lang: Lang = 'en'): Finding[] {
  return runRules(CAPTURE_RULES, evidence, { lang }).findings;
}

/** How many capture rules could judge this evidence (for the HTML summary: the words do not matter). */
export function capturesJudged(evidence: Pick<Evidence, 'captures' | 'captureDiffs'>): Judged {
  return judgedOf(runRules(CAPTURE_RULES, evidence, { lang: 'en' }).results);
}

/** One capture's findings. */
export function captureFindings(summary: CaptureSummary, lang: Lang = 'en'): Finding[] {
  return judgeCaptures({ captures: [summary] }, lang);
}

/** A capture diff's findings. */
export function captureDiffFindings(diff: CaptureDiff, lang: Lang = 'en'): Finding[] {
  return judgeCaptures({ captureDiffs: [diff] }, lang);
}

/** 0 with no finding of warning or worse, 1 otherwise (2 is kept for read errors). */
export function exitCodeFor(findings: readonly Finding[]): number {
  return findings.some((f) => severityRank(f.severity) <= severityRank('warning')) ? 1 : 0;
}

export interface ReadFailure {
  file: string;
  error: ReadError;
}

/** A capture read without error, or read in part (frames before the error): it has a result. */
function hasResult(side: { frames: number; error?: unknown }): boolean {
  return side.error === undefined || side.frames > 0;
}

export interface AnalyzeOutcome {
  /** The captures that have a result (read whole or in part), in the order given, with their findings. */
  files: { summary: CaptureSummary; findings: Finding[] }[];
  /** Captures that ended badly (also those read in part). */
  errors: ReadFailure[];
  exitCode: number;
}

export interface AnalyzeRequest {
  /** Paths; `-` is standard input (once). */
  inputs: string[];
  vxlanPorts?: number[];
  lang: Lang;
}

export async function pcapAnalyze(req: AnalyzeRequest): Promise<AnalyzeOutcome> {
  if (req.inputs.filter((f) => f === '-').length > 1) throw new PodpathError('E_USAGE', 'standard input (-) can be read only once');
  const summaries: CaptureSummary[] = [];
  for (const input of req.inputs) summaries.push(await analyzeCapture(input, input === '-' ? '<stdin>' : input, { vxlanPorts: req.vxlanPorts }));
  const errors = summaries.filter((s) => s.read.error).map((s) => ({ file: s.file, error: s.read.error! }));
  // A capture that could not be opened (no frame read) has no result: judging its empty summary
  // ("No findings.", "0 frames") would look like one. A capture cut short keeps what was read.
  const files = summaries.filter((s) => hasResult(s.read)).map((summary) => ({ summary, findings: captureFindings(summary, req.lang) }));
  const exitCode = errors.length > 0 ? 2 : exitCodeFor(files.flatMap((f) => f.findings));
  return { files, errors, exitCode };
}

export interface CaptureDiffOutcome {
  result: CaptureDiff;
  findings: Finding[];
  errors: ReadFailure[];
  /** A diff needs both captures: false when either could not be opened at all. */
  hasResult: boolean;
  exitCode: number;
}

export async function pcapDiff(sender: string, receiver: string, opts: CaptureDiffOptions & { lang: Lang }): Promise<CaptureDiffOutcome> {
  if (sender === '-' && receiver === '-') throw new PodpathError('E_USAGE', 'standard input (-) can be read only once');
  const { lang, ...measure } = opts;
  // Imported here: `pcap analyze` does not evaluate the diff engine at start-up.
  const { diffCaptures } = await import('../pcap/diff/run.js');
  const out = await diffCaptures(sender, receiver, measure);
  const findings = captureDiffFindings(out.result, lang);
  const exitCode = out.errors.length > 0 ? 2 : exitCodeFor(findings);
  return { result: out.result, findings, errors: out.errors, hasResult: hasResult(out.result.sender) && hasResult(out.result.receiver), exitCode };
}
