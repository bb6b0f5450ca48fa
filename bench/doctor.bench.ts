// Benchmark of `podpath doctor`: (a) live on this machine, N runs (goal: under 2 s); (b) 100 bundles
// judged by one process (`doctor --from ... x100`, goal: under 5 s) against the same 100 judged by
// 100 separate processes, with the ratio, the fleet run's peak RSS, and a check that both ways find
// the same thing. Wall time and CPU time (user + system, children included) side by side: the
// machine is shared, and CPU time is the steadier figure.
//
//   npm run bench:doctor -- [--runs N] [--bundles M] [--separate K] [--build]
//
// --separate K: run the separate processes K at a time (default 1, one after the other).
import { spawn, execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { c as createTar } from 'tar';

const GOALS = { liveSec: 2, fleetSec: 5 };
const OUT = 'bench/out/doctor';
const BUNDLES = join(OUT, 'bundles');
const PODPATH = 'dist/podpath.mjs';
const TIME = '/usr/bin/time';

interface Measured {
  wallSec: number;
  /** User + system CPU seconds of the process and the children it waited for (ip, ethtool, ...). */
  cpuSec: number;
  peakRssMb: number;
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Runs `node dist/podpath.mjs ARGS` under GNU time (CPU and peak RSS); wall time from here. */
async function podpath(args: string[]): Promise<Measured> {
  const timeFile = join(OUT, `time-${process.pid}-${Math.random().toString(36).slice(2)}.txt`);
  const useTime = existsSync(TIME);
  const [exe, argv] = useTime ? [TIME, ['-f', '%M %U %S', '-o', timeFile, process.execPath, PODPATH, ...args]] : [process.execPath, [PODPATH, ...args]];
  const t0 = process.hrtime.bigint();
  const child = spawn(exe, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
  const out: Buffer[] = [];
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => out.push(c));
  child.stderr.on('data', (c: Buffer) => {
    if (stderr.length < 8000) stderr += c.toString();
  });
  const exitCode = await new Promise<number>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve(code ?? -1));
  });
  const wallSec = Number(process.hrtime.bigint() - t0) / 1e9;
  let cpuSec = NaN;
  let peakRssMb = NaN;
  if (useTime) {
    // GNU time prints "Command exited with non-zero status N" first when the exit code is not 0.
    const last = readFileSync(timeFile, 'utf8').trim().split('\n').pop() ?? '';
    const [kb, user, sys] = last.split(' ').map(Number);
    peakRssMb = (kb ?? NaN) / 1024;
    cpuSec = (user ?? NaN) + (sys ?? NaN);
    rmSync(timeFile, { force: true });
  }
  return { wallSec, cpuSec, peakRssMb, exitCode, stdout: Buffer.concat(out).toString(), stderr };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const f2 = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : 'n/a');

/** Runs fn over items, `limit` at a time, results in order. */
async function pool<T, R>(items: T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await fn(items[i]!);
      }
    }),
  );
  return results;
}

// ---------------------------------------------------------------------------------------------
// The 100 bundles

/** Gives a bundle copy its own hostname (in `uname -a` and etc/hostname), so every node differs. */
function rename(dir: string, host: string): void {
  const root = findRoot(dir);
  const uname = join(root, 'sos_commands/kernel/uname_-a');
  if (existsSync(uname)) writeFileSync(uname, readFileSync(uname, 'utf8').replace(/^(\S+) (\S+)/, `$1 ${host}`));
  const hostname = join(root, 'etc/hostname');
  if (existsSync(hostname)) writeFileSync(hostname, `${host}\n`);
}

function findRoot(dir: string): string {
  const names = readdirSync(dir);
  return names.length === 1 && !names.includes('sos_commands') ? join(dir, names[0]!) : dir;
}

/**
 * bench/out/doctor/bundles: bundle-000 .. bundle-NNN, copies of three real bundles in turn (this
 * host's own, collected live once; seed 000's Kylin bundle; a sos 4.0 sosreport), each renamed;
 * every fourth one a .tar.gz (the sosreport ones with the directory inside, as sos ships them).
 */
