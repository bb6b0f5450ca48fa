// `podpath report RESULT.json...`: one HTML file from the JSON results of podpath commands.
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { buildHtmlReportInput, readReportSources } from '../app/report.js';
import { resolveLang } from '../engine/i18n.js';
import { renderHtmlReport } from '../report/html/render.js';
import { PodpathError } from '../util/errors.js';
import { oneLine } from '../util/terminal-safe.js';

interface ReportCliOptions {
  lang?: string;
  out?: string;
}

export function registerReport(program: Command): void {
  program
    .command('report')
    .description('Join JSON results (doctor -o json, one node or a fleet; a mesh matrix; pcap analyze / pcap diff --json) into one self-contained HTML file, both languages inside')
    .argument('<result.json...>', 'JSON results of podpath commands; - reads standard input')
    .option('--lang <zh|en>', "the document's language (the other is a click away; default: the first report's)")
    .option('--out <file.html>', 'write the HTML here instead of standard output')
    .addHelpText('after', HELP)
    .action(async (files: string[], opts: ReportCliOptions) => {
      const lang = opts.lang === undefined ? undefined : resolveLang(opts.lang);
      const input = buildHtmlReportInput(await readReportSources(files), { lang });
      const html = renderHtmlReport(input);
      if (opts.out === undefined) process.stdout.write(html);
      else {
        try {
          writeFileSync(opts.out, html);
        } catch (e) {
          throw new PodpathError('E_REPORT_WRITE', `cannot write ${oneLine(opts.out)}: ${(e as NodeJS.ErrnoException).code ?? 'EIO'}`);
        }
      }
    });
}

const HELP = `
Reads doctor reports as \`podpath doctor -o json\` writes them: one node (with --peer, its probes'
size sweeps and rate ramps drawn as curves), or the array of a fleet (--from A --from B), unreadable
bundles included; \`cluster doctor -o json\` (and \`doctor --cluster-from -o json\`); the matrix of
\`podpath mesh -o FILE\` (judged again by the mesh rules, in both languages; at most 100 nodes:
E_REPORT_MESH_TOO_LARGE); \`probe -o json\` and \`trace -o json\`; the JSON of \`pcap analyze --json\`
and \`pcap diff --json\` (their findings judged again in both languages); and \`podpath diff A B --json\`
(the node diff, side by side). Reports of several files are joined into one fleet. The same run given
in both languages (once with --lang en, once with --lang zh; a node or a cluster doctor run) becomes
one part whose text switches language; a report in one language only keeps its words in it.
Each file is validated first; at most 64 MiB are read in all (E_REPORT_INPUT_TOO_BIG).
Errors: E_REPORT_READ, E_REPORT_SPECIAL_FILE, E_REPORT_JSON, E_REPORT_INPUT (not valid for its
schema), E_REPORT_UNKNOWN (not a podpath result), E_REPORT_UNSUPPORTED (a podpath result it does
not draw: node facts, cluster facts, cluster status, the rule list).
Example: podpath doctor --from-dir bundles/ -o json > fleet.json; podpath report fleet.json > fleet.html
`;
