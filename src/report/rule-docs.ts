// Rule documentation from rule meta: one Markdown page per rule (docs/rules/<id>.md), an index
// (docs/rules/README.md), and the same text for `podpath explain ID`. Deterministic: the docs test
// regenerates it in memory and compares.
import pc from 'picocolors';
import { placeholdersOf } from '../engine/i18n.js';
import type { Lang, Rule } from '../engine/types.js';
import { RULE_KINDS } from '../evidence/evidence.js';
import { evidenceName, RULE_KIND_NAMES } from '../evidence/names.js';
import { label, severityLabel } from './labels.js';
import { pushAll } from '../util/arrays.js';

const names = (keys: readonly string[], lang: Lang) => keys.map((k) => evidenceName(k, lang));

function section(rule: Rule, lang: Lang): string[] {
  const m = rule.meta;
  const out: string[] = [];
  out.push(`**${label('severity', lang)}**: ${severityLabel(m.severity, lang)} · **${label('needs', lang)}**: ${names(m.needs, lang).join(', ')}${m.uses && m.uses.length > 0 ? ` · **${label('uses', lang)}**: ${names(m.uses, lang).join(', ')}` : ''}`, '');
  out.push(`### ${label('explanation', lang)}`, '', m.explanation[lang], '');
  if (m.unconfirmed) out.push(`> **${label('unconfirmed', lang)}**: ${m.unconfirmed[lang]}`, '');
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
    'Every judgement podpath makes is a rule: `src/rules/<kind>/<id>.ts` (`defineRule({ meta, check })`, a pure',
    'function of evidence) with its `RuleTester` cases in `<id>.test.ts` beside it: valid cases must be judged and report nothing, invalid',
    'cases must report exactly the expected messageIds. A rule whose `needs` are not collected is skipped,',
    'never passed. `npm run docs` regenerates these pages; `test/rules/docs-fresh.test.ts` fails when one is stale.',
    '`podpath rules` lists them, `podpath explain <id>` prints one.',
  ];
  for (const kind of RULE_KINDS) {
    const group = rules.filter((r) => r.meta.kind === kind);
    if (group.length === 0) continue;
    out.push('', `## ${RULE_KIND_NAMES[kind].en} / ${RULE_KIND_NAMES[kind].zh}`, '', '| id | severity | needs | title | 标题 |', '|---|---|---|---|---|');
    for (const r of group) out.push(`| [${r.meta.id}](${r.meta.id}.md) | ${r.meta.severity} | ${names(r.meta.needs, 'en').join(', ')} | ${r.meta.title.en} | ${r.meta.title.zh} |`);
  }
  return out.join('\n') + '\n';
}

/** `podpath explain ID --markdown`: the page in one language, as Markdown. */
export function renderExplain(rule: Rule, lang: Lang): string {
  const m = rule.meta;
  return [`# ${m.id}: ${m.title[lang]}`, '', ...section(rule, lang), `${label('references', lang)}: ${m.references.join(', ')}`, ''].join('\n');
}

/** Words at spaces to `width` columns (a word longer than that keeps its own line). */
function wrap(text: string, width: number, indent: string): string[] {
  if (width <= indent.length + 20) return [indent + text];
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && indent.length + line.length + 1 + word.length > width) {
      lines.push(indent + line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  if (line !== '') lines.push(indent + line);
  return lines;
}

/**
 * `podpath explain ID` for people: plain text (no Markdown markup) when piped; on a terminal the
 * same text with bold headings, `code` highlighted and paragraphs wrapped to its width.
 */
export function renderExplainText(rule: Rule, lang: Lang, opts: { color?: boolean; width?: number } = {}): string {
  const m = rule.meta;
  const c = pc.createColors(opts.color ?? false);
  const width = opts.width ?? Number.MAX_SAFE_INTEGER;
  const prose = (text: string, indent: string) => wrap(text, width, indent).map((l) => (opts.color ? l.replace(/`([^`]+)`/g, (_, code: string) => c.cyan(code)) : l));
  const out: string[] = [c.bold(`${m.id}: ${m.title[lang]}`), ''];
  out.push(`${label('severity', lang)}: ${severityLabel(m.severity, lang)}`);
  out.push(`${label('needs', lang)}: ${names(m.needs, lang).join(', ')}`);
  if (m.uses && m.uses.length > 0) out.push(`${label('uses', lang)}: ${names(m.uses, lang).join(', ')}`);
  pushAll(out, ['', c.bold(label('explanation', lang)), ...prose(m.explanation[lang], '  '), '']);
  if (m.unconfirmed) pushAll(out, [c.bold(label('unconfirmed', lang)), ...prose(m.unconfirmed[lang], '  '), '']);
  out.push(c.bold(label('messages', lang)));
  for (const text of Object.values(m.messages)) pushAll(out, prose(text[lang], '  - ').map((l, i) => (i === 0 ? l : `    ${l.slice(4)}`)));
  out.push('');
  for (const step of m.remediation) {
    out.push(c.bold(`${label('fix', lang)}: `) + step.description[lang]);
    for (const cmd of step.commands) out.push(`    $ ${cmd}`);
    out.push(`  ${label('undo', lang)}:`);
    for (const cmd of step.undo) out.push(`    $ ${cmd}`);
    out.push('');
  }
  out.push(c.bold(`${label('references', lang)}:`));
  for (const ref of m.references) out.push(`  - ${ref}`);
  return out.join('\n') + '\n';
}
