// `podpath doctor`: collects what the rules need, runs them, prints findings by severity.
// The use cases and renderers are imported when the action runs, each only on the path that needs
// it: one node from a bundle evaluates neither the fleet, the cluster (kube client, yaml), the
// peer probes nor the HTML report at start-up (test/cli/bundle-startup.test.ts).
import type { Command } from 'commander';
import type { Lang } from '../engine/types.js';
import { resolveLang } from '../engine/i18n.js';
import { parseFormat, renderReport, type ReportFormat } from '../report/index.js';
import { addProbeOptions, probeOptionsFrom, probeTraceFrom, type ProbeCliOptions } from './probe-options.js';
import { displayLine } from '../util/terminal-safe.js';
import { PodpathError } from '../util/errors.js';
import { show } from '../report/safe-text.js';
import { pushAll } from '../util/arrays.js';

/** app/fleet.ts's DEFAULT_FLEET_CONCURRENCY, for the option's default without importing the fleet. */
const FLEET_CONCURRENCY = 4;

interface DoctorCliOptions extends ProbeCliOptions {
  from: string[];
  fromDir: string[];
  concurrency: string;
  root?: string;
  facts?: string;
  lang?: string;
  output: string;
  only?: string;
  color?: boolean;
  peer?: string;
  clusterFrom: string[];
}

export function registerDoctor(program: Command): void {
  addProbeOptions(program
    .command('doctor')
    .description('Diagnose this node (or a bundle / facts file): findings with evidence, fix and undo')
    .option('--from <path>', 'read a bundle, sosreport (directory or tarball), facts .json, or a transcript (.txt/.log/.md: pasted command outputs; - for standard input) instead of this host; repeat it to judge several nodes (fleet mode)', collectValues, [])
    .option('--from-dir <dir>', 'fleet mode: judge every bundle in this directory (each subdirectory and .tar/.tar.gz/.tgz/.tar.xz/.json file), by name; repeatable', collectValues, [])
    .option('--concurrency <n>', 'fleet mode: bundles read at once', String(FLEET_CONCURRENCY))
    .option('--root <dir>', 'live only: read files under this root directory (a lab node)')
    .option('--facts <file.json>', 'judge a NodeFacts JSON file (as `podpath collect --json` prints it)')
    .option('--lang <zh|en>', 'language of the report (default: from LC_ALL / LANG)')
    .option('-o, --output <format>', 'text, json, markdown or html (one self-contained file, both languages; redirect it: > report.html)', 'text')
    .option('--only <ids>', 'run only these rules (comma-separated ids, see `podpath rules`)')
    .option('--no-color', 'plain text even on a terminal')
    .option('--cluster-from <dump>', 'fleet mode: also judge the cluster: its facts from this `kubectl get ... -o json` dump (file, directory or tarball; repeatable), with the cluster rules over every node (as `podpath cluster doctor`)', collectValues, [])
    .option('--peer <address>', "also probe this peer (running `podpath agent`) both ways over the underlay and the overlay, and judge the peer's own evidence; the probe options below apply")
)
    .addHelpText('after', EXIT_HELP + FLEET_HELP)
    .action(async (opts: DoctorCliOptions) => {
      const format = parseFormat(opts.output);
      const lang = resolveLang(opts.lang);
      const only = opts.only?.split(',').map((s) => s.trim()).filter(Boolean);
      const color = opts.color !== false && format === 'text' && process.stdout.isTTY === true && !process.env.NO_COLOR;
      if (opts.clusterFrom.length > 0) {
        process.exitCode = await runClusterCli(opts, { format, lang, only, color });
        return;
      }
      if (opts.from.length > 1 || opts.fromDir.length > 0) {
        process.exitCode = await runFleetCli(opts, { format, lang, only, color });
        return;
      }
      const from = opts.from[0];
      const { isTranscriptSource, runDoctorTranscript } = await import('../app/doctor-transcript.js');
      if (from !== undefined && isTranscriptSource(from)) {
        for (const [flag, set] of [['--peer', opts.peer], ['--root', opts.root], ['--facts', opts.facts]] as const) {
          if (set !== undefined) throw new PodpathError('E_USAGE', `${flag} cannot be combined with a transcript (--from ${from})`);
        }
        const { report, exitCode, translation } = await runDoctorTranscript({ from, lang, only, stdin: process.stdin, alsoIn: format === 'html' ? otherLang(lang) : undefined });
        process.stdout.write(await renderReport(report, format, { color, translation }));
        process.exitCode = exitCode;
        return;
      }
      const traceOpts = probeTraceFrom(opts, (line) => process.stderr.write(`podpath: ${displayLine(line, 2000)}\n`));
      if (traceOpts && !opts.peer) throw new PodpathError('E_USAGE', '--trace traces around the peer probes: it needs --peer');
      const tracer = traceOpts ? new (await import('../app/probe-trace.js')).ProbeTracer(traceOpts) : undefined;
      const release = tracer?.undoOnSignal();
      const peer = opts.peer ? { ...probeOptionsFrom(opts.peer, opts), ...(tracer ? { window: tracer } : {}) } : undefined;
      const { runDoctor } = await import('../app/doctor.js');
      const { report, exitCode, translation } = await runDoctor({
        from, root: opts.root, facts: opts.facts, lang, only, peer, alsoIn: format === 'html' ? otherLang(lang) : undefined,
        ...(tracer ? { peerDrops: (probes) => tracer.dropsFor(probes) } : {}),
      }).finally(() => {
        tracer?.abandon();
        release?.();
      });
      process.stdout.write(await renderReport(report, format, { color, translation }));
      process.exitCode = exitCode;
    });
}

