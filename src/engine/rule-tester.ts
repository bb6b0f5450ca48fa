// RuleTester over evidence fixtures, after ESLint's: `valid` cases must be judged and report
// nothing (a skip is a failure: a rule with missing evidence is never "passed"); `invalid` cases
// must report exactly the expected messageIds, with every placeholder filled in both languages and
// evidence quoted. Built on vitest's describe/it, so each case is one test. A case gives a node's
// facts, or an Evidence fixture for another kind of rule (capture summaries, capture diffs), or both.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { NodeFacts } from '../evidence/node-facts.js';
import { CaptureDiff } from '../evidence/capture-diff.js';
import { CaptureSummary } from '../evidence/capture-summary.js';
import { MeshMatrix } from '../evidence/mesh-matrix.js';
import type { Evidence, EvidenceParts } from '../evidence/evidence.js';
import { DropsEvidence } from '../evidence/drop-evidence.js';
import { fileURLToPath } from 'node:url';
import { loadFactsFile, makeFacts, type PartialFacts } from '../evidence/load-facts.js';
import { unfilledPlaceholders, type MessageData } from './i18n.js';
import { unfilledIn } from '../util/i18n.js';
import { SEVERITY_ORDER, lineIn, runRule, toFinding } from './run-rules.js';
import { placeholderContexts, REFUSAL_TEXTS } from './shell-fill.js';
import type { Phrase, Report, Rule, Severity } from './types.js';
import { validateRuleMeta } from './validate-meta.js';
import { pushAll as pushProblems } from '../util/arrays.js';

/** How a refused command begins, in either language (`# command not shown:`). */
const REFUSED_PREFIXES = [REFUSAL_TEXTS.unknownValue.en, REFUSAL_TEXTS.unknownValue.zh].map((s) => s.slice(0, s.indexOf(':') + 1));

export { makeFacts };
export type { PartialFacts };

type CaseFacts = PartialFacts | NodeFacts;

/** The parts of the bag besides the node (checked against their schemas like facts are). */
export interface CaseEvidence {
  captures?: z.input<typeof CaptureSummary>[];
  captureDiffs?: z.input<typeof CaptureDiff>[];
  /** The cluster's facts and many nodes' facts (cluster rules), built by podpath's own parsers in the tests. */
  cluster?: Evidence['cluster'];
  nodes?: Evidence['nodes'];
  /** Kernel drop traces around probes (the drops rules). */
  drops?: z.input<typeof DropsEvidence>;
  /** The node's facts, when given with the other parts in one fixture (as `facts`). */
  node?: CaseFacts;
  mesh?: z.input<typeof MeshMatrix>;
}

interface CaseInput {
  /** The node's facts; absent with `evidence`, the run has no node (as `pcap analyze`). */
  facts?: CaseFacts;
  evidence?: CaseEvidence;
  /** Evidence parts given as they are (a transcript's captures, the cluster's facts), not parsed. */
  parts?: Partial<EvidenceParts>;
}

export interface ValidCase extends CaseInput {
  name: string;
}

export interface ExpectedError {
  messageId: string;
  /** When given, the report's data must hold these values (others may be present). */
  data?: MessageData;
  /** Each must occur in some evidence line's text (string: substring; RegExp: match). */
  evidence?: (string | RegExp)[];
  /** The finding's severity (the report's own, else the rule's). */
  severity?: Severity;
  /** Each must be one of the printed fix or undo commands (English), exactly as filled. */
  commands?: string[];
  /** The printed message (English): equal to a string, or matching a RegExp. */
  message?: string | RegExp;
  /** The same in Chinese. */
  messageZh?: string | RegExp;
  /** The phrases the report put in (phrase ids by placeholder; a list as an array). */
  phrases?: Record<string, string | string[]>;
}

export interface InvalidCase extends CaseInput {
  name: string;
  errors: ExpectedError[];
}

