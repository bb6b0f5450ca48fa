// Mesh bench (issue 13): N agents on distinct 127.x.y.z addresses (the real agent: UDP and TCP
// responders and HTTP API, a few processes holding many each), and `podpath mesh` (the bundle,
// as users run it) measuring the full UDP echo matrix, N(N-1) ordered pairs, k peers a round.
// Prints, per N: wall time, rounds, coordinator peak RSS, the most senders any agent served at
// once (the agents' own counts, /v1/responder), and beside it what goldpinger's scheme sends.
//
//   npx tsx bench/mesh.bench.ts                       # N = 50, 100, 200; k = 8; 5 echoes a pair
//   npx tsx bench/mesh.bench.ts --n 200 --k 8 --count 10 --workers 2
//   npx tsx bench/mesh.bench.ts --n 200 --prof       # + V8 CPU profiles (bench/out/prof) and their top functions
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { maxOf } from '../src/util/arrays.js';

const arg = (name: string, def: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : def;
};
const SIZES = arg('n', '50,100,200').split(',').map(Number);
const K = Number(arg('k', '8'));
const COUNT = Number(arg('count', '5'));
const WORKERS = Number(arg('workers', '2'));
const PROF = process.argv.includes('--prof');
const PROF_DIR = 'bench/out/prof';
/** node flags for a profiled process: one .cpuprofile per thread, written when it exits, a folder per role. */
const profFlags = (name: string) => (PROF ? ['--cpu-prof', `--cpu-prof-dir=${join(PROF_DIR, name)}`] : []);
const GOAL_SEC = 30;
const KEY = 'mesh-bench-key-0123456789abcdef';
const TOKEN = 'mesh-bench-token-0123456789abcdef';
const OUT = 'bench/out';
const TIME = '/usr/bin/time';

/** goldpinger (bloomberg/goldpinger, pkg/goldpinger/config.go): --refresh-interval default 30 s. */
const GOLDPINGER_INTERVAL_SEC = 30;

const address = (i: number) => `127.77.${Math.floor(i / 250)}.${(i % 250) + 1}`;

interface Ready { address: string; port: number; apiPort: number }

async function startWorkers(n: number): Promise<{ agents: Ready[]; workers: ChildProcess[] }> {
  const per = Math.ceil(n / WORKERS);
  const workers: ChildProcess[] = [];
  const ready: Promise<Ready[]>[] = [];
  for (let w = 0; w < WORKERS; w++) {
    const addrs = Array.from({ length: Math.min(per, n - w * per) }, (_, j) => address(w * per + j));
    if (!addrs.length) continue;
    const child = spawn(process.execPath, [...profFlags('agents'), '--import', 'tsx', 'bench/mesh-agents.ts', addrs.join(','), KEY, TOKEN], { stdio: ['ignore', 'pipe', 'inherit'] });
    workers.push(child);
    ready.push(new Promise((resolve, reject) => {
      let buf = '';
      child.stdout!.on('data', (d: Buffer) => {
        buf += d.toString();
        const line = buf.split('\n').find((l) => l.startsWith('{"ready"'));
        if (line) resolve((JSON.parse(line) as { ready: Ready[] }).ready);
      });
      child.once('exit', (code) => reject(new Error(`agent worker exited ${code}`)));
    }));
  }
  return { agents: (await Promise.all(ready)).flat(), workers };
}

async function responder(a: Ready): Promise<{ senders: { peak: number }; counters: { received: number; answered: number }; mesh: { peakRunning: number } }> {
  const res = await fetch(`http://${a.address}:${a.apiPort}/v1/responder`, { headers: { authorization: `Bearer ${TOKEN}` } });
  return (await res.json()) as { senders: { peak: number }; counters: { received: number; answered: number }; mesh: { peakRunning: number } };
}

/** CPU seconds (user + system) a process has used, from /proc/PID/stat (clock ticks of 1/100 s). */
function cpuSec(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return 0;
  }
}

