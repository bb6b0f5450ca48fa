// `podpath diff A B` (the node diff): what differs between a healthy node (A) and a broken one (B)
// that matters for cross-node traffic. The use case is src/app/node-diff/run.ts; this parses flags and writes.
import type { Command } from 'commander';
import { runNodeDiff } from '../app/node-diff/run.js';
import { renderNodeDiffJson } from '../report/node-diff-json.js';
import { renderNodeDiffText } from '../report/node-diff-text.js';
import { oneLine } from '../util/terminal-safe.js';
import { resolveLang } from '../util/i18n.js';
import { PodpathError } from '../util/errors.js';
import { VERSION } from '../util/version.js';

interface NodeDiffCliOptions {
  json?: boolean;
  output: string;
  all?: boolean;
  evidence?: boolean;
  lang?: string;
}

export function registerNodeDiff(program: Command): void {
  program
    .command('diff')
    .description('Compare a healthy node (A) with a broken one (B): kernel build, drivers, offloads, MTUs, VXLAN, sysctls, routes, packet filter, NetworkManager, CNI')
    .argument('<a>', 'healthy node: bundle directory or tarball, sosreport, or facts .json')
    .argument('<b>', 'broken node: same kinds of input')
    .option('--json', 'print the differences as JSON')
    .option('-o, --output <format>', 'text, json (as --json) or html (one self-contained file, both languages; redirect it: > diff.html)', 'text')
    .option('--all', 'also show differences of low relevance (never change the exit code)')
    .option('--evidence', 'show the lines behind each value')
    .option('--lang <zh|en>', 'language of the text (default: from LC_ALL / LANG)')
    .action(async (a: string, b: string, opts: NodeDiffCliOptions) => {
      if (!['text', 'json', 'html'].includes(opts.output)) throw new PodpathError('E_USAGE', `-o takes text, json or html, not ${JSON.stringify(opts.output.slice(0, 40))}`);
      const format = opts.json ? 'json' : opts.output;
      const { diff, exitCode } = await runNodeDiff({
        a,
        b,
        // How each side was read: said before the diff.
        onNote: (side, path, n) => process.stderr.write(`podpath: note: ${n.code}: ${side} (${oneLine(path)}): ${oneLine(n.message)}\n`),
      });
      const lang = resolveLang(opts.lang);
      if (format === 'html') {
        // Imported for -o html only: the other formats do not evaluate the HTML report at start-up.
        const { renderHtmlReport } = await import('../report/html/render.js');
        process.stdout.write(renderHtmlReport({ lang, parts: [{ kind: 'node-diff', labelA: a, labelB: b, diff }], generatedAt: new Date().toISOString(), version: VERSION }));
      } else if (format === 'json') process.stdout.write(renderNodeDiffJson(diff, { labelA: a, labelB: b, lang }));
      else process.stdout.write(renderNodeDiffText(diff, { labelA: a, labelB: b, all: opts.all, evidence: opts.evidence, lang, colors: process.stdout.isTTY === true && !process.env.NO_COLOR }));
      process.exitCode = exitCode;
    });
}
