// Runs rules over one node's facts: a rule whose evidence is absent (or listed in facts.missing) is
// skipped with the reason, never passed; reports become findings in the chosen language.
import type { EvidenceKey, NodeFacts } from '../evidence/node-facts.js';
import { PodpathError } from '../util/errors.js';
import { localize } from './i18n.js';
import { fillCommand, refusalNote } from './shell-fill.js';
import { flatReason, missingReason } from './skip-reason.js';
import { LIMITS } from '../util/limits.js';
import { clip } from '../util/terminal-safe.js';
import type { Finding, Lang, Report, Rule, RuleResult, Severity } from './types.js';

export const SEVERITY_ORDER: readonly Severity[] = ['critical', 'error', 'warning', 'info'];

export function severityRank(s: Severity): number {
  return SEVERITY_ORDER.indexOf(s);
}

export interface RunOptions {
  lang?: Lang;
  /** Rule ids to run; the others are left out of the results entirely. */
  only?: string[];
}

export interface RunOutcome {
  results: RuleResult[];
  /** Every finding, most severe first, then by rule id. */
  findings: Finding[];
}

/**
 * Why a rule cannot be judged: `no <evidence name>: <why>` for each needed section that is absent
 * or missing, joined by `; ` (flat: see skip-reason.ts).
 */
export function missingEvidence(rule: Rule, facts: NodeFacts): string | undefined {
  const reasons: string[] = [];
  for (const key of rule.meta.needs) {
    const listed = facts.missing.find((m) => m.evidence === key);
    if (facts[key as EvidenceKey] === undefined || listed) reasons.push(missingReason(key, listed?.reason));
  }
  return reasons.length > 0 ? reasons.join('; ') : undefined;
}

/** A remediation command filled from the report, or the note that replaces it when a value is unsafe there. */
export function commandLine(template: string, r: Report, lang: Lang): string {
  const filled = fillCommand(template, { ...r.data, ...r.commandData });
  return filled.ok ? filled.text : refusalNote(filled.refusal, lang);
}

/** Evidence and message values as long as a report shows them (a 300 MiB uname line is not echoed whole). */
function clipped(text: string): string {
  return clip(text, LIMITS.evidenceLine.value);
}

export function toFinding(rule: Rule, r: Report, lang: Lang): Finding {
  const { meta } = rule;
  const template = meta.messages[r.messageId];
  if (!template) {
    throw new PodpathError('E_RULE_MESSAGE', `rule ${meta.id} reported unknown messageId "${r.messageId}"`);
  }
  const data = Object.fromEntries(Object.entries(r.data ?? {}).map(([k, v]) => [k, typeof v === 'string' ? clipped(v) : v]));
  return {
    ruleId: meta.id,
    severity: r.severity ?? meta.severity,
    title: localize(meta.title, lang, data),
    messageId: r.messageId,
    message: localize(template, lang, data),
    evidence: r.evidence.map((e) => ({ ...e, source: clipped(e.source), text: clipped(e.text) })),
    remediation: meta.remediation.map((step) => ({
      description: localize(step.description, lang, data),
      commands: step.commands.map((c) => commandLine(c, r, lang)),
      undo: step.undo.map((c) => commandLine(c, r, lang)),
    })),
    references: meta.references,
  };
}

/** Runs one rule; a rule that throws is reported as skipped with the error, so it never passes. */
export function runRule(rule: Rule, facts: NodeFacts, lang: Lang = 'en'): { result: RuleResult; reports: Report[] } {
  const ruleId = rule.meta.id;
  const missing = missingEvidence(rule, facts);
  if (missing) return { result: { ruleId, status: 'skipped', reason: missing, findings: [] }, reports: [] };
  const reports: Report[] = [];
  let skipReason: string | undefined;
  try {
    rule.check({
      facts,
      report: (r) => {
        reports.push(r);
      },
      skip: (reason) => {
        skipReason ??= reason;
      },
    });
  } catch (e) {
    if (e instanceof PodpathError && e.code === 'E_RULE_MESSAGE') throw e;
    const msg = e instanceof Error ? e.message : String(e);
    return { result: { ruleId, status: 'skipped', reason: `internal error: ${msg}`, findings: [] }, reports: [] };
  }
  const findings = reports.map((r) => toFinding(rule, r, lang));
  // A finding outweighs a partial inability to judge: what was found is kept.
  if (findings.length > 0) return { result: { ruleId, status: 'fail', findings }, reports };
  if (skipReason !== undefined) return { result: { ruleId, status: 'skipped', reason: flatReason(skipReason), findings: [] }, reports };
  return { result: { ruleId, status: 'pass', findings: [] }, reports };
}

export function runRules(rules: readonly Rule[], facts: NodeFacts, opts: RunOptions = {}): RunOutcome {
  const lang = opts.lang ?? 'en';
  let chosen = [...rules];
  if (opts.only && opts.only.length > 0) {
    const known = new Set(rules.map((r) => r.meta.id));
    const unknown = opts.only.filter((id) => !known.has(id));
    if (unknown.length > 0) throw new PodpathError('E_UNKNOWN_RULE', `unknown rule id: ${unknown.join(', ')} (see \`podpath rules\`)`);
    chosen = chosen.filter((r) => opts.only?.includes(r.meta.id));
  }
  chosen.sort((a, b) => a.meta.id.localeCompare(b.meta.id));
  const results = chosen.map((r) => runRule(r, facts, lang).result);
  const findings = results
    .flatMap((r) => r.findings)
    .sort((a, b) => severityRank(a.severity) - severityRank(b.severity) || a.ruleId.localeCompare(b.ruleId));
  return { results, findings };
}

/** Sections the chosen rules need or use: what a collector has to gather. */
export function evidenceFor(rules: readonly Rule[]): EvidenceKey[] {
  const keys = new Set<EvidenceKey>();
  for (const r of rules) for (const k of [...r.meta.needs, ...(r.meta.uses ?? [])]) keys.add(k);
  return [...keys].sort();
}
