import type { Command } from 'commander';
import { runProbe } from '../app/probe.js';
import { ProbeTracer } from '../app/probe-trace.js';
import { resolveLang } from '../engine/i18n.js';
import { renderProbeJson } from '../report/probe-json.js';
import { renderProbeText } from '../report/probe-text.js';
import { PodpathError } from '../util/errors.js';
import { VERSION } from '../util/version.js';
import { addProbeOptions, probeOptionsFrom, probeTraceFrom, type ProbeCliOptions } from './probe-options.js';
import { displayLine } from '../util/terminal-safe.js';

const FORMATS = ['text', 'json', 'html'] as const;

export function registerProbe(program: Command): void {
  addProbeOptions(
    program
      .command('probe <peer>')
      .description('probe a peer running `podpath agent`: UDP echo, size sweep, optional rate ramp, TCP, DNS; both directions, underlay and overlay; the probe rules say where each loss happened'),
  )
    .option('--no-reverse', 'probe only from here to the peer')
    .option('--lang <zh|en>', 'language of the report (default: from LC_ALL / LANG)')
    .option('-o, --output <format>', 'text, json or html (one self-contained file: the sweeps and ramps as curves; redirect it: > probe.html)', 'text')
    .option('--json', 'the same as -o json')
    .option('--no-color', 'plain text even on a terminal')
    .addHelpText('after', '\nExit code: 0 every probe passed and no rule found anything, 1 loss measured or findings, 2 error.\n')
    .action(async (peer: string, o: ProbeCliOptions & { reverse: boolean; json?: boolean; lang?: string; output: string; color?: boolean }) => {
      const format = o.json ? 'json' : o.output;
      if (!(FORMATS as readonly string[]).includes(format)) throw new PodpathError('E_BAD_FORMAT', `unknown output format "${format}": use ${FORMATS.join(', ')}`);
      const lang = resolveLang(o.lang);
      const traceOpts = probeTraceFrom(o, (line) => process.stderr.write(`podpath: ${displayLine(line, 2000)}\n`));
      const trace = traceOpts ? new ProbeTracer(traceOpts) : undefined;
      const release = trace?.undoOnSignal();
      const run = await runProbe({ ...probeOptionsFrom(peer, o), reverse: o.reverse !== false, lang, trace }).finally(() => release?.());
      const color = o.color !== false && process.stdout.isTTY === true && !process.env.NO_COLOR;
      if (format === 'html') {
        // The page draws what the JSON holds: one document, read back as podpath report reads it.
        // Imported for -o html only: the other formats do not evaluate the HTML report at start-up.
        const [{ renderHtmlReport }, { buildHtmlReportInput }] = await Promise.all([import('../report/html/render.js'), import('../app/report.js')]);
        process.stdout.write(renderHtmlReport(buildHtmlReportInput([{ from: `podpath probe ${peer}`, text: renderProbeJson(run, VERSION) }], { lang })));
      } else process.stdout.write(format === 'json' ? renderProbeJson(run, VERSION) : renderProbeText(run, { color }));
      process.exitCode = run.exitCode;
    });
}