function runCoordinator(agentsFile: string, matrix: string): { wallSec: number; peakRssMb: number; cpuSec: number; stderr: string; code: number } {
  const args = ['dist/podpath.mjs', 'mesh', '--agents', agentsFile, '-k', String(K), '--count', String(COUNT), '--no-sweep', '--no-tcp', '--no-icmp', '--jitter', '0ms', '-o', matrix];
  const timeFile = `${matrix}.time`;
  const t0 = process.hrtime.bigint();
  let stderr = '';
  let code = 0;
  try {
    execFileSync(TIME, ['-f', '%M %U %S', '-o', timeFile, process.execPath, ...profFlags('coordinator'), ...args], { env: { ...process.env, PODPATH_TOKEN: TOKEN }, stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 64 << 20 });
  } catch (e) {
    code = (e as { status: number }).status;
    stderr = String((e as { stderr: Buffer }).stderr ?? '');
  }
  const wallSec = Number(process.hrtime.bigint() - t0) / 1e9;
  const [kb, user, sys] = (readFileSync(timeFile, 'utf8').trim().split('\n').at(-1) ?? '').split(' ').map(Number);
  rmSync(timeFile, { force: true });
  return { wallSec, peakRssMb: (kb ?? 0) / 1024, cpuSec: (user ?? 0) + (sys ?? 0), stderr, code };
}