async function makeBundles(count: number): Promise<{ paths: string[]; kinds: Record<string, number> }> {
  rmSync(BUNDLES, { recursive: true, force: true });
  mkdirSync(BUNDLES, { recursive: true });
  const live = join(OUT, 'live-collected');
  rmSync(live, { recursive: true, force: true });
  execFileSync(process.execPath, [PODPATH, 'collect', '-o', live], { stdio: ['ignore', 'ignore', 'pipe'] });
  const bases = [
    { name: 'live', dir: live, sub: undefined },
    { name: 'seed000', dir: 'test/fixtures/bundles/seed000-kylin-52.49', sub: undefined },
    { name: 'sos-4.0', dir: 'test/fixtures/bundles/sos-4.0-netns', sub: 'sosreport-vm-2026' },
  ];
  const paths: string[] = [];
  const kinds: Record<string, number> = {};
  for (let i = 0; i < count; i++) {
    const base = bases[i % bases.length]!;
    const id = `bundle-${String(i).padStart(3, '0')}`;
    const dir = join(BUNDLES, id);
    // verbatimSymlinks: sos's relative links stay relative (cpSync would make them absolute).
    cpSync(base.dir, base.sub ? join(dir, base.sub) : dir, { recursive: true, verbatimSymlinks: true });
    rename(dir, `node-${String(i).padStart(3, '0')}`);
    if (i % 4 === 3) {
      const file = `${dir}.tar.gz`;
      await createTar({ gzip: true, file, cwd: dir, portable: true }, readdirSync(dir));
      rmSync(dir, { recursive: true, force: true });
      paths.push(file);
      kinds[`${base.name} .tar.gz`] = (kinds[`${base.name} .tar.gz`] ?? 0) + 1;
    } else {
      paths.push(dir);
      kinds[`${base.name} dir`] = (kinds[`${base.name} dir`] ?? 0) + 1;
    }
  }
  return { paths, kinds };
}

