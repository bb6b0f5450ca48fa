// The rule contract (modelled on ESLint's { meta, create }): rules are pure functions of evidence.
// Every judgement podpath makes (a node, its probes, a capture, the cluster, the matrix, the
// kernel's drops) is a rule of this one shape, reporting this one Finding.
import type { Evidence, NeedKey, RuleKind } from '../evidence/evidence.js';
import type { EvidenceLine, NodeFacts } from '../evidence/node-facts.js';
import type { CommandValue } from './shell-fill.js';

export type Severity = 'critical' | 'error' | 'warning' | 'info';
/**
 * Lang, Localized (text in both languages, `{name}` placeholders filled from a report's data) and
 * ReasonRef (a reason as a code with parameters, rendered through a catalogue: a rule's
 * meta.reasons, engine/reasons.ts, evidence/missing-reasons.ts) live in util/i18n.ts.
 */
export type { Lang, Localized, MessageData, ReasonRef, Said } from '../util/i18n.js';
import type { Localized, MessageData, ReasonRef, Said } from '../util/i18n.js';

/**
 * An evidence line as a rule reports it: quoted text as it is, or podpath's own words around the
 * quoted numbers (a Said: a catalogue entry with its data), said in the run's language.
 */
export interface ReportLine { source: string | Said; text: string | Said }

/**
 * A part of a message that differs by case (one sender or several, a port or none): an entry of
 * the rule's own meta.messages, filled from its own data and put into the message in the run's
 * language, so every word stays in the catalogue. A list of phrases is joined by the language's
 * separator (`; ` / `；`); an empty list puts nothing in.
 */
export interface Phrase {
  id: string;
  data?: MessageData;
}

export interface Remediation {
  /** What the step does. */
  description: Localized;
  /**
   * Commands to run, with `{placeholders}` filled from the report's data (quoted for sh by
   * where they sit: see engine/shell-fill.ts). A value the user must supply is written as
   * `"${NAME:?what to set}"`, so a paste without it stops with that message.
   */
  commands: string[];
  /** Commands that undo them; every fix has an undo (a `# comment` when there is nothing to run). */
  undo: string[];
}

export interface RuleMeta {
  /** Stable id, kebab-case: the file name under src/rules/ and docs/rules/. */
  id: string;
  title: Localized;
  severity: Severity;
  /** What it judges: how `podpath rules` groups it and which commands run it. */
  kind: RuleKind;
  /** Evidence without which the rule cannot judge: the engine skips it (`skipped: no <evidence>`). */
  needs: NeedKey[];
  /**
   * Other sets of evidence that are each enough on their own, when `needs` is not all there (a
   * kernel log line can prove what the counters would): the rule runs when `needs` or any one of
   * these sets is complete, and checks for itself which it got.
   */
  sufficient?: NeedKey[][];
  /** Evidence it uses when present. */
  uses?: NeedKey[];
  /** Messages keyed by id, as ESLint's meta.messages. */
  messages: Record<string, Localized>;
  /** Why it may decline to judge although its evidence is there (`ctx.skip(code, data)`), keyed by code. */
  reasons?: Record<string, Localized>;
  explanation: Localized;
  remediation: Remediation[];
  /** Links, `gh:owner/repo#N`, kernel commits, seed file names. */
  references: string[];
  /** Set when the rule rests on something the knowledge base marks UNCONFIRMED. */
  unconfirmed?: Localized;
  /**
   * Rules whose findings are symptoms of what this one finds (firewalld's REJECT is what makes
   * forward-policy-drop see a REJECT): when both fire with one severity, this one is listed first.
   */
  outranks?: string[];
}

export interface Report {
  messageId: string;
  data?: MessageData;
  /**
   * Values only commands use, when one word is not enough: several words (an array) or a
   * command the rule builds itself (`fragment(template, data)`); they override `data` there.
   */
  commandData?: Record<string, CommandValue>;
  /** The lines that prove it, each with where it came from. */
  evidence: ReportLine[];
  /** Overrides meta.severity for this finding (a rule whose cases differ in weight). */
  severity?: Severity;
  /** A second message of meta.messages, filled from the same data: what it means, what to do next. */
  detailId?: string;
  /** Where in a capture it points. */
  location?: FindingLocation;
  /** Placeholders of the messages (not of commands) filled with phrases of meta.messages. */
  phrases?: Record<string, Phrase | readonly Phrase[]>;
}

export interface RuleContext {
  /** Everything measured for this run. */
  evidence: Evidence;
  /** The node's facts (empty sections when the run has no node, as for a capture). */
  facts: NodeFacts;
  report(r: Report): void;
  /**
   * Says the rule cannot judge this node although its sections are present (e.g. the overlay
   * device was never asked about): the engine reports it `skipped` with this reason, never passed.
   */
  skip(code: string, data?: MessageData): void;
}

export interface Rule {
  meta: RuleMeta;
  check(ctx: RuleContext): void;
}

export interface Finding {
  ruleId: string;
  severity: Severity;
  title: string;
  messageId: string;
  message: string;
  evidence: EvidenceLine[];
  /** Evidence lines left out past LIMITS.findingEvidenceLines (150,000 matching log lines print 50 and a count). */
  evidenceOmitted?: number;
  remediation: { description: string; commands: string[]; undo: string[] }[];
  references: string[];
  /** What it means and what to do next, when the rule says more than its message. */
  detail?: string;
  /** Where in the evidence it points, when that is more than its lines: a capture's frames. */
  location?: FindingLocation;
}

/** A place in a capture: the file, the frames, and a Wireshark display filter that shows them. */
export interface FindingLocation {
  file?: string;
  frames?: { count: number; ranges: { from: number; to: number }[]; truncated: boolean };
  filter?: string;
}

export interface RuleResult {
  ruleId: string;
  status: 'pass' | 'fail' | 'skipped';
  /** For skipped rules, in the report's language: `no <evidence>: <why>`, or the rule's own reason. */
  reason?: string;
  /** The same reasons as codes with their data (stable for scripts, translatable). */
  reasons?: ReasonRef[];
  findings: Finding[];
}

export function defineRule(rule: Rule): Rule {
  return rule;
}

export type { NodeFacts, EvidenceLine, Evidence, NeedKey, RuleKind };
