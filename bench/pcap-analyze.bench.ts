// Benchmark of `podpath pcap analyze` against tshark and tcpdump on the same synthetic capture:
// wall time, packets/s, MB/s and peak RSS of each, whether the three agree on the number of bad
// IP/UDP/TCP/ICMP checksums (and with the generator's own count), and whether podpath meets its goals.
//
//   npm run bench:pcap -- [--packets N] [--peer-packets M] [--format pcap|pcapng] [--runs K] [--peers tshark,tcpdump] [--build]
//
// --peer-packets runs tshark and tcpdump on the first M packets of the same traffic (same seed),
// for quick runs; by default every tool reads the same file.
import { spawn, execFileSync } from 'node:child_process';
import { closeSync, createReadStream, existsSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { generateCapture, type ExpectedCounts } from './gen-capture.js';

const GOALS = { vsTshark: 15, vsTcpdump: 3, mbPerSec: 400, rssMb: 150 };
const OUT = 'bench/out';
const PODPATH = 'dist/podpath.mjs';
const TIME = '/usr/bin/time';

type Layer = 'ip' | 'udp' | 'tcp' | 'icmp' | 'icmpv6';
const LAYERS: Layer[] = ['ip', 'udp', 'tcp', 'icmp', 'icmpv6'];
type BadCounts = Record<Layer, number>;

interface Measured {
  tool: string;
  file: string;
  packets: number;
  fileBytes: number;
  wallSec: number;
  /** User + system CPU seconds: steadier than wall time on a shared machine. */
  cpuSec: number;
  peakRssMb: number;
  exitCode: number;
  bad?: BadCounts;
  note?: string;
}

// ---------------------------------------------------------------------------------------------
// Running a tool and measuring it

/** Runs cmd with stdout to a file; wall time from here, peak RSS from GNU time (or VmHWM polling). */
async function measure(cmd: string, args: string[], stdoutFile: string): Promise<{ wallSec: number; cpuSec: number; peakRssKb: number; exitCode: number }> {
  const out = openSync(stdoutFile, 'w');
  const timeFile = `${stdoutFile}.time`;
  const useTime = existsSync(TIME);
  const [exe, argv] = useTime ? [TIME, ['-f', '%M %U %S', '-o', timeFile, cmd, ...args]] : [cmd, args];
  const t0 = process.hrtime.bigint();
  const child = spawn(exe, argv, { stdio: ['ignore', out, 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => {
    if (stderr.length < 4000) stderr += c.toString();
  });
  let polledKb = 0;
  let polledCpu = 0;
  const poll = useTime
    ? undefined
    : setInterval(() => {
        try {
          const m = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
          if (m) polledKb = Math.max(polledKb, Number(m[1]));
          // utime and stime, fields 14 and 15, in clock ticks (100 a second on Linux).
          const stat = readFileSync(`/proc/${child.pid}/stat`, 'utf8');
          const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
          polledCpu = (Number(f[11]) + Number(f[12])) / 100;
        } catch {
          // The process has just exited.
        }
      }, 20);
  const exitCode = await new Promise<number>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve(code ?? -1));
  });
  const wallSec = Number(process.hrtime.bigint() - t0) / 1e9;
  if (poll) clearInterval(poll);
  closeSync(out);
  let peakRssKb = polledKb;
  let cpuSec = polledCpu;
  if (useTime) {
    // GNU time prints "Command exited with non-zero status N" before the figures when the tool fails.
    const lines = readFileSync(timeFile, 'utf8').trim().split('\n');
    const [rss, user, sys] = lines[lines.length - 1].split(' ').map(Number);
    peakRssKb = rss;
    cpuSec = user + sys;
    rmSync(timeFile, { force: true });
  }
  if (exitCode !== 0 && stderr) process.stderr.write(`${cmd}: exit ${exitCode}: ${stderr.trim().split('\n').slice(-3).join(' | ')}\n`);
  return { wallSec, cpuSec, peakRssKb, exitCode };
}

async function forEachLine(file: string, f: (line: string) => void): Promise<void> {
  const rl = createInterface({ input: createReadStream(file, { highWaterMark: 1 << 20 }), crlfDelay: Infinity });
  for await (const line of rl) f(line);
}

const zero = (): BadCounts => ({ ip: 0, udp: 0, tcp: 0, icmp: 0, icmpv6: 0 });

// ---------------------------------------------------------------------------------------------
// The three tools, and how to read their verdicts

const TSHARK_FIELDS = ['ip.checksum.status', 'udp.checksum.status', 'tcp.checksum.status', 'icmp.checksum.status', 'icmpv6.checksum.status'];