/** What a report found, to compare the fleet run with the separate ones. */
function findingsOf(report: { findings: { ruleId: string; severity: string }[] }): string {
  return report.findings.map((f) => `${f.ruleId}:${f.severity}`).join(',');
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      runs: { type: 'string', default: '10' },
      bundles: { type: 'string', default: '100' },
      separate: { type: 'string', default: '1' },
      build: { type: 'boolean', default: false },
    },
  });
  const runs = Number(values.runs);
  const count = Number(values.bundles);
  const separateAtOnce = Number(values.separate);
  mkdirSync(OUT, { recursive: true });
  if (values.build || !existsSync(PODPATH)) {
    console.log('building dist/podpath.mjs ...');
    execFileSync('npm', ['run', '-s', 'build'], { stdio: 'inherit' });
  }
  const machine = `${cpus().length} cores (${cpus()[0]?.model ?? '?'}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}`;
  console.log(`machine: ${machine}; load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);

  // (a) live
  const live: Measured[] = [];
  for (let i = 0; i < runs; i++) {
    const m = await podpath(['doctor', '-o', 'json']);
    if (m.exitCode > 1) throw new Error(`live doctor failed (exit ${m.exitCode}): ${m.stderr}`);
    live.push(m);
  }
  const liveWall = live.map((m) => m.wallSec);
  const liveCpu = live.map((m) => m.cpuSec);
  const liveReport = JSON.parse(live[0]!.stdout) as { summary: { rules: number; findings: number } };
  console.log(`\n(a) live: node ${PODPATH} doctor -o json, ${runs} runs (${liveReport.summary.rules} rules, ${liveReport.summary.findings} findings)`);
  console.log(`    wall median ${f2(median(liveWall))} s, max ${f2(Math.max(...liveWall))} s; CPU median ${f2(median(liveCpu))} s, max ${f2(Math.max(...liveCpu))} s; peak RSS ${f2(Math.max(...live.map((m) => m.peakRssMb)))} MB`);

  // (b) fleet
  const { paths, kinds } = await makeBundles(count);
  console.log(`\n(b) ${paths.length} bundles in ${BUNDLES}: ${Object.entries(kinds).map(([k, n]) => `${n} ${k}`).join(', ')}`);
  const fleetLoad = loadavg()[0]!;
  const fleet = await podpath(['doctor', ...paths.flatMap((p) => ['--from', p]), '-o', 'json']);
  if (fleet.exitCode > 1) throw new Error(`fleet doctor failed (exit ${fleet.exitCode}): ${fleet.stderr}`);
  const fleetReports = JSON.parse(fleet.stdout) as { schema: string; node: { hostname?: string }; findings: { ruleId: string; severity: string }[] }[];
  console.log(`    one process:  node ${PODPATH} doctor --from ... (x${paths.length}) -o json`);
  console.log(`      wall ${f2(fleet.wallSec)} s, CPU ${f2(fleet.cpuSec)} s, peak RSS ${f2(fleet.peakRssMb)} MB, exit ${fleet.exitCode}`);

  const separate = await pool(paths, separateAtOnce, (p) => podpath(['doctor', '--from', p, '-o', 'json']));
  const sepWall = separate.reduce((s, m) => s + m.wallSec, 0);
  const sepCpu = separate.reduce((s, m) => s + m.cpuSec, 0);
  console.log(`    ${paths.length} processes (${separateAtOnce} at a time): node ${PODPATH} doctor --from BUNDLE -o json`);
  console.log(`      wall ${f2(sepWall)} s in all (median ${f2(median(separate.map((m) => m.wallSec)))} s each), CPU ${f2(sepCpu)} s, peak RSS ${f2(Math.max(...separate.map((m) => m.peakRssMb)))} MB each at most`);

  // Both ways must find the same thing in every bundle.
  const mismatches = paths.filter((p, i) => {
    const one = JSON.parse(separate[i]!.stdout) as { findings: { ruleId: string; severity: string }[] };
    return fleetReports[i]?.schema !== 'podpath.doctor' || findingsOf(one) !== findingsOf(fleetReports[i]!);
  });
  const hosts = new Set(fleetReports.map((r) => r.node.hostname));

  const results = {
    at: new Date().toISOString(),
    machine,
    live: { runs, wallMedian: median(liveWall), wallMax: Math.max(...liveWall), cpuMedian: median(liveCpu), cpuMax: Math.max(...liveCpu), goalSec: GOALS.liveSec },
    fleet: { bundles: paths.length, kinds, loadAverage: fleetLoad, wall: fleet.wallSec, cpu: fleet.cpuSec, peakRssMb: fleet.peakRssMb, goalSec: GOALS.fleetSec },
    separate: { processes: paths.length, atOnce: separateAtOnce, wall: sepWall, cpu: sepCpu },
    ratio: { wall: sepWall / fleet.wallSec, cpu: sepCpu / fleet.cpuSec },
    agree: mismatches.length === 0,
    distinctHosts: hosts.size,
  };
  writeFileSync(join(OUT, 'doctor.result.json'), JSON.stringify(results, null, 2) + '\n');

  const yes = (b: boolean) => (b ? 'yes' : 'NO');
  console.log('\n| goal | result | met (wall) | by CPU time |');
  console.log('|---|---|---|---|');
  console.log(`| live doctor < ${GOALS.liveSec} s | median ${f2(results.live.wallMedian)} s, max ${f2(results.live.wallMax)} s wall; median ${f2(results.live.cpuMedian)} s CPU | ${yes(results.live.wallMedian < GOALS.liveSec)} (max: ${yes(results.live.wallMax < GOALS.liveSec)}) | ${yes(results.live.cpuMax < GOALS.liveSec)} |`);
  console.log(`| ${paths.length} bundles < ${GOALS.fleetSec} s | ${f2(fleet.wallSec)} s wall, ${f2(fleet.cpuSec)} s CPU, peak RSS ${f2(fleet.peakRssMb)} MB | ${yes(fleet.wallSec < GOALS.fleetSec)} | ${yes(fleet.cpuSec < GOALS.fleetSec)} |`);
  console.log(`| one process vs ${paths.length} | ${f2(results.ratio.wall)}x faster wall, ${f2(results.ratio.cpu)}x less CPU | | |`);
  console.log(`| same findings both ways | ${mismatches.length === 0 ? `all ${paths.length}` : `${mismatches.length} differ: ${mismatches.slice(0, 3).join(', ')}`} (${hosts.size} distinct hosts) | ${yes(mismatches.length === 0)} | |`);
  console.log(`\nfull result: ${join(OUT, 'doctor.result.json')}`);
  if (mismatches.length > 0) process.exitCode = 1;
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exitCode = 1;
});