async function main(): Promise<void> {
  if (!existsSync(TIME)) throw new Error(`${TIME} (GNU time) is needed for the peak RSS`);
  mkdirSync(OUT, { recursive: true });
  if (PROF) {
    rmSync(PROF_DIR, { recursive: true, force: true });
    mkdirSync(PROF_DIR, { recursive: true });
  }
  // The coordinator as users run it: the single-file bundle, rebuilt from this tree.
  execFileSync(process.execPath, ['scripts/bundle.mjs'], { stdio: 'inherit' });
  console.log(`mesh bench: full UDP echo matrix, k = ${K}, ${COUNT} echoes a pair (+1 proof echo and 1 tally request), agents in ${WORKERS} processes, ${process.env.HOSTNAME ?? ''} load ${execFileSync('cat', ['/proc/loadavg']).toString().split(' ').slice(0, 3).join(' ')}`);
  const rows: Record<string, number | string | boolean>[] = [];
  for (const n of SIZES) {
    const { agents, workers } = await startWorkers(n);
    try {
      const file = join(OUT, `mesh-agents-${n}.json`);
      writeFileSync(file, JSON.stringify({ nodes: agents.map((a, i) => ({ name: `node-${i}`, host: a })) }));
      const matrix = join(OUT, `mesh-matrix-${n}.json`);
      // CPU seconds, besides wall time: on a shared machine the wall time is the other tenants' too.
      const agentCpu0 = workers.reduce((a, w) => a + cpuSec(w.pid), 0);
      const c = runCoordinator(file, matrix);
      const agentCpuSec = workers.reduce((a, w) => a + cpuSec(w.pid), 0) - agentCpu0;
      // 2: some agent failed a round (its cells say so): the matrix is complete all the same.
      if (c.code !== 0 && c.code !== 1 && c.code !== 2) throw new Error(`podpath mesh exited ${c.code}: ${c.stderr.trim().split('\n').slice(-3).join(' | ')}`);
      const m = JSON.parse(readFileSync(matrix, 'utf8')) as { cells: { udp?: { sent: number; received: number } }[]; summary: { rounds: number; ms: number }; errors: { code: string; message: string }[] };
      if (m.errors.length) {
        const codes = new Map<string, number>();
        for (const e of m.errors) codes.set(e.code, (codes.get(e.code) ?? 0) + 1);
        console.log(`  agent errors: ${[...codes].map(([k, v]) => `${k} x${v}`).join(', ')}; first: ${m.errors[0]!.message.slice(0, 200)}`);
      }
      const pairs = n * (n - 1);
      const complete = m.cells.filter((x) => x.udp && x.udp.received === x.udp.sent).length;
      const reads = await Promise.all(agents.map(responder));
      const peakServed = maxOf(reads.map((r) => r.senders.peak));
      const peakRunning = maxOf(reads.map((r) => r.mesh.peakRunning));
      // What each node sends: per pair one proof echo, COUNT echoes and one tally request (all to the
      // peer's responder); goldpinger: one HTTP GET /ping to every other node every 30 s.
      const meshPerNode = (n - 1) * (COUNT + 2);
      const goldpingerPerSec = (n - 1) / GOLDPINGER_INTERVAL_SEC;
      const row = {
        n, pairs, cells: m.cells.length, complete, rounds: m.summary.rounds, wallSec: +c.wallSec.toFixed(2), meshSec: +(m.summary.ms / 1000).toFixed(2),
        coordinatorCpuSec: +c.cpuSec.toFixed(1), agentsCpuSec: +agentCpuSec.toFixed(1), load1: Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]),
        coordinatorPeakRssMb: +c.peakRssMb.toFixed(1), maxSendersServed: peakServed, maxProbesRunning: peakRunning,
        meshDatagramsPerNode: meshPerNode, meshDatagramsPerNodePerSec: +(meshPerNode / c.wallSec).toFixed(1),
        goldpingerPingsPerNodePerSec: +goldpingerPerSec.toFixed(2),
      };
      rows.push(row);
      console.log(`N=${n}: ${m.cells.length}/${pairs} cells (${complete} with every echo back) in ${m.summary.rounds} rounds, ${c.wallSec.toFixed(1)} s wall (mesh ${row.meshSec} s)${n * (n - 1) === 39_800 ? ` (goal < ${GOAL_SEC} s: ${c.wallSec < GOAL_SEC ? 'met' : 'MISSED'})` : ''}`);
      console.log(`  CPU: coordinator ${row.coordinatorCpuSec} s, all ${n} agents ${row.agentsCpuSec} s (load now ${row.load1})`);
      console.log(`  coordinator peak RSS ${row.coordinatorPeakRssMb} MB; most senders one agent served at once: ${peakServed} (k = ${K}); most probes one agent ran at once: ${peakRunning}`);
      console.log(`  each node sent ${meshPerNode} datagrams for the whole matrix (${row.meshDatagramsPerNodePerSec}/s while it ran; ${(meshPerNode / GOLDPINGER_INTERVAL_SEC).toFixed(1)}/s if the matrix were repeated every ${GOLDPINGER_INTERVAL_SEC} s); goldpinger's scheme at N=${n}: ${goldpingerPerSec.toFixed(2)} HTTP pings/s per node, every second, for ever (${(n - 1)} GET /ping each ${GOLDPINGER_INTERVAL_SEC} s, each a request and a response on a kept-alive TCP connection)`);
    } finally {
      for (const w of workers) w.kill('SIGTERM');
      await Promise.all(workers.map((w) => new Promise((r) => (w.exitCode !== null ? r(null) : w.once('exit', r)))));
    }
  }
  if (rows.length > 1) {
    const first = rows[0]!;
    const lastRow = rows.at(-1)!;
    const rssRatio = Number(lastRow.coordinatorPeakRssMb) / Number(first.coordinatorPeakRssMb);
    const nRatio = Number(lastRow.n) / Number(first.n);
    console.log(`coordinator RSS from N=${first.n} to N=${lastRow.n}: x${rssRatio.toFixed(2)} for x${nRatio} agents (${rssRatio <= nRatio ? 'linear or better' : 'FASTER than linear'})`);
  }
  writeFileSync(join(OUT, 'mesh.result.json'), JSON.stringify(rows, null, 2) + '\n');
  if (PROF) {
    for (const who of ['coordinator', 'agents']) {
      const dir = join(PROF_DIR, who);
      const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')).map((f) => join(dir, f));
      console.log(`\n${who}:`);
      execFileSync(process.execPath, ['--import', 'tsx', 'bench/prof-top.ts', ...files, '--top', '20'], { stdio: 'inherit' });
    }
  }
}

await main();