export interface SkippedCase extends CaseInput {
  name: string;
  /** The skip reason must contain this (e.g. `no kernel`). */
  reason: string | RegExp;
}

export interface RuleTests {
  valid: ValidCase[];
  invalid: InvalidCase[];
  skipped?: SkippedCase[];
}

function toFacts(f: CaseFacts): NodeFacts {
  // Always through the schema: a hand-written fixture is checked like a collected one.
  return makeFacts(f as PartialFacts);
}

/** The case's evidence bag, every part through its schema. */
export function caseEvidence(c: CaseInput): Evidence {
  const e = c.evidence;
  const facts = c.facts ?? e?.node;
  const bag: Evidence = facts !== undefined || (e === undefined && c.parts === undefined) ? { node: toFacts(facts ?? {}) } : {};
  if (e?.captures) bag.captures = z.array(CaptureSummary).parse(e.captures);
  if (e?.captureDiffs) bag.captureDiffs = z.array(CaptureDiff).parse(e.captureDiffs);
  if (e?.cluster) bag.cluster = e.cluster;
  if (e?.nodes) bag.nodes = e.nodes;
  if (e?.drops) bag.drops = DropsEvidence.parse(e.drops);
  if (e?.mesh) bag.mesh = MeshMatrix.parse(e.mesh);
  // Parts given as they are (already in their evidence shape).
  return { ...c.parts, ...bag };
}

function describeReports(reports: Report[]): string {
  return reports.length === 0 ? '(none)' : reports.map((r) => `${r.messageId} ${JSON.stringify(r.data ?? {})}`).join('; ');
}

function phraseList(v: Phrase | readonly Phrase[]): readonly Phrase[] {
  return Array.isArray(v) ? (v as readonly Phrase[]) : [v as Phrase];
}

/** Problems with a report's phrases: unknown ids, a key that data has too, placeholders they leave unfilled. */
function phraseProblems(rule: Rule, r: Report): string[] {
  const problems: string[] = [];
  for (const [key, value] of Object.entries(r.phrases ?? {})) {
    if (Object.hasOwn(r.data ?? {}, key)) problems.push(`{${key}} is given both as data and as a phrase`);
    for (const p of phraseList(value)) {
      const text = rule.meta.messages[p.id];
      if (!text) {
        problems.push(`phrase "${p.id}" (for {${key}}) is not in meta.messages`);
        continue;
      }
      for (const lang of ['en', 'zh'] as const) {
        const left = unfilledPlaceholders(text[lang], p.data);
        if (left.length > 0) problems.push(`phrase ${p.id}.${lang}: no data for {${left.join('}, {')}}`);
      }
    }
  }
  return problems;
}