async function runTshark(file: string, capture: ExpectedCounts, outFile: string): Promise<Measured> {
  // flannel's 8472 is VXLAN too; tshark only knows 4789 unless told (tcpdump reads 8472 as OTV, same layout).
  const args = ['-r', file, '-n', '-d', 'udp.port==8472,vxlan', '-o', 'ip.check_checksum:TRUE', '-o', 'udp.check_checksum:TRUE', '-o', 'tcp.check_checksum:TRUE', '-T', 'fields', ...TSHARK_FIELDS.flatMap((f) => ['-e', f])];
  const m = await measure('tshark', args, outFile);
  const bad = zero();
  // checksum.status: 0 Bad, 1 Good, 2 Unverified, 3 Not present; one value per layer occurrence, comma-separated.
  await forEachLine(outFile, (line) => {
    if (!line.includes('0')) return;
    const cols = line.split('\t');
    for (let i = 0; i < LAYERS.length; i++) {
      const col = cols[i];
      if (!col) continue;
      for (const v of col.split(',')) if (v === '0') bad[LAYERS[i]]++;
    }
  });
  return { tool: 'tshark', file, packets: capture.packets, fileBytes: capture.fileBytes, wallSec: m.wallSec, cpuSec: m.cpuSec, peakRssMb: m.peakRssKb / 1024, exitCode: m.exitCode, bad };
}

// tcpdump -vv verifies IP, TCP, UDP, ICMP and ICMPv6 sums when the packet is whole.
const TCPDUMP_BAD: Array<[Layer, RegExp]> = [
  ['ip', /bad cksum [0-9a-f]+ \(->[0-9a-f]+\)!/g],
  ['udp', /\[bad udp cksum 0x[0-9a-f]+ -> 0x[0-9a-f]+!\]/g],
  ['tcp', /cksum 0x[0-9a-f]+ \(incorrect -> 0x[0-9a-f]+\)/g],
  ['icmp', /wrong icmp cksum [0-9a-f]+ \(->[0-9a-f]+\)!/g],
  ['icmpv6', /\[bad icmp6 cksum 0x[0-9a-f]+ -> 0x[0-9a-f]+!\]/g],
];

async function runTcpdump(file: string, capture: ExpectedCounts, outFile: string): Promise<Measured> {
  const m = await measure('tcpdump', ['-vv', '-nn', '-r', file], outFile);
  const bad = zero();
  await forEachLine(outFile, (line) => {
    if (!line.includes('cksum')) return;
    for (const [layer, re] of TCPDUMP_BAD) {
      re.lastIndex = 0;
      while (re.exec(line)) bad[layer]++;
    }
  });
  return { tool: 'tcpdump', file, packets: capture.packets, fileBytes: capture.fileBytes, wallSec: m.wallSec, cpuSec: m.cpuSec, peakRssMb: m.peakRssKb / 1024, exitCode: m.exitCode, bad };
}

/** podpath's JSON: files[].checksums.layers[] = { layer: 'outer-ipv4' | 'inner-udp' | ..., bad }. */
function podpathBad(json: unknown): BadCounts | undefined {
  const files = (json as { files?: Array<{ checksums?: { layers?: Array<{ layer: string; bad: number }> } }> }).files;
  const layers = files?.[0]?.checksums?.layers;
  if (!Array.isArray(layers)) return undefined;
  const bad = zero();
  for (const l of layers) {
    const proto = l.layer.replace(/^(outer|inner)-/, '');
    const key: Layer | undefined = proto === 'ipv4' ? 'ip' : (LAYERS as string[]).includes(proto) ? (proto as Layer) : undefined;
    if (key) bad[key] += l.bad;
  }
  return bad;
}

async function runPodpath(file: string, capture: ExpectedCounts, outFile: string): Promise<Measured> {
  const m = await measure(process.execPath, [PODPATH, 'pcap', 'analyze', file, '--json'], outFile);
  let bad: BadCounts | undefined;
  let note: string | undefined;
  try {
    bad = podpathBad(JSON.parse(readFileSync(outFile, 'utf8')));
    if (!bad) note = 'JSON without files[0].checksums.layers';
  } catch (e) {
    note = `no JSON on stdout (${e instanceof Error ? e.message : String(e)})`;
  }
  // podpath exits 1 when it has findings (bad checksums are findings); 2 and above is a failure.
  return { tool: 'podpath', file, packets: capture.packets, fileBytes: capture.fileBytes, wallSec: m.wallSec, cpuSec: m.cpuSec, peakRssMb: m.peakRssKb / 1024, exitCode: m.exitCode, bad, note };
}

// ---------------------------------------------------------------------------------------------
// Capture files

function capturePath(packets: number, format: 'pcap' | 'pcapng'): string {
  return join(OUT, `capture-${packets}.${format}`);
}