const EXIT_HELP = `
Exit code: 0 no findings, 1 findings, 2 error (one line on stderr: podpath: E_CODE: message),
3 inconclusive: no findings, but the evidence does not allow "healthy": the bundle or transcript is
cut short (E_BUNDLE_TRUNCATED, E_TRANSCRIPT_CUT), damaged (E_BUNDLE_DAMAGED) or holds nothing podpath
reads (E_BUNDLE_EMPTY, E_TRANSCRIPT_EMPTY), the node's interfaces are unknown, or fewer than half of
the node rules could be judged. The report says "Inconclusive: N of M rules could be judged" and
lists the commands whose output would judge the rest.

Transcripts: --from FILE.txt (.txt, .log, .md, .out) or --from - (standard input) reads pasted
command outputs (with or without prompts; line numbers, colour codes, CRLF and lost line breaks are
tolerated) and tcpdump text; every finding cites the transcript line it rests on.
`;

const FLEET_HELP = `
Fleet mode (several nodes in one run): give --from more than once, or --from-dir DIR (or both).
Each bundle is judged as \`doctor --from\` judges one, a few at a time (--concurrency). Text output
starts with one line per node (node, bundle, kernel, findings by severity, top finding), then each
node's report; -o json prints an array of the per-node reports (an unreadable bundle is an entry
{"schema":"podpath.doctor.error","from":...,"error":{"code","message"}} and its line goes to stderr).
Exit code: 0 all healthy, 1 any findings, 2 any bundle unreadable (the others are still reported),
3 none of those but a node inconclusive (never counted healthy).`;

/** The HTML report carries both languages: the rules run in the other one too. */
function otherLang(lang: Lang): Lang {
  return lang === 'en' ? 'zh' : 'en';
}

function collectValues(value: string, previous: string[]): string[] {
  return [...previous, value];
}

async function runFleetCli(opts: DoctorCliOptions, how: { format: ReportFormat; lang: Lang; only?: string[]; color: boolean }): Promise<number> {
  for (const [flag, set] of [['--peer', opts.peer], ['--root', opts.root], ['--facts', opts.facts]] as const) {
    if (set !== undefined) throw new PodpathError('E_USAGE', `${flag} judges one node: it cannot be combined with several --from or --from-dir`);
  }
  const [{ listBundleDir, runFleet }, { runDoctor }, { isTranscriptSource, runDoctorTranscript }, { renderFleet }] = await Promise.all([
    import('../app/fleet.js'), import('../app/doctor.js'), import('../app/doctor-transcript.js'), import('../report/fleet.js'),
  ]);
  const concurrency = Number(opts.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new PodpathError('E_USAGE', `--concurrency takes a whole number >= 1, got "${opts.concurrency}"`);
  const listed = [...opts.from];
  for (const dir of opts.fromDir) pushAll(listed, await listBundleDir(dir));
  const sources = [...new Set(listed)];
  if (sources.includes('-')) throw new PodpathError('E_USAGE', '--from - (standard input) judges one transcript: it cannot be one of several --from');
  const alsoIn = how.format === 'html' ? otherLang(how.lang) : undefined;
  const judge = (from: string) => (isTranscriptSource(from) ? runDoctorTranscript({ from, lang: how.lang, only: how.only, alsoIn }) : runDoctor({ from, lang: how.lang, only: how.only, alsoIn }));
  const { entries, exitCode } = await runFleet({ sources, lang: how.lang, only: how.only, concurrency, judge, alsoIn });
  for (const e of entries) if ('error' in e) process.stderr.write(`${show(`podpath: ${e.error.code}: ${e.error.message}`, 2000)}\n`);
  process.stdout.write(renderFleet(entries, how.format, { lang: how.lang, color: how.color }));
  return exitCode;
}

/** `doctor --from-dir DIR --cluster-from DUMP`: the fleet and the cluster judged in one bag, as `podpath cluster doctor`. */
async function runClusterCli(opts: DoctorCliOptions, how: { format: ReportFormat; lang: Lang; only?: string[]; color: boolean }): Promise<number> {
  for (const [flag, set] of [['--peer', opts.peer], ['--root', opts.root], ['--facts', opts.facts]] as const) {
    if (set !== undefined) throw new PodpathError('E_USAGE', `${flag} judges one node: it cannot be combined with --cluster-from`);
  }
  const [{ clusterFormat, toCount }, { listBundleDir }, { loadClusterFacts, nameFromPath, runClusterDoctor }, { renderClusterDoctor }, { renderClusterHtml }] = await Promise.all([
    import('./cluster.js'), import('../app/fleet.js'), import('../app/cluster/doctor.js'), import('../report/cluster-doctor.js'), import('../report/html/render.js'),
  ]);
  const format = clusterFormat(how.format);
  const listed = [...opts.from];
  for (const dir of opts.fromDir) pushAll(listed, await listBundleDir(dir));
  if (listed.length === 0) throw new PodpathError('E_USAGE', '--cluster-from judges the cluster with its nodes\' facts: give them with --from-dir DIR or --from');
  const cluster = await loadClusterFacts({ from: opts.clusterFrom });
  const nodes = [...new Set(listed)].map((p) => ({ kind: 'file' as const, path: p, name: nameFromPath(p) }));
  const { report, translation, exitCode } = await runClusterDoctor({ cluster, nodes, lang: how.lang, only: how.only, concurrency: toCount(opts.concurrency), ...(format === 'html' ? { alsoIn: otherLang(how.lang) } : {}) });
  for (const n of report.nodes) if (n.error) process.stderr.write(`${show(`podpath: ${n.error.code}: ${n.from}: ${n.error.message}`, 2000)}\n`);
  process.stdout.write(format === 'html' ? renderClusterHtml(report, { translation }) : renderClusterDoctor(report, format, { color: how.color }));
  return exitCode;
}
