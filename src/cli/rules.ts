// `podpath rules` lists the rules; `podpath explain ID` prints one (both registered here).
import type { Command } from 'commander';
import { resolveLang } from '../engine/i18n.js';
import { renderExplain, renderExplainText } from '../report/rule-docs.js';
import { RULE_KINDS } from '../evidence/evidence.js';
import { evidenceName, RULE_KIND_NAMES } from '../evidence/names.js';
import { severityLabel } from '../report/labels.js';
import { allRules, ruleById } from '../rules/index.js';
import { PodpathError } from '../util/errors.js';

import { padEndDisplay as padDisplay } from '../util/display-width.js';
import { maxOf } from '../util/arrays.js';

export function registerRules(program: Command): void {
  program
    .command('rules')
    .description('List the rules: id, severity, the evidence each needs, title')
    .option('--lang <zh|en>', 'language (default: from LC_ALL / LANG)')
    .option('--json', 'print the rules\' meta as JSON')
    .action((opts: { lang?: string; json?: boolean }) => {
      const lang = resolveLang(opts.lang);
      if (opts.json) {
        process.stdout.write(JSON.stringify(allRules.map((r) => r.meta), null, 2) + '\n');
        return;
      }
      // Grouped by what they judge: the node, probes, captures, the cluster, the matrix, drops.
      const width = maxOf(allRules.map((r) => r.meta.id.length));
      const out: string[] = [];
      for (const kind of RULE_KINDS) {
        const group = allRules.filter((r) => r.meta.kind === kind);
        if (group.length === 0) continue;
        out.push(`${out.length > 0 ? '\n' : ''}${RULE_KIND_NAMES[kind][lang]} (${group.length})`);
        for (const r of group) out.push(`  ${r.meta.id.padEnd(width)}  ${padDisplay(severityLabel(r.meta.severity, lang), 8)}  ${r.meta.title[lang]}  [${r.meta.needs.map((k) => evidenceName(k, lang)).join(', ')}]`);
      }
      process.stdout.write(out.join('\n') + '\n');
    });
  program
    .command('explain')
    .description('Explain one rule: what it detects, why, the fix and its undo, references')
    .argument('<id>', 'rule id (see `podpath rules`)')
    .option('--lang <zh|en>', 'language (default: from LC_ALL / LANG)')
    .option('--markdown', 'print the Markdown page (as in docs/rules/) instead of text')
    .action((id: string, opts: { lang?: string; markdown?: boolean }) => {
      const rule = ruleById(id);
      if (!rule) throw new PodpathError('E_UNKNOWN_RULE', `unknown rule id: ${id} (see \`podpath rules\`)`);
      const lang = resolveLang(opts.lang);
      if (opts.markdown) {
        process.stdout.write(renderExplain(rule, lang));
        return;
      }
      // A terminal gets bold headings and wrapped paragraphs; a pipe the same text without escapes.
      const tty = process.stdout.isTTY === true;
      process.stdout.write(renderExplainText(rule, lang, { color: tty && !process.env.NO_COLOR, width: tty ? Math.min(process.stdout.columns || 100, 120) : undefined }));
    });
}
