// `podpath trace`: flags -> the trace use case -> text or JSON. Host changes go to stderr as they
// happen; Ctrl-C (or SIGTERM) ends the window early, undoes everything and still prints.
import type { Command } from 'commander';
import { runTrace } from '../app/trace.js';
import { renderDropTraceText } from '../report/drop-trace-text.js';
import type { ChangeEvent } from '../sources/tracefs/changes.js';
import { parsePorts } from '../sources/tracefs/rule-trace.js';
import { PodpathError } from '../util/errors.js';
import { displayLine } from '../util/terminal-safe.js';
import { parseDuration } from '../util/units.js';

interface TraceCliOptions {
  for: string;
  baseline: string;
  filter?: string;
  devices?: boolean | string;
  traceRules?: string;
  output: string;
}

function say(line: string): void {
  process.stderr.write(`podpath: ${displayLine(line, 2000)}\n`);
}

function printChange(e: ChangeEvent): void {
  if (e.type === 'did') say(`changed: ${e.did}   (undo: ${e.undo})`);
  else if (e.type === 'undone') say(`undone: ${e.undo}`);
  else if (e.type === 'undo-failed') say(`UNDO FAILED: ${e.undo}: ${e.error} (run it by hand)`);
  else say(`removed what a crashed run left: ${e.what}: ${e.did}${e.error ? ` (failed: ${e.error})` : ''}`);
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
    .option('-o, --output <format>', 'text or json', 'text')
    .action(async (o: TraceCliOptions) => {
      if (o.output !== 'text' && o.output !== 'json') throw new PodpathError('E_BAD_FORMAT', `unknown output format "${o.output}": use text, json`);
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
          onChange: printChange,
          onReady: ({ filter }) => say(`tracing skb:kfree_skb (${filter}) for ${forMs / 1000} s${baselineMs > 0 ? `, after a ${baselineMs / 1000} s baseline` : ''}; Ctrl-C stops early`),
          signal: stop.signal,
        });
        process.stdout.write(o.output === 'json' ? JSON.stringify(trace, null, 2) + '\n' : renderDropTraceText(trace));
        if (trace.read.interrupted) process.exitCode = 130;
        else if (trace.changes.some((c) => c.state !== 'undone')) process.exitCode = 2;
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
    });
}
