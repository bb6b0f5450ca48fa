// The rule contract (modelled on ESLint's { meta, create }): rules are pure functions of NodeFacts.
import type { EvidenceKey, EvidenceLine, NodeFacts } from '../evidence/node-facts.js';
import type { CommandValue } from './shell-fill.js';

export type Severity = 'critical' | 'error' | 'warning' | 'info';
export type Lang = 'en' | 'zh';
/** Text in both languages podpath speaks. Placeholders are `{name}`, filled from a report's data. */
export interface Localized { en: string; zh: string }

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
  /** Evidence without which the rule cannot judge: the engine skips it (`skipped: no <evidence>`). */
  needs: EvidenceKey[];
  /** Evidence it uses when present. */
  uses?: EvidenceKey[];
  /** Messages keyed by id, as ESLint's meta.messages. */
  messages: Record<string, Localized>;
  explanation: Localized;
  remediation: Remediation[];
  /** Links, `gh:owner/repo#N`, kernel commits, seed file names. */
  references: string[];
  /** Set when the rule rests on something the knowledge base marks UNCONFIRMED. */
  unconfirmed?: string;
}

export interface Report {
  messageId: string;
  data?: Record<string, string | number>;
  /**
   * Values only commands use, when one word is not enough: several words (an array) or a
   * command the rule builds itself (`fragment(template, data)`); they override `data` there.
   */
  commandData?: Record<string, CommandValue>;
  /** The lines that prove it, each with where it came from. */
  evidence: EvidenceLine[];
  /** Overrides meta.severity for this finding (a rule whose cases differ in weight). */
  severity?: Severity;
}

export interface RuleContext {
  facts: NodeFacts;
  report(r: Report): void;
  /**
   * Says the rule cannot judge this node although its sections are present (e.g. the overlay
   * device was never asked about): the engine reports it `skipped` with this reason, never passed.
   */
  skip(reason: string): void;
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
  remediation: { description: string; commands: string[]; undo: string[] }[];
  references: string[];
}

export interface RuleResult {
  ruleId: string;
  status: 'pass' | 'fail' | 'skipped';
  /** For skipped rules: `no <evidence>` for each missing piece. */
  reason?: string;
  findings: Finding[];
}

export function defineRule(rule: Rule): Rule {
  return rule;
}

export type { NodeFacts, EvidenceLine };