/** Problems with one report: unknown messageId, unfilled placeholders, no evidence. */
export function reportProblems(rule: Rule, r: Report): string[] {
  const problems: string[] = [];
  const template = rule.meta.messages[r.messageId];
  if (!template) return [`messageId "${r.messageId}" is not in meta.messages (${Object.keys(rule.meta.messages).join(', ')})`];
  // What the messages' placeholders may be filled with: data and phrases.
  const text = { ...r.data, ...Object.fromEntries(Object.keys(r.phrases ?? {}).map((k) => [k, ''])) };
  pushProblems(problems, phraseProblems(rule, r));
  // A phrase the catalogue lacks cannot be printed: say so without printing.
  if (problems.some((p) => p.includes('not in meta.messages'))) return problems;
  for (const lang of ['en', 'zh'] as const) {
    const left = unfilledPlaceholders(template[lang], text);
    if (left.length > 0) problems.push(`${r.messageId}.${lang}: no data for {${left.join('}, {')}}`);
    if (r.detailId !== undefined) {
      const detail = rule.meta.messages[r.detailId];
      if (!detail) problems.push(`detailId "${r.detailId}" is not in meta.messages`);
      else {
        const leftDetail = unfilledPlaceholders(detail[lang], text);
        if (leftDetail.length > 0) problems.push(`${r.detailId}.${lang}: no data for {${leftDetail.join('}, {')}}`);
      }
    }
  }
  const commandData = { ...r.data, ...r.commandData };
  rule.meta.remediation.forEach((step, i) => {
    for (const cmd of [...step.commands, ...step.undo]) {
      const left = placeholderContexts(cmd).map((p) => p.name).filter((n) => !Object.hasOwn(commandData, n));
      if (left.length > 0) problems.push(`remediation[${i}] "${cmd}": no data for {${[...new Set(left)].join('}, {')}}`);
    }
    for (const lang of ['en', 'zh'] as const) {
      const left = unfilledPlaceholders(step.description[lang], text);
      if (left.length > 0) problems.push(`remediation[${i}].description.${lang}: no data for {${left.join('}, {')}}`);
    }
  });
  // The printed commands: every placeholder filled, none refused (the cases hold ordinary values).
  for (const lang of ['en', 'zh'] as const) {
    for (const step of toFinding(rule, r, lang).remediation) {
      for (const line of [...step.commands, ...step.undo]) {
        if (REFUSED_PREFIXES.some((p) => line.startsWith(p))) problems.push(`a command was refused: ${line}`);
        if (/\{[A-Za-z_][A-Za-z0-9_]*\}/.test((line.includes('#') ? line.slice(0, line.indexOf('#')) : line))) problems.push(`a placeholder is left in "${line}"`);
      }
    }
  }
  if (r.severity !== undefined && !SEVERITY_ORDER.includes(r.severity)) problems.push(`${r.messageId}: severity "${String(r.severity)}" is not one of ${SEVERITY_ORDER.join(', ')}`);
  if (r.evidence.length === 0) problems.push(`${r.messageId}: no evidence lines (a finding must show what proves it)`);
  for (const lang of ['en', 'zh'] as const) {
    for (const e of r.evidence) {
      const said = lineIn(e, lang);
      if (said.source.trim() === '' || said.text.trim() === '') problems.push(`${r.messageId}: evidence line without source or text`);
      for (const part of [e.source, e.text]) if (typeof part !== 'string') for (const name of unfilledIn(part, lang)) problems.push(`${r.messageId}: evidence line "${said.text}" (${lang}): no data for {${name}}`);
    }
  }
  return problems;
}

function matches(text: string, want: string | RegExp): boolean {
  return typeof want === 'string' ? text.includes(want) : want.test(text);
}

/** Throws unless a valid case is judged and reports nothing. */
export function checkValidCase(rule: Rule, c: ValidCase): void {
  const { result, reports } = runRule(rule, caseEvidence(c));
  if (result.status === 'skipped') throw new Error(`valid case was skipped (${result.reason ?? ''}): a valid case must be judged, not skipped`);
  if (reports.length > 0) throw new Error(`should report nothing but reported ${reports.length}: ${describeReports(reports)}`);
}

