// Runs rules over the evidence of a run: a rule whose evidence is absent (or listed in the node's
// `missing`) is skipped with the reason, never passed; reports become findings in the chosen language.
import { evidenceValue, isNodeSection, type Evidence, type NeedKey } from '../evidence/evidence.js';
import type { NodeFacts } from '../evidence/node-facts.js';
import { NODE_FACTS_SCHEMA_VERSION } from '../evidence/node-facts-version.js';
import { PodpathError } from '../util/errors.js';
import { t } from './i18n.js';
import { sayIn } from '../util/i18n.js';
import { fillCommand, refusalNote } from './shell-fill.js';
import { reasonsText } from './reasons.js';
import { LIMITS } from '../util/limits.js';
import { clip } from '../util/terminal-safe.js';
import { compareIds } from '../util/arrays.js';
import type { EvidenceLine, Finding, Lang, Localized, MessageData, Phrase, ReasonRef, Report, ReportLine, Rule, RuleResult, Said, Severity } from './types.js';

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

/** The needs of one set that are absent (or listed missing by their source), as reasons. */
export function gapsIn(keys: readonly NeedKey[], evidence: Evidence): ReasonRef[] {
  const gaps: ReasonRef[] = [];
  for (const key of keys) {
    const listed = isNodeSection(key) ? (evidence.node?.missing ?? []).filter((m) => m.evidence === key) : [];
    if (evidenceValue(evidence, key) === undefined || listed.length > 0) {
      const because = listed.map((m): ReasonRef => (Object.keys(m.data).length > 0 ? { code: m.code, data: m.data } : { code: m.code }));
      gaps.push(because.length > 0 ? { code: 'missingEvidence', data: { evidence: key }, because } : { code: 'missingEvidence', data: { evidence: key } });
    }
  }
  return gaps;
}

/**
 * Why a rule cannot be judged: the gaps in its `needs`, unless one of its `sufficient` sets is
 * complete (then it runs and checks for itself which evidence it got). Undefined when it can run.
 */
export function missingEvidence(rule: Rule, evidence: Evidence): ReasonRef[] | undefined {
  const gaps = gapsIn(rule.meta.needs, evidence);
  if (gaps.length === 0) return undefined;
  for (const set of rule.meta.sufficient ?? []) if (gapsIn(set, evidence).length === 0) return undefined;
  return gaps;
}

/** Facts with no section at all: what rules see as `ctx.facts` in a run without a node. */
const NO_NODE: NodeFacts = { schemaVersion: NODE_FACTS_SCHEMA_VERSION, collectedAt: '', origin: { kind: 'fixture' }, missing: [] };

/** A remediation command filled from the report, or the note that replaces it when a value is unsafe there. */
export function commandLine(template: string, r: Report, lang: Lang): string {
  const filled = fillCommand(template, { ...r.data, ...r.commandData });
  return filled.ok ? filled.text : refusalNote(filled.refusal, lang);
}

/** Evidence and message values as long as a report shows them (a 300 MiB uname line is not echoed whole). */
function clipped(text: string): string {
  return clip(text, LIMITS.evidenceLine.value);
}

function clippedData(data: MessageData | undefined): MessageData {
  return Object.fromEntries(Object.entries(data ?? {}).map(([k, v]) => [k, typeof v === 'string' ? clipped(v) : v]));
}

/** A reported evidence line in the language, as long as a report shows it. */
export function lineIn(e: ReportLine, lang: Lang): EvidenceLine {
  const said = (x: string | Said) => clipped(typeof x === 'string' ? x : sayIn(x, lang, (v) => (typeof v === 'string' ? clipped(v) : v)));
  return { source: said(e.source), text: said(e.text) };
}

/**
 * The reported lines in the language, each said once: a rule that quotes a frame both as the first
 * bad checksum and as a retry (calico#3145's paste) would print the same line twice.
 */
