// `podpath pcap analyze FILE...` and `podpath pcap diff SENDER RECEIVER`: wiring only.
import { Command, InvalidArgumentError } from 'commander';
import { analyzeCapture } from '../pcap/analyze/run.js';
import { analyzeJsonText } from '../pcap/analyze/json.js';
import { renderAnalyze, colors } from '../pcap/analyze/text.js';
import { exitCodeFor } from '../pcap/analyze/findings.js';
import { diffCaptures } from '../pcap/diff/run.js';
import { diffJson } from '../pcap/diff/json.js';
import { renderDiff } from '../pcap/diff/text.js';
import { formatError, PodpathError } from '../util/errors.js';
import { VERSION } from '../util/version.js';
import { resolveLang } from '../engine/i18n.js';
import { show } from '../report/safe-text.js';

function port(value: string, previous: number[] = []): number[] {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new InvalidArgumentError('a UDP port, 1-65535');
  return [...previous, n];
}

function useColor(): boolean {
  return process.stdout.isTTY === true && !process.env.NO_COLOR;
}

function readErrorLine(e: { code: string; message: string; offset: number }, file: string): string {
  return show(formatError(new PodpathError(e.code, `${file}: ${e.message}`, { offset: e.offset })), 2000);
}

/** A capture read without error, or read in part (frames before the error): it has a result. */
function hasResult(side: { frames: number; error?: unknown }): boolean {
  return side.error === undefined || side.frames > 0;
}

export function registerPcap(program: Command): void {
  const pcap = program.command('pcap').description('Read packet captures (pcap, pcapng): checksums, handshakes, sizes, loss between two ends');

  pcap
    .command('analyze')
    .description('Summarise captures: checksum verdicts per layer and sender, TCP handshakes, packet sizes per flow; findings first')
    .argument('<files...>', 'capture files (pcap or pcapng); - reads standard input (tcpdump -w - | podpath pcap analyze -)')
    .option('--vxlan-port <port>', 'also decode this UDP port as VXLAN (repeatable; 4789 and 8472 always are)', port, [])
    .option('--json', 'print the versioned JSON document (docs/pcap-json.md)')
    .option('--lang <zh|en>', 'language of the findings (default: from LC_ALL / LANG)')
    .action(async (files: string[], opts: { vxlanPort: number[]; json?: boolean; lang?: string }) => {
      const lang = resolveLang(opts.lang);
      if (files.filter((f) => f === '-').length > 1) throw new PodpathError('E_USAGE', 'standard input (-) can be read only once');
      const analyses = [];
      for (const file of files) analyses.push(await analyzeCapture(file, file === '-' ? '<stdin>' : file, { vxlanPorts: opts.vxlanPort }));
      const errors = analyses.filter((a) => a.read.error);
      // A capture that could not be opened (no frame read) has no result: printing its empty
      // summary ("No findings.", "0 frames") would look like one. A capture cut short keeps what
      // was read, marked as cut. Any read error makes the exit 2.
      const shown = analyses.filter((a) => hasResult(a.read));
      const code = errors.length ? 2 : exitCodeFor(analyses.flatMap((a) => a.findings));
      // Set before writing: a reader that closes the pipe early (| head) ends us in the write.
      process.exitCode = code;
      if (shown.length > 0) {
        if (opts.json) {
          // Two writes: appending the newline would copy the whole (multi-megabyte) text once more.
          process.stdout.write(analyzeJsonText(shown, code, VERSION));
          process.stdout.write('\n');
        } else process.stdout.write(renderAnalyze(shown, colors(useColor()), lang));
      }
      for (const a of errors) process.stderr.write(readErrorLine(a.read.error!, a.file) + '\n');
      process.exitCode = code;
    });

  pcap
    .command('diff')
    .description('Match the packets of two captures of the same traffic (sender side, receiver side): what was lost, which way, and whether loss depends on size, time or rate')
    .argument('<sender>', "capture taken on the sending node (streamed; - for standard input)")
    .argument('<receiver>', "capture taken on the receiving node (indexed in memory, ~110 bytes a packet)")
    .option('--vxlan-port <port>', 'also decode this UDP port as VXLAN (repeatable)', port, [])
    .option('--nat', 'NAT between the capture points: match plain packets without addresses and ports')
    .option('--sender-host <addr>', "the sending node's address (default: the busiest address of the sender capture)")
    .option('--receiver-host <addr>', "the receiving node's address (default: the busiest other address of the receiver capture)")
    .option('--json', 'print the versioned JSON document (docs/pcap-json.md)')
    .option('--lang <zh|en>', 'language of the findings (default: from LC_ALL / LANG)')
    .action(async (sender: string, receiver: string, opts: { vxlanPort: number[]; nat?: boolean; senderHost?: string; receiverHost?: string; json?: boolean; lang?: string }) => {
      const lang = resolveLang(opts.lang);
      if (sender === '-' && receiver === '-') throw new PodpathError('E_USAGE', 'standard input (-) can be read only once');
      const out = await diffCaptures(sender, receiver, { vxlanPorts: opts.vxlanPort, nat: opts.nat, senderHost: opts.senderHost, receiverHost: opts.receiverHost });
      const code = out.errors.length ? 2 : exitCodeFor(out.findings);
      process.exitCode = code;
      // A diff needs both captures: when either could not be opened there is no result to print
      // (one cut short still gives a diff of what was read, its side marked with the error).
      if (hasResult(out.result.sender) && hasResult(out.result.receiver)) {
        if (opts.json) process.stdout.write(JSON.stringify(diffJson(out.result, out.findings, code, VERSION), null, 2) + '\n');
        else process.stdout.write(renderDiff(out.result, out.findings, colors(useColor()), lang));
      }
      for (const e of out.errors) process.stderr.write(readErrorLine(e.error, e.file) + '\n');
      process.exitCode = code;
    });
}