/** Throws unless an invalid case reports exactly the expected errors, each well formed. */
export function checkInvalidCase(rule: Rule, c: InvalidCase): void {
  if (c.errors.length === 0) throw new Error('an invalid case must expect at least one error');
  for (const e of c.errors) {
    if (!rule.meta.messages[e.messageId]) throw new Error(`expected messageId "${e.messageId}" is not in meta.messages`);
  }
  const { result, reports } = runRule(rule, caseEvidence(c));
  if (result.status === 'skipped') throw new Error(`invalid case was skipped (${result.reason ?? ''})`);
  if (reports.length !== c.errors.length) {
    throw new Error(`should report ${c.errors.length} but reported ${reports.length}: ${describeReports(reports)}`);
  }
  reports.forEach((r, i) => {
    const want = c.errors[i] as ExpectedError;
    if (r.messageId !== want.messageId) throw new Error(`report ${i}: messageId "${r.messageId}" is not the expected "${want.messageId}"`);
    const problems = reportProblems(rule, r);
    if (problems.length > 0) throw new Error(`report ${i}: ${problems.join('; ')}`);
    for (const [k, v] of Object.entries(want.data ?? {})) {
      if (r.data?.[k] !== v) throw new Error(`report ${i}: data.${k} is ${JSON.stringify(r.data?.[k])}, expected ${JSON.stringify(v)}`);
    }
    const printed = toFinding(rule, r, 'en').remediation.flatMap((s) => [...s.commands, ...s.undo]);
    for (const cmd of want.commands ?? []) {
      if (!printed.includes(cmd)) throw new Error(`report ${i}: the command "${cmd}" is not printed: ${printed.join(' | ')}`);
    }
    const severity = r.severity ?? rule.meta.severity;
    if (want.severity !== undefined && severity !== want.severity) throw new Error(`report ${i}: severity ${severity}, expected ${want.severity}`);
    for (const [lang, expected] of [['en', want.message], ['zh', want.messageZh]] as const) {
      if (expected === undefined) continue;
      const printed = toFinding(rule, r, lang).message;
      if (!matches(printed, expected) || (typeof expected === 'string' && printed !== expected)) throw new Error(`report ${i}: the ${lang} message is "${printed}", expected ${String(expected)}`);
    }
    for (const [key, ids] of Object.entries(want.phrases ?? {})) {
      const given = r.phrases?.[key];
      const got = given === undefined ? undefined : Array.isArray(given) ? (given as readonly Phrase[]).map((p) => p.id) : (given as Phrase).id;
      if (JSON.stringify(got) !== JSON.stringify(ids)) throw new Error(`report ${i}: phrase {${key}} is ${JSON.stringify(got)}, expected ${JSON.stringify(ids)}`);
    }
    for (const ev of want.evidence ?? []) {
      const lines = r.evidence.map((l) => lineIn(l, 'en').text);
      if (!lines.some((l) => matches(l, ev))) throw new Error(`report ${i}: no evidence line matches ${String(ev)}: ${lines.join(' | ')}`);
    }
  });
}

/** Throws unless the case is skipped with a reason matching the expected one. */
export function checkSkippedCase(rule: Rule, c: SkippedCase): void {
  const { result } = runRule(rule, caseEvidence(c));
  if (result.status !== 'skipped') throw new Error(`should be skipped but was ${result.status}`);
  if (!matches(result.reason ?? '', c.reason)) throw new Error(`skip reason "${result.reason ?? ''}" does not match ${String(c.reason)}`);
}

export class RuleTester {
  run(rule: Rule, tests: RuleTests): void {
    describe(rule.meta.id, () => {
      it('has valid meta and both kinds of cases', () => {
        expect(validateRuleMeta(rule)).toEqual([]);
        // ESLint refuses an empty suite; so do we: a rule needs both healthy and broken cases.
        expect(tests.valid.length, 'at least one valid case').toBeGreaterThan(0);
        expect(tests.invalid.length, 'at least one invalid case').toBeGreaterThan(0);
      });
      describe('valid', () => {
        for (const c of tests.valid) it(c.name, () => checkValidCase(rule, c));
      });
      describe('invalid', () => {
        for (const c of tests.invalid) it(c.name, () => checkInvalidCase(rule, c));
      });
      if (tests.skipped && tests.skipped.length > 0) {
        describe('skipped', () => {
          for (const c of tests.skipped ?? []) it(c.name, () => checkSkippedCase(rule, c));
        });
      }
    });
  }
}

/** A NodeFacts fixture from test/fixtures/evidence/, validated; `patch` replaces whole sections. */
export function loadFixture(name: string, patch: Partial<PartialFacts> = {}): NodeFacts {
  const path = fileURLToPath(new URL(`../../test/fixtures/evidence/${name}`, import.meta.url));
  return makeFacts({ ...(loadFactsFile(path) as PartialFacts), ...patch } as PartialFacts);
}
