// The `podpath probe PEER` use case: measure both directions over the underlay and the overlay
// (src/probe/peer.ts), turn the report into probe evidence, and let the probe rules judge it, so
// where a loss happened is said by a rule in the run's language.
import { NODE_FACTS_SCHEMA_VERSION } from '../evidence/node-facts.js';
import type { Evidence } from '../evidence/evidence.js';
import type { ProbeEvidence } from '../evidence/probe-evidence.js';
import { parseFacts } from '../evidence/load-facts.js';
import { runRules, type RunOutcome } from '../engine/run-rules.js';
import type { Lang, Rule } from '../engine/types.js';
import { probeEvidence } from '../probe/evidence.js';
import { probePeer, type PeerProbeOptions, type PeerProbeReport } from '../probe/peer.js';
import { allRules } from '../rules/index.js';
import type { DropsEvidence } from '../evidence/drop-evidence.js';
import { ProbeTracer, type ProbeTraceOptions } from './probe-trace.js';

export interface ProbeRun {
  report: PeerProbeReport;
  probes: ProbeEvidence[];
  outcome: RunOutcome;
  lang: Lang;
  /** Kernel drop traces of both nodes around each direction (--trace). */
  drops?: DropsEvidence;
  /** 0 all clean, 1 findings or loss measured, 2 the run failed part way (report.errors). */
  exitCode: number;
}

/** The rules that judge probes. */
export const PROBE_KIND_RULES: readonly Rule[] = allRules.filter((r) => r.meta.kind === 'probe');
/** The rules that judge the kernel drop traces taken around probes (--trace). */
export const DROP_KIND_RULES: readonly Rule[] = allRules.filter((r) => r.meta.kind === 'drops');

/** The probe evidence of a report, as the probe rules see it: the probes section of a node with nothing else. */
export function probeRunEvidence(report: PeerProbeReport): { probes: ProbeEvidence[]; evidence: Evidence } {
  const probes = probeEvidence(report);
  const node = parseFacts({ schemaVersion: NODE_FACTS_SCHEMA_VERSION, collectedAt: report.startedAt, origin: { kind: 'live' }, missing: [], probes }, 'the probe evidence');
  return { probes: node.probes ?? [], evidence: { node } };
}

/** Judges a measured report (live, or one read back from `-o json`). */
export function judgeProbeReport(report: PeerProbeReport, lang: Lang, drops?: DropsEvidence): ProbeRun {
  const { probes, evidence } = probeRunEvidence(report);
  const outcome = runRules(drops ? [...PROBE_KIND_RULES, ...DROP_KIND_RULES] : PROBE_KIND_RULES, { ...evidence, ...(drops ? { drops } : {}) }, { lang });
  const lossMeasured = probes.some((p) => (p.echo !== undefined && p.echo.received < p.echo.sent) || p.sweep?.smallestFailing !== undefined || p.ramp?.lossOnsetBps !== undefined);
  const exitCode = report.errors.length > 0 ? 2 : outcome.findings.length > 0 || lossMeasured ? 1 : 0;
  return { report, probes, outcome, lang, exitCode, ...(drops ? { drops } : {}) };
}

export async function runProbe(o: PeerProbeOptions & { lang: Lang; trace?: ProbeTraceOptions | ProbeTracer }): Promise<ProbeRun> {
  if (!o.trace) return judgeProbeReport(await probePeer(o), o.lang);
  const tracer = o.trace instanceof ProbeTracer ? o.trace : new ProbeTracer(o.trace);
  try {
    const report = await probePeer({ ...o, window: tracer });
    return judgeProbeReport(report, o.lang, tracer.dropsFor(probeEvidence(report)));
  } finally {
    tracer.abandon();
  }
}
