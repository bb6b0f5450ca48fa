// Rule documentation from rule meta: one Markdown page per rule (docs/rules/<id>.md), an index
// (docs/rules/README.md), and the same text for `podpath explain ID`. Deterministic: the docs test
// regenerates it in memory and compares.
import { placeholdersOf } from '../engine/i18n.js';
import type { Lang, Rule } from '../engine/types.js';
import { label, severityLabel } from './labels.js';
import { pushAll } from '../util/arrays.js';

function section(rule: Rule, lang: Lang): string[] {
  const m = rule.meta;
  const out: string[] = [];
  out.push(`**${label('severity', lang)}**: ${severityLabel(m.severity, lang)} · **${label('needs', lang)}**: ${m.needs.map((n) => `\`${n}\``).join(', ')}${m.uses && m.uses.length > 0 ? ` · **${label('uses', lang)}**: ${m.uses.map((n) => `\`${n}\``).join(', ')}` : ''}`, '');
  out.push(`### ${label('explanation', lang)}`, '', m.explanation[lang], '');
  if (m.unconfirmed) out.push(`> **${label('unconfirmed', lang)}**: ${m.unconfirmed}`, '');
  out.push(`### ${label('messages', lang)}`, '');
  for (const [id, text] of Object.entries(m.messages)) out.push(`- \`${id}\`: ${text[lang]}`);
  out.push('');
  m.remediation.forEach((step) => {
    pushAll(out, [`### ${label('fix', lang)}: ${step.description[lang]}`, '', '```sh', ...step.commands, '```', '', `${label('undo', lang)}:`, '', '```sh', ...step.undo, '```', '']);
  });
  return out;
}

export function renderRuleDoc(rule: Rule): string {
  const m = rule.meta;
  const out: string[] = [`<!-- generated from src/rules by \`npm run docs\`: do not edit -->`, `# ${m.id}`, '', `${m.title.en} / ${m.title.zh}`, ''];
  pushAll(out, ['## English', '', ...section(rule, 'en')]);
  pushAll(out, ['## 中文', '', ...section(rule, 'zh')]);
  pushAll(out, [`## ${label('references', 'en')}`, '', ...m.references.map((r) => `- ${r}`), '']);
  const placeholders = [...new Set(Object.values(m.messages).flatMap((t) => placeholdersOf(t.en)))].sort();
  if (placeholders.length > 0) out.push(`Placeholders: ${placeholders.map((p) => `\`{${p}}\``).join(', ')}`, '');
  return out.join('\n');
}

export function renderRuleIndex(rules: readonly Rule[]): string {
  const out = [
    '<!-- generated from src/rules by `npm run docs`: do not edit -->',
    '# podpath rules',
    '',
    'Each rule is `src/rules/<id>.ts` (`defineRule({ meta, check })`, a pure function of NodeFacts) with its',
    '`RuleTester` cases in `src/rules/<id>.test.ts`: valid cases must be judged and report nothing, invalid',
    'cases must report exactly the expected messageIds. A rule whose `needs` are not collected is skipped,',
    'never passed. `npm run docs` regenerates these pages; `test/rules/docs-fresh.test.ts` fails when one is stale.',
    '`podpath rules` lists them, `podpath explain <id>` prints one.',
    '',
    '| id | severity | needs | title | 标题 |',
    '|---|---|---|---|---|',
  ];
  for (const r of rules) out.push(`| [${r.meta.id}](${r.meta.id}.md) | ${r.meta.severity} | ${r.meta.needs.join(', ')} | ${r.meta.title.en} | ${r.meta.title.zh} |`);
  return out.join('\n') + '\n';
}

/** `podpath explain ID`: the page in one language, for a terminal. */
export function renderExplain(rule: Rule, lang: Lang): string {
  const m = rule.meta;
  return [`${m.id}: ${m.title[lang]}`, '', ...section(rule, lang), `${label('references', lang)}: ${m.references.join(', ')}`, ''].join('\n');
}