function uniqueLines(lines: readonly ReportLine[], lang: Lang): EvidenceLine[] {
  const seen = new Set<string>();
  const out: EvidenceLine[] = [];
  for (const e of lines) {
    const line = lineIn(e, lang);
    const key = `${line.source}\n${line.text}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push(line);
    }
  }
  return out;
}

/** Between the phrases of a list, in each language. */
export const PHRASE_SEPARATOR: Localized = { en: '; ', zh: '；' };

/** A report's phrases as text in the language: each one of meta.messages filled from its own data. */
function phraseTexts(rule: Rule, phrases: Report['phrases'], lang: Lang): MessageData {
  const out: MessageData = {};
  const one = (p: Phrase) => t(messageOf(rule, p.id), lang, clippedData(p.data));
  for (const [key, value] of Object.entries(phrases ?? {})) {
    out[key] = Array.isArray(value) ? (value as readonly Phrase[]).map(one).join(PHRASE_SEPARATOR[lang]) : one(value as Phrase);
  }
  return out;
}

export function toFinding(rule: Rule, r: Report, lang: Lang): Finding {
  const { meta } = rule;
  const template = meta.messages[r.messageId];
  if (!template) {
    throw new PodpathError('E_RULE_MESSAGE', `rule ${meta.id} reported unknown messageId "${r.messageId}"`);
  }
  const data = { ...clippedData(r.data), ...phraseTexts(rule, r.phrases, lang) };
  const maxEvidence = LIMITS.findingEvidenceLines.value;
  const evidence = uniqueLines(r.evidence, lang);
  return {
    ruleId: meta.id,
    severity: r.severity ?? meta.severity,
    title: t(meta.title, lang, data),
    messageId: r.messageId,
    message: t(template, lang, data),
    evidence: evidence.slice(0, maxEvidence),
    ...(evidence.length > maxEvidence ? { evidenceOmitted: evidence.length - maxEvidence } : {}),
    remediation: meta.remediation.map((step) => ({
      description: t(step.description, lang, data),
      commands: step.commands.map((c) => commandLine(c, r, lang)),
      undo: step.undo.map((c) => commandLine(c, r, lang)),
    })),
    references: meta.references,
    ...(r.detailId !== undefined ? { detail: t(messageOf(rule, r.detailId), lang, data) } : {}),
    ...(r.location !== undefined ? { location: r.location } : {}),
  };
}

function messageOf(rule: Rule, id: string): Localized {
  const m = rule.meta.messages[id];
  if (!m) throw new PodpathError('E_RULE_MESSAGE', `rule ${rule.meta.id} reported unknown messageId "${id}"`);
  return m;
}

/** Runs one rule; a rule that throws is reported as skipped with the error, so it never passes. */
export function runRule(rule: Rule, evidence: Evidence, lang: Lang = 'en'): { result: RuleResult; reports: Report[] } {
  const ruleId = rule.meta.id;
  const skipped = (reasons: ReasonRef[]): { result: RuleResult; reports: Report[] } => ({
    result: { ruleId, status: 'skipped', reason: reasonsText(reasons, lang, rule), reasons, findings: [] },
    reports: [],
  });
  const missing = missingEvidence(rule, evidence);
  if (missing) return skipped(missing);
  const reports: Report[] = [];
  let skipReason: ReasonRef | undefined;
  try {
    rule.check({
      evidence,
      facts: evidence.node ?? NO_NODE,
      report: (r) => {
        reports.push(r);
      },
      skip: (code, data) => {
        if (!rule.meta.reasons?.[code]) throw new PodpathError('E_RULE_REASON', `rule ${ruleId} skipped with unknown reason "${code}" (add it to meta.reasons)`);
        skipReason ??= data === undefined ? { code } : { code, data };
      },
    });
  } catch (e) {
    if (e instanceof PodpathError && (e.code === 'E_RULE_MESSAGE' || e.code === 'E_RULE_REASON')) throw e;
    return skipped([{ code: 'internalError', data: { message: e instanceof Error ? e.message : String(e) } }]);
  }
  const findings = reports.map((r) => toFinding(rule, r, lang));
  // A finding outweighs a partial inability to judge: what was found is kept.
  if (findings.length > 0) return { result: { ruleId, status: 'fail', findings }, reports };
  // A rule that ran on one of its sufficient sets and still could not judge: what its full needs
  // lack comes first (it names what to collect), then the rule's own reason.
  if (skipReason !== undefined) return skipped([...gapsIn(rule.meta.needs, evidence), skipReason]);
  return { result: { ruleId, status: 'pass', findings: [] }, reports };
}

export function runRules(rules: readonly Rule[], evidence: Evidence, opts: RunOptions = {}): RunOutcome {
  const lang = opts.lang ?? 'en';
  let chosen = [...rules];
  if (opts.only && opts.only.length > 0) {
    const known = new Set(rules.map((r) => r.meta.id));
    const unknown = opts.only.filter((id) => !known.has(id));
    if (unknown.length > 0) throw new PodpathError('E_UNKNOWN_RULE', `unknown rule id: ${unknown.join(', ')} (see \`podpath rules\`)`);
    chosen = chosen.filter((r) => opts.only?.includes(r.meta.id));
  }
  chosen.sort((a, b) => compareIds(a.meta.id, b.meta.id));
  const results = chosen.map((r) => runRule(r, evidence, lang).result);
  // A rule that names the cause comes before the rules that name its symptoms (same severity).
  const fired = new Set(results.filter((r) => r.status === 'fail').map((r) => r.ruleId));
  const outranked = new Set(chosen.filter((r) => fired.has(r.meta.id)).flatMap((r) => r.meta.outranks ?? []).filter((id) => fired.has(id)));
  const findings = results
    .flatMap((r) => r.findings)
    .sort((a, b) => severityRank(a.severity) - severityRank(b.severity) || Number(outranked.has(a.ruleId)) - Number(outranked.has(b.ruleId)) || compareIds(a.ruleId, b.ruleId));
  return { results, findings };
}

/** Evidence the chosen rules need, may suffice with, or use: what the collectors have to gather. */
export function evidenceFor(rules: readonly Rule[]): NeedKey[] {
  const keys = new Set<NeedKey>();
  for (const r of rules) for (const k of [...r.meta.needs, ...(r.meta.sufficient ?? []).flat(), ...(r.meta.uses ?? [])]) keys.add(k);
  return [...keys].sort();
}

/** How many of the rules that ran could judge (passed or failed) rather than skip. */
export interface Judged {
  judged: number;
  total: number;
}

export function judgedOf(results: readonly Pick<RuleResult, 'status'>[]): Judged {
  return { judged: results.filter((r) => r.status !== 'skipped').length, total: results.length };
}
