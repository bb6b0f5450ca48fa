// `podpath rules` lists the rules; `podpath explain ID` prints one (both registered here).
import type { Command } from 'commander';
import { resolveLang } from '../engine/i18n.js';
import { renderExplain } from '../report/rule-docs.js';
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
      const width = maxOf(allRules.map((r) => r.meta.id.length));
      for (const r of allRules) {
        process.stdout.write(`${r.meta.id.padEnd(width)}  ${padDisplay(severityLabel(r.meta.severity, lang), 8)}  ${r.meta.title[lang]}  [${r.meta.needs.join(', ')}]\n`);
      }
    });
  program
    .command('explain')
    .description('Explain one rule: what it detects, why, the fix and its undo, references')
    .argument('<id>', 'rule id (see `podpath rules`)')
    .option('--lang <zh|en>', 'language (default: from LC_ALL / LANG)')
    .action((id: string, opts: { lang?: string }) => {
      const rule = ruleById(id);
      if (!rule) throw new PodpathError('E_UNKNOWN_RULE', `unknown rule id: ${id} (see \`podpath rules\`)`);
      process.stdout.write(renderExplain(rule, resolveLang(opts.lang)));
    });
}
