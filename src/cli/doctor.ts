// `podpath doctor`: collects what the rules need, runs them, prints findings by severity.
import type { Command } from 'commander';
import { runDoctor } from '../engine/doctor.js';
import { resolveLang } from '../engine/i18n.js';
import { parseFormat, render } from '../report/index.js';

interface DoctorCliOptions {
  from?: string;
  root?: string;
  facts?: string;
  lang?: string;
  output: string;
  only?: string;
  color?: boolean;
}

export function registerDoctor(program: Command): void {
  program
    .command('doctor')
    .description('Diagnose this node (or a bundle / facts file): findings with evidence, fix and undo')
    .option('--from <path>', 'read a bundle, sosreport (directory or tarball) or facts .json instead of this host')
    .option('--root <dir>', 'live only: read files under this root directory (a lab node)')
    .option('--facts <file.json>', 'judge a NodeFacts JSON file (as `podpath collect --json` prints it)')
    .option('--lang <zh|en>', 'language of the report (default: from LC_ALL / LANG)')
    .option('-o, --output <format>', 'text, json or markdown', 'text')
    .option('--only <ids>', 'run only these rules (comma-separated ids, see `podpath rules`)')
    .option('--no-color', 'plain text even on a terminal')
    .action(async (opts: DoctorCliOptions) => {
      const format = parseFormat(opts.output);
      const lang = resolveLang(opts.lang);
      const only = opts.only?.split(',').map((s) => s.trim()).filter(Boolean);
      const { report, exitCode } = await runDoctor({ from: opts.from, root: opts.root, facts: opts.facts, lang, only });
      const color = opts.color !== false && format === 'text' && process.stdout.isTTY === true && !process.env.NO_COLOR;
      process.stdout.write(render(report, format, { color }));
      process.exitCode = exitCode;
    });
}
