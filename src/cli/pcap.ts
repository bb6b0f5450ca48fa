// `podpath pcap analyze FILE...` and `podpath pcap diff SENDER RECEIVER`: wiring only (the use
// cases are src/app/pcap.ts, the renderers src/report/capture-*.ts). The use case and the
// renderers are imported when an action runs, and only the one its format needs: the bundle then
// evaluates neither the HTML report nor the other subcommand's code for `pcap analyze` (start-up
// CPU is part of every run; test/cli/bundle-startup.test.ts).
import { Command, InvalidArgumentError } from 'commander';
import type { ReadFailure } from '../app/pcap.js';
import type { AnalyzedCapture } from '../report/capture-json.js';
import type { CaptureDiff } from '../evidence/capture-diff.js';
import type { Finding, Lang } from '../engine/types.js';
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

function readErrorLine(e: ReadFailure): string {
  return show(formatError(new PodpathError(e.error.code, `${e.file}: ${e.error.message}`, { offset: e.error.offset })), 2000);
}

function outputFormat(opts: { json?: boolean; output: string }): 'text' | 'json' | 'html' {
  if (opts.output !== 'text' && opts.output !== 'json' && opts.output !== 'html') throw new PodpathError('E_USAGE', `-o takes text, json or html, not ${JSON.stringify(opts.output.slice(0, 40))}`);
  if (opts.json && opts.output === 'html') throw new PodpathError('E_USAGE', '--json and -o html: give one');
  return opts.json ? 'json' : opts.output;
}

const other = (lang: Lang): Lang => (lang === 'en' ? 'zh' : 'en');

/** `pcap analyze -o html`: the captures, their findings in both languages (the rules run again in the other). */
async function renderCaptureHtml(files: readonly AnalyzedCapture[], lang: Lang): Promise<string> {
  const [{ captureFindings, capturesJudged }, { renderHtmlReport }] = await Promise.all([import('../app/pcap.js'), import('../report/html/render.js')]);
  return renderHtmlReport({
    lang,
    parts: [{
      kind: 'capture', from: 'pcap analyze', lang, files: files.map((f) => ({ summary: f.summary, findings: f.findings, translation: captureFindings(f.summary, other(lang)) })),
      judged: files.map((f) => capturesJudged({ captures: [f.summary] })).reduce((a, b) => ({ judged: a.judged + b.judged, total: a.total + b.total }), { judged: 0, total: 0 }),
    }],
    generatedAt: new Date().toISOString(),
    version: VERSION,
  });
}

async function renderCaptureDiffHtml(result: CaptureDiff, findings: Finding[], lang: Lang): Promise<string> {
  const [{ captureDiffFindings, capturesJudged }, { renderHtmlReport }] = await Promise.all([import('../app/pcap.js'), import('../report/html/render.js')]);
  return renderHtmlReport({
    lang,
    parts: [{ kind: 'capture-diff', from: 'pcap diff', lang, result, findings, translation: captureDiffFindings(result, other(lang)), judged: capturesJudged({ captureDiffs: [result] }) }],
    generatedAt: new Date().toISOString(),
    version: VERSION,
  });
}

export function registerPcap(program: Command): void {
  const pcap = program.command('pcap').description('Read packet captures (pcap, pcapng): checksums, handshakes, sizes, loss between two ends');

  pcap
    .command('analyze')
    .description('Summarise captures: checksum verdicts per layer and sender, TCP handshakes, packet sizes per flow; findings first')
    .argument('<files...>', 'capture files (pcap or pcapng); - reads standard input (tcpdump -w - | podpath pcap analyze -)')
    .option('--vxlan-port <port>', 'also decode this UDP port as VXLAN (repeatable; 4789 and 8472 always are)', port, [])
    .option('--json', 'print the versioned JSON document (docs/pcap-json.md)')
    .option('-o, --output <format>', 'text, json (as --json) or html (one self-contained file, both languages; redirect it: > capture.html)', 'text')
    .option('--lang <zh|en>', 'language of the findings (default: from LC_ALL / LANG)')
    .action(async (files: string[], opts: { vxlanPort: number[]; json?: boolean; output: string; lang?: string }) => {
      const lang = resolveLang(opts.lang);
      const format = outputFormat(opts);
      const { pcapAnalyze } = await import('../app/pcap.js');
      const out = await pcapAnalyze({ inputs: files, vxlanPorts: opts.vxlanPort, lang });
      // Set before writing: a reader that closes the pipe early (| head) ends us in the write.
      process.exitCode = out.exitCode;
      // A capture that could not be opened has no result and is left out; any read error makes the exit 2.
      if (out.files.length > 0) {
        if (format === 'html') process.stdout.write(await renderCaptureHtml(out.files, lang));
        else if (format === 'json') {
          const { analyzeJsonText } = await import('../report/capture-json.js');
          // Two writes: appending the newline would copy the whole (multi-megabyte) text once more.
          process.stdout.write(analyzeJsonText(out.files, out.exitCode, VERSION));
          process.stdout.write('\n');
        } else {
          const { renderAnalyze, colors } = await import('../report/capture-text.js');
          process.stdout.write(renderAnalyze(out.files, colors(useColor()), lang));
        }
      }
      for (const e of out.errors) process.stderr.write(readErrorLine(e) + '\n');
      process.exitCode = out.exitCode;
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
    .option('-o, --output <format>', 'text, json (as --json) or html (one self-contained file, both languages; redirect it: > diff.html)', 'text')
    .option('--lang <zh|en>', 'language of the findings (default: from LC_ALL / LANG)')
    .action(async (sender: string, receiver: string, opts: { vxlanPort: number[]; nat?: boolean; senderHost?: string; receiverHost?: string; json?: boolean; output: string; lang?: string }) => {
      const lang = resolveLang(opts.lang);
      const format = outputFormat(opts);
      const { pcapDiff } = await import('../app/pcap.js');
      const out = await pcapDiff(sender, receiver, { vxlanPorts: opts.vxlanPort, nat: opts.nat, senderHost: opts.senderHost, receiverHost: opts.receiverHost, lang });
      process.exitCode = out.exitCode;
      // A diff needs both captures: when either could not be opened there is no result to print
      // (one cut short still gives a diff of what was read, its side marked with the error).
      if (out.hasResult) {
        if (format === 'html') process.stdout.write(await renderCaptureDiffHtml(out.result, out.findings, lang));
        else if (format === 'json') {
          const { diffJson } = await import('../report/capture-diff-json.js');
          process.stdout.write(JSON.stringify(diffJson(out.result, out.findings, out.exitCode, VERSION), null, 2) + '\n');
        } else {
          const [{ renderDiff }, { colors }] = await Promise.all([import('../report/capture-diff-text.js'), import('../report/capture-text.js')]);
          process.stdout.write(renderDiff(out.result, out.findings, colors(useColor()), lang));
        }
      }
      for (const e of out.errors) process.stderr.write(readErrorLine(e) + '\n');
      process.exitCode = out.exitCode;
    });
}
