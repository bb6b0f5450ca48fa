// `podpath trace`: flags -> the trace use case -> text or JSON. Host changes go to stderr as they
// happen; Ctrl-C (or SIGTERM) ends the window early, undoes everything and still prints.
import type { Command } from 'commander';
import { runTrace } from '../app/trace.js';
import { renderDropTraceText } from '../report/drop-trace-text.js';
import { renderHtmlReport } from '../report/html/render.js';
import { VERSION } from '../util/version.js';
import type { ChangeEvent } from '../sources/tracefs/changes.js';
import { parsePorts } from '../sources/tracefs/rule-trace.js';
import { PodpathError } from '../util/errors.js';
import { displayLine } from '../util/terminal-safe.js';
import { parseDuration } from '../util/units.js';
import { resolveLang, t, type Lang } from '../util/i18n.js';
import { TEXT_LABELS } from '../report/text-labels.js';

interface TraceCliOptions {
  for: string;
  baseline: string;
  filter?: string;
  devices?: boolean | string;
  traceRules?: string;
  output: string;
  lang?: string;
}

function say(line: string): void {
  process.stderr.write(`podpath: ${displayLine(line, 2000)}\n`);
}

function printChange(e: ChangeEvent, lang: Lang): void {
  if (e.type === 'did') say(t(TEXT_LABELS.traceChanged, lang, { did: e.did, undo: e.undo }));
  else if (e.type === 'undone') say(t(TEXT_LABELS.traceUndoneLine, lang, { undo: e.undo }));
  else if (e.type === 'undo-failed') say(t(TEXT_LABELS.traceUndoFailed, lang, { undo: e.undo, error: e.error }));
  else say(e.error ? t(TEXT_LABELS.traceLeftoverFailed, lang, { what: e.what, did: e.did, error: e.error }) : t(TEXT_LABELS.traceLeftover, lang, { what: e.what, did: e.did }));
}

export function registerTrace(program: Command): void {
  program
    .command('trace')
    .description('watch which packets the kernel drops, where and why (skb:kfree_skb through tracefs, in a private instance removed afterwards)')
    .option('--for <duration>', 'length of the main window', '10s')
    .option('--baseline <duration>', 'a window before it, for comparison (0 for none)', '3s')
    .option('--filter <expr>', 'kfree_skb filter: protocol, reason (names allowed), common_pid compared with numbers, && || ! ( ) (default: protocol == 2048)')
    .option('--devices [glob]', 'also name the device each dropped packet came in on (enables net:netif_receive_skb, optionally only for devices matching GLOB)')
    .option('--trace-rules <ports>', 'also trace the packet filter for these ports (a temporary nftables table, or iptables-legacy TRACE rules), e.g. 8472,4789')
    .option('-o, --output <format>', 'text, json or html (one self-contained file, both languages; redirect it: > trace.html)', 'text')
    .option('--lang <zh|en>', 'language of the text (default: from LC_ALL / LANG)')
    .action(async (o: TraceCliOptions) => {
      const lang = resolveLang(o.lang);
      if (o.output !== 'text' && o.output !== 'json' && o.output !== 'html') throw new PodpathError('E_BAD_FORMAT', `unknown output format "${o.output}": use text, json, html`);
      const forMs = parseDuration(o.for);
      const baselineMs = parseDuration(o.baseline);
      const ports = o.traceRules !== undefined ? parsePorts(o.traceRules) : undefined;
      const stop = new AbortController();
      const onSignal = () => stop.abort();
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      try {
        const trace = await runTrace({
          forMs,
          baselineMs,
          filter: o.filter,
          devices: o.devices,
          traceRules: ports ? { ports } : undefined,
          onChange: (e) => printChange(e, lang),
          onReady: ({ filter }) => say(t(baselineMs > 0 ? TEXT_LABELS.traceTracingBase : TEXT_LABELS.traceTracing, lang, { filter, seconds: forMs / 1000, baseline: baselineMs / 1000 })),
          signal: stop.signal,
        });
        if (o.output === 'html') process.stdout.write(renderHtmlReport({ lang, parts: [{ kind: 'trace', from: 'podpath trace', lang, trace }], generatedAt: new Date().toISOString(), version: VERSION }));
        else process.stdout.write(o.output === 'json' ? JSON.stringify(trace, null, 2) + '\n' : renderDropTraceText(trace, lang));
        if (trace.read.interrupted) process.exitCode = 130;
        else if (trace.changes.some((c) => c.state !== 'undone')) process.exitCode = 2;
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
    });
}
