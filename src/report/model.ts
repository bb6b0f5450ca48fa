// The doctor report: what every reporter (text, json, markdown) renders. Versioned: the JSON form
// is a contract for scripts (`schema` + `schemaVersion`; fields are only ever added).
import type { NodeFacts, ReadNote } from '../evidence/node-facts.js';
import { missingReasonText } from '../evidence/missing-reasons.js';
import type { RunOutcome } from '../engine/run-rules.js';
import { SEVERITY_ORDER } from '../engine/run-rules.js';
import type { Finding, Lang, RuleResult, Severity } from '../engine/types.js';
import type { Verdict } from '../engine/verdict.js';
import type { DoctorProbes } from './doctor-probes.js';

export const DOCTOR_REPORT_SCHEMA = 'podpath.doctor';
export const DOCTOR_REPORT_VERSION = 1;

export interface DoctorReport {
  schema: typeof DOCTOR_REPORT_SCHEMA;
  schemaVersion: typeof DOCTOR_REPORT_VERSION;
  podpathVersion: string;
  generatedAt: string;
  lang: Lang;
  node: {
    hostname?: string;
    kernel?: string;
    os?: string;
    origin: NodeFacts['origin'];
    collectedAt: string;
    /** False when the host shows no CNI config and no flannel/calico device. */
    kubernetesNode: boolean;
  };
  summary: {
    rules: number;
    failed: number;
    passed: number;
    skipped: number;
    findings: number;
    bySeverity: Record<Severity, number>;
  };
  /** Most severe first. */
  findings: Finding[];
  /** `reason` in the report's language; `reasons`, the same as codes with data (stable for scripts). */
  results: Pick<RuleResult, 'ruleId' | 'status' | 'reason' | 'reasons'>[];
  /** Evidence the sources could not get, and why: `reason` the English record, `text` in the report's language. */
  missing: (NodeFacts['missing'][number] & { text?: string })[];
  /**
   * How the evidence was read, when it matters (absent otherwise): files cut at a size limit, a
   * bundle cut short (E_BUNDLE_TRUNCATED), damaged (E_BUNDLE_DAMAGED) or empty (E_BUNDLE_EMPTY).
   */
  notes?: ReadNote[];
  /**
   * How much could be judged: `inconclusive` when there is no finding and the evidence was read
   * incomplete, the interfaces are unknown, or too few node rules could be judged; with the commands
   * whose output would judge the rest. Absent in reports of other commands.
   */
  verdict?: Verdict;
  /** With `doctor --peer`: the peer's own report (its evidence, judged by the same rules), or why there is none. */
  peer?: { address: string; report?: DoctorReport; error?: string };
  /** With `doctor --peer`: the probes' size sweeps and rate ramps as measured (drawn as curves by -o html). */
  probes?: DoctorProbes;
}

/**
 * The report of one node. What the report says about the node beyond its facts (`kubernetesNode`)
 * comes from the use case, which has the node's network view: the report only renders.
 */
export function buildReport(facts: NodeFacts, outcome: RunOutcome, opts: { lang: Lang; version: string; now?: Date; kubernetesNode: boolean }): DoctorReport {
  const bySeverity = Object.fromEntries(SEVERITY_ORDER.map((s) => [s, 0])) as Record<Severity, number>;
  for (const f of outcome.findings) bySeverity[f.severity]++;
  const count = (status: RuleResult['status']) => outcome.results.filter((r) => r.status === status).length;
  return {
    schema: DOCTOR_REPORT_SCHEMA,
    schemaVersion: DOCTOR_REPORT_VERSION,
    podpathVersion: opts.version,
    generatedAt: (opts.now ?? new Date()).toISOString(),
    lang: opts.lang,
    node: {
      hostname: facts.kernel?.hostname,
      kernel: facts.kernel?.release,
      os: facts.os?.prettyName ?? facts.os?.id,
      origin: facts.origin,
      collectedAt: facts.collectedAt,
      kubernetesNode: opts.kubernetesNode,
    },
    summary: { rules: outcome.results.length, failed: count('fail'), passed: count('pass'), skipped: count('skipped'), findings: outcome.findings.length, bySeverity },
    findings: outcome.findings,
    results: outcome.results.map((r) => ({ ruleId: r.ruleId, status: r.status, ...(r.reason !== undefined ? { reason: r.reason } : {}), ...(r.reasons !== undefined ? { reasons: r.reasons } : {}) })),
    missing: facts.missing.map((m) => ({ ...m, text: missingReasonText(m, opts.lang) })),
    ...(facts.notes && facts.notes.length > 0 ? { notes: facts.notes } : {}),
  };
}

/** Notes that make "no findings" mean nothing: the evidence is not all there. */
const INCONCLUSIVE = new Set(['E_BUNDLE_TRUNCATED', 'E_BUNDLE_DAMAGED', 'E_BUNDLE_EMPTY', 'E_TRANSCRIPT_CUT', 'E_TRANSCRIPT_EMPTY']);

/** Doctor's exit code when nothing was found but the evidence is incomplete. */
export const EXIT_INCONCLUSIVE = 3;

/**
 * True when "no findings" would not mean healthy: a bundle cut short, damaged or with nothing podpath
 * reads, or a verdict of inconclusive (too little could be judged).
 */
export function isInconclusive(r: Pick<DoctorReport, 'notes' | 'verdict'>): boolean {
  return r.verdict?.status === 'inconclusive' || (r.notes?.some((n) => INCONCLUSIVE.has(n.code)) ?? false);
}

// One node of a fleet run, as the fleet renderers take it (app/fleet.ts fills it).
export interface FleetError {
  code: string;
  message: string;
}

/** One bundle's outcome, in the order the bundles were given (`translation`: with `alsoIn`). */
export type FleetEntry = { from: string; report: DoctorReport; translation?: DoctorReport } | { from: string; error: FleetError };