/** Generates the capture, or reuses one made by the same generator version with the same parameters. */
function ensureCapture(packets: number, format: 'pcap' | 'pcapng'): ExpectedCounts {
  const file = capturePath(packets, format);
  const sidecar = `${file}.expected.json`;
  if (existsSync(file) && existsSync(sidecar)) {
    const e = JSON.parse(readFileSync(sidecar, 'utf8')) as ExpectedCounts;
    if (e.version === 2 && e.packets === packets && e.seed === 1 && e.format === format && statSync(file).size === e.fileBytes) {
      console.log(`reusing ${file} (${(e.fileBytes / 1e6).toFixed(0)} MB)`);
      return e;
    }
  }
  const t0 = Date.now();
  const e = generateCapture({ packets, out: file, seed: 1, format });
  console.log(`generated ${file}: ${packets} packets, ${(e.fileBytes / 1e6).toFixed(0)} MB in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return e;
}

// ---------------------------------------------------------------------------------------------
// Report

const fmt = (n: number, d = 0): string => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
const pps = (m: Measured): number => m.packets / m.wallSec;
const mbps = (m: Measured): number => m.fileBytes / 1e6 / m.wallSec;
const ppcs = (m: Measured): number => m.packets / m.cpuSec;
const badText = (b: BadCounts | undefined): string => (b ? LAYERS.map((l) => `${l} ${b[l]}`).join(', ') : 'n/a');

function machine(): string {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  return `${cpus().length} cores (${cpu.trim()}), ${fmt(totalmem() / 2 ** 30, 1)} GiB RAM, Node ${process.version}, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`;
}

function toolVersion(cmd: string, args: string[]): string {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).split('\n')[0].trim();
  } catch {
    return 'unknown';
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      packets: { type: 'string', default: '1000000' },
      'peer-packets': { type: 'string' },
      format: { type: 'string', default: 'pcap' },
      runs: { type: 'string', default: '1' },
      peers: { type: 'string', default: 'tshark,tcpdump' },
      json: { type: 'string' },
      build: { type: 'boolean', default: false },
    },
  });
  const packets = Number(values.packets);
  const peerPackets = values['peer-packets'] === undefined ? packets : Math.min(packets, Number(values['peer-packets']));
  const format = values.format === 'pcapng' ? 'pcapng' : 'pcap';
  const runs = Math.max(1, Number(values.runs));
  const peers = values.peers.split(',').filter((p) => p === 'tshark' || p === 'tcpdump');
  if (!Number.isInteger(packets) || packets <= 0 || !Number.isInteger(peerPackets) || peerPackets <= 0) {
    throw new Error('--packets and --peer-packets must be positive integers');
  }
  mkdirSync(OUT, { recursive: true });
  // Wall times mean little on a busy machine: say so up front.
  if (loadavg()[0] > cpus().length) console.warn(`warning: load average ${loadavg()[0].toFixed(1)} on ${cpus().length} cores; figures will be pessimistic`);

  if (values.build || !existsSync(PODPATH)) {
    console.log(values.build ? 'npm run build' : `${PODPATH} is missing: npm run build`);
    try {
      execFileSync('npm', ['run', 'build'], { stdio: 'inherit' });
    } catch {
      // tsc fails on anyone's half-done file; the bundle itself needs only esbuild.
      console.warn('npm run build failed; bundling with esbuild alone (node scripts/bundle.mjs)');
      execFileSync(process.execPath, ['scripts/bundle.mjs'], { stdio: 'inherit' });
    }
  }
  const capture = ensureCapture(packets, format);
  const peerCapture = peerPackets === packets ? capture : ensureCapture(peerPackets, format);

  // Best of K runs for each tool (the files are in the page cache after generation).
  const best = async (run: () => Promise<Measured>): Promise<Measured> => {
    let b: Measured | undefined;
    for (let i = 0; i < runs; i++) {
      const m = await run();
      if (!b || m.wallSec < b.wallSec) b = { ...m, peakRssMb: Math.max(m.peakRssMb, b?.peakRssMb ?? 0) };
    }
    return b!;
  };
  const results: Measured[] = [];
  console.log(`podpath pcap analyze on ${capture.file} ...`);
  results.push(await best(() => runPodpath(capture.file, capture, join(OUT, 'podpath.out.json'))));
  if (peers.includes('tshark')) {
    console.log(`tshark on ${peerCapture.file} ...`);
    results.push(await best(() => runTshark(peerCapture.file, peerCapture, join(OUT, 'tshark.out.tsv'))));
  }
  if (peers.includes('tcpdump')) {
    console.log(`tcpdump on ${peerCapture.file} ...`);
    results.push(await best(() => runTcpdump(peerCapture.file, peerCapture, join(OUT, 'tcpdump.out.txt'))));
  }

  // Agreement: each tool against the generator's count for the file it read.
  const expectedFor = (m: Measured): ExpectedCounts => (m.file === capture.file ? capture : peerCapture);
  console.log('');
  console.log(`| tool | packets | wall s | packets/s | MB/s | CPU s | packets/CPU-s | peak RSS MB | bad checksums (${LAYERS.join('/')}) | agrees with generator |`);
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---|---|');
  let allAgree = true;
  for (const m of results) {
    const want = expectedFor(m).bad;
    const agrees = m.bad !== undefined && LAYERS.every((l) => m.bad![l] === want[l]);
    allAgree &&= agrees;
    console.log(`| ${m.tool} | ${fmt(m.packets)} | ${fmt(m.wallSec, 2)} | ${fmt(pps(m))} | ${fmt(mbps(m), 1)} | ${fmt(m.cpuSec, 2)} | ${fmt(ppcs(m))} | ${fmt(m.peakRssMb, 1)} | ${m.bad ? LAYERS.map((l) => m.bad![l]).join('/') : 'n/a'} | ${agrees ? 'yes' : `NO (want ${LAYERS.map((l) => want[l]).join('/')})`}${m.note ? `; ${m.note}` : ''} |`);
  }
  console.log('');
  const pod = results[0];
  const ts = results.find((r) => r.tool === 'tshark');
  const td = results.find((r) => r.tool === 'tcpdump');
  // A failed podpath run has no meaningful speed.
  const podRan = pod.exitCode >= 0 && pod.exitCode < 2 && pod.bad !== undefined;
  const failed = `podpath failed (exit ${pod.exitCode}${pod.note ? `, ${pod.note}` : ''})`;
  const goal = (peer: Measured | undefined, ok: () => boolean, value: () => string): [boolean | undefined, string] =>
    !podRan ? [false, failed] : peer === undefined ? [undefined, 'not run'] : [ok(), value()];
  const goals: Array<[string, boolean | undefined, string]> = [
    [`>= ${GOALS.vsTshark}x tshark packets/s`, ...goal(ts, () => pps(pod) / pps(ts!) >= GOALS.vsTshark, () => `${fmt(pps(pod) / pps(ts!), 1)}x`)],
    [`>= ${GOALS.vsTcpdump}x tcpdump packets/s`, ...goal(td, () => pps(pod) / pps(td!) >= GOALS.vsTcpdump, () => `${fmt(pps(pod) / pps(td!), 1)}x`)],
    [`>= ${GOALS.mbPerSec} MB/s`, ...goal(pod, () => mbps(pod) >= GOALS.mbPerSec, () => `${fmt(mbps(pod), 1)} MB/s`)],
    [`peak RSS < ${GOALS.rssMb} MB`, ...goal(pod, () => pod.peakRssMb < GOALS.rssMb, () => `${fmt(pod.peakRssMb, 1)} MB`)],
    ['every tool agrees on the bad IP/UDP/TCP/ICMP/ICMPv6 checksums, and with the generator', allAgree, allAgree ? 'yes' : 'no'],
  ];
  for (const peer of [ts, td]) {
    if (podRan && peer) console.log(`packets per CPU-second, podpath / ${peer.tool}: ${fmt(ppcs(pod) / ppcs(peer), 1)}x (wall-clock ratio ${fmt(pps(pod) / pps(peer), 1)}x)`);
  }
  for (const [goal, met, value] of goals) console.log(`${met === undefined ? '[ -- ]' : met ? '[ met ]' : '[ NOT ]'} ${goal}: ${value}`);
  if (peerPackets !== packets) console.log(`(peers read the first ${fmt(peerPackets)} packets; ratios compare packets/s)`);
  console.log('');
  console.log(`machine: ${machine()}; ${toolVersion('tshark', ['--version'])}; ${toolVersion('tcpdump', ['--version'])}; ${new Date().toISOString()}`);
  console.log(`expected bad checksums (generator): ${badText(capture.bad)}`);

  const report = {
    date: new Date().toISOString(), machine: machine(), packets, peerPackets, format, runs,
    results: results.map((m) => ({ ...m, packetsPerSec: pps(m), mbPerSec: mbps(m), packetsPerCpuSec: ppcs(m) })),
    goals: goals.map(([goal, met, value]) => ({ goal, met: met ?? null, value })),
  };
  writeFileSync(values.json ?? join(OUT, 'pcap-analyze.result.json'), JSON.stringify(report, null, 2) + '\n');
  if (!allAgree || pod.exitCode >= 2) process.exitCode = 1;
}

await main();
