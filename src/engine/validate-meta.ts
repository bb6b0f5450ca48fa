// Checks a rule's meta the way ESLint's RuleTester checks meta.messages: both languages present,
// the same placeholders in both, every fix with an undo, references given. Returns the problems.
import { entryProblems } from '../util/i18n.js';
import { pushAll } from '../util/arrays.js';
import { SEVERITY_ORDER } from './run-rules.js';
import type { Localized, Rule } from './types.js';
import { RULE_KINDS } from '../evidence/evidence.js';

const ID = /^[a-z0-9]+(-[a-z0-9]+)*$/;

function checkLocalized(where: string, text: Localized | undefined, problems: string[]): void {
  pushAll(problems, entryProblems(where, text));
}

export function validateRuleMeta(rule: Rule): string[] {
  const problems: string[] = [];
  const m = rule.meta;
  if (!ID.test(m.id)) problems.push(`id "${m.id}" is not kebab-case`);
  if (!SEVERITY_ORDER.includes(m.severity)) problems.push(`severity "${String(m.severity)}" is not one of ${SEVERITY_ORDER.join(', ')}`);
  if (!RULE_KINDS.includes(m.kind)) problems.push(`kind "${String(m.kind)}" is not one of ${RULE_KINDS.join(', ')}`);
  checkLocalized('title', m.title, problems);
  checkLocalized('explanation', m.explanation, problems);
  if (m.needs.length === 0) problems.push('needs is empty: a rule must say which evidence it judges');
  const ids = Object.keys(m.messages);
  if (ids.length === 0) problems.push('messages is empty');
  for (const id of ids) checkLocalized(`messages.${id}`, m.messages[id], problems);
  for (const [code, text] of Object.entries(m.reasons ?? {})) checkLocalized(`reasons.${code}`, text, problems);
  if (m.unconfirmed !== undefined) checkLocalized('unconfirmed', m.unconfirmed, problems);
  for (const set of m.sufficient ?? []) if (set.length === 0) problems.push('sufficient has an empty set');
  if (m.remediation.length === 0) problems.push('remediation is empty: say what to change');
  m.remediation.forEach((step, i) => {
    checkLocalized(`remediation[${i}].description`, step.description, problems);
    if (step.commands.length === 0) problems.push(`remediation[${i}] has no commands`);
    if (step.undo.length === 0) problems.push(`remediation[${i}] has no undo`);
  });
  if (m.references.length === 0) problems.push('references is empty');
  return problems;
}
