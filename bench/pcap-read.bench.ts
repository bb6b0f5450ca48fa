// In-process timing of the capture pipeline, stage by stage, on the benchmark capture: the
// reader alone, reader + decoder (object and flat), and reader + flat decoder + all analyzers. It
// tells where `podpath pcap analyze` spends its time without process start-up or JSON output.
//
//   npx tsx bench/pcap-read.bench.ts [--packets N] [--format pcap|pcapng] [--runs K (default 3, best of)]
//
// Stages are loaded by path at run time, so this harness runs whatever has been built so far.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { DecodedPacket, RawFrame, ReadSummary } from '../src/pcap/types.js';
import { generateCapture, type ExpectedCounts } from './gen-capture.js';

type ReadCapture = (input: string, onFrame: (f: RawFrame) => void) => Promise<ReadSummary>;
type DecodeFrame = (f: RawFrame) => DecodedPacket;
interface Analyzer {
  add(p: DecodedPacket): void;
}

async function load<T>(path: string, name: string): Promise<T | undefined> {
  const url = new URL(path, import.meta.url);
  if (!existsSync(url.pathname.replace(/\.js$/, '.ts'))) return undefined;
  const mod = (await import(url.href)) as Record<string, unknown>;
  return mod[name] as T | undefined;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { packets: { type: 'string', default: '1000000' }, format: { type: 'string', default: 'pcap' }, runs: { type: 'string', default: '3' } } });
  const runs = Math.max(1, Number(values.runs));
  const packets = Number(values.packets);
  const format = values.format === 'pcapng' ? 'pcapng' : 'pcap';
  const file = join('bench/out', `capture-${packets}.${format}`);
  const expected: ExpectedCounts = existsSync(`${file}.expected.json`)
    ? (JSON.parse(readFileSync(`${file}.expected.json`, 'utf8')) as ExpectedCounts)
    : generateCapture({ packets, out: file, seed: 1, format });

  const readCapture = await load<ReadCapture>('../src/pcap/reader/index.js', 'readCapture');
  const decodeFrame = await load<DecodeFrame>('../src/pcap/decode/index.js', 'decodeFrame');
  const Whole = await load<new () => Analyzer>('../src/pcap/analyze/capture-analysis.js', 'CaptureAnalyzer');
  // The flat path `pcap analyze` uses since 4ea71cb: one reused record of numbers, no object graph.
  const decodeFlat = await load<(f: RawFrame, o: object, into: object) => object>('../src/pcap/decode/index.js', 'decodeFlat');
  const FlatPacket = await load<new () => object>('../src/pcap/decode/index.js', 'FlatPacket');
  if (!readCapture) throw new Error('src/pcap/reader/index.ts is missing');

  // Best of `runs` (a shared machine makes single runs noisy); each run gets fresh state from make().
  const stage = async (name: string, make: () => (f: RawFrame) => void): Promise<void> => {
    const rss0 = process.memoryUsage.rss();
    let sec = Infinity;
    let s: ReadSummary | undefined;
    for (let i = 0; i < runs; i++) {
      const onFrame = make();
      const t0 = process.hrtime.bigint();
      s = await readCapture(file, onFrame);
      sec = Math.min(sec, Number(process.hrtime.bigint() - t0) / 1e9);
    }
    if (!s) return;
    const rss = (process.memoryUsage.rss() - rss0) / 2 ** 20;
    const ok = s.frames === expected.packets && !s.error ? '' : ` (read ${s.frames} frames, error ${s.error?.code ?? 'none'})`;
    console.log(`${name.padEnd(32)} ${sec.toFixed(2).padStart(6)} s  ${Math.round(s.frames / sec).toLocaleString('en-US').padStart(10)} packets/s  ${(expected.fileBytes / 1e6 / sec).toFixed(0).padStart(5)} MB/s  RSS +${rss.toFixed(0)} MB${ok}`);
  };

  console.log(`${file}: ${expected.packets} packets, ${(expected.fileBytes / 1e6).toFixed(0)} MB`);
  let n = 0;
  await stage('read', () => () => {
    n++;
  });
  if (decodeFrame) {
    let bad = 0;
    await stage('read + decodeFrame (objects)', () => (f) => {
      const p = decodeFrame(f);
      if (p.l4?.checksum?.status === 'bad') bad++;
    });
    void bad;
  }
  if (decodeFlat && FlatPacket) {
    await stage('read + decodeFlat', () => {
      const flat = new FlatPacket();
      return (f) => decodeFlat(f, {}, flat);
    });
    // All analyzers as `pcap analyze` runs them. (The single accumulators take address ids
    // from the CaptureAnalyzer's shared table, so they are not timed alone here.)
    if (Whole && 'addFlat' in Whole.prototype) {
      await stage('read + decodeFlat + all analyzers', () => {
        const flat = new FlatPacket();
        const acc = new Whole() as unknown as { addFlat(p: object): void };
        return (f) => acc.addFlat(decodeFlat(f, {}, flat));
      });
    }
  }
  void n;
}

await main();
