// `pcap diff` memory is bounded by packet counts, not by the time a capture spans nor by its
// number of flows (issue 9, item 16): a 2.2 KB capture with one timestamp moved 10^8 s ahead took
// 3.9 GB (a rate array with one slot per second of span), and a capture of a million distinct
// flows 1.96 GB (a rate meter per source and five maps per address pair, without bound).
// The stated bound: peak RSS <= 200 MiB + 0.75 KiB per receiver packet (measured: the 1M-packet
// bench capture 252 MB, 1M distinct flows 455 MB, the 10^8 s capture 91 MB; the child's own
// figure, process.resourceUsage().maxRSS, with tsx loaded).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildFrameInto, MAX_FRAME, openCaptureFile } from '../support/pcap-writer.js';
import { RateMeter } from '../../src/pcap/diff/columns.js';
import { diffJsonSchema } from '../../src/report/capture-diff-json.js';
import { runPodpath } from './helpers/child.js';

const boundMiB = (receiverPackets: number) => 200 + (0.75 * receiverPackets) / 1024;

/** UDP packets; `src(i)` and `dst(i)` pick the addresses, `ts(i)` the second. */
function writeCapture(file: string, n: number, src: (i: number) => Uint8Array, dst: (i: number) => Uint8Array, ts: (i: number) => number): void {
  const w = openCaptureFile(file, { format: 'pcap', precision: 'us' });
  const buf = new Uint8Array(MAX_FRAME);
  for (let i = 0; i < n; i++) {
    const len = buildFrameInto({ eth: {}, ip: { version: 4, src: src(i), dst: dst(i), id: i & 0xffff }, l4: { kind: 'udp', srcPort: 1000 + (i % 60000), dstPort: 53, payload: 20 } }, buf, 0);
    const t = ts(i);
    w.write({ tsSec: Math.floor(t), tsNsec: Math.round((t % 1) * 1e9), data: buf.subarray(0, len) });
  }
  w.close();
}

const v4 = (a: number, b: number) => new Uint8Array([a, (b >> 16) & 255, (b >> 8) & 255, b & 255]);

describe('pcap diff memory (child process, peak RSS)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pp-diffmem-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a 2 KB capture whose timestamps span 10^8 s', async () => {
    const file = join(dir, 'span.pcap');
    // One address pair, 30 packets 10 us apart; packets 15 and 30 are 99,999,990 s later.
    writeCapture(file, 30, () => v4(10, 1), () => v4(11, 1), (i) => 1_763_000_000 + i * 1e-5 + (i % 15 === 14 ? 99_999_990 : 0));
    for (const json of [[], ['--json']]) {
      const r = await runPodpath(['pcap', 'diff', ...json, file, file]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.peakMiB).toBeDefined();
      expect(r.peakMiB!).toBeLessThan(boundMiB(30));
      if (json.length) expect(diffJsonSchema.parse(JSON.parse(r.stdout)).result.sender.seconds).toBeGreaterThan(99_999_000);
    }
  }, 120_000);

  it('a capture of 200,000 distinct flows (one per packet)', async () => {
    const n = 200_000;
    const file = join(dir, 'flows.pcap');
    writeCapture(file, n, (i) => v4(10, i + 1), (i) => v4(11, i + 1), (i) => 1_763_000_000 + i * 1e-5);
    const r = await runPodpath(['pcap', 'diff', '--json', file, file], { timeoutMs: 120_000 });
    expect(r.stderr).toBe('');
    expect(r.peakMiB!).toBeLessThan(boundMiB(n));
    const doc = diffJsonSchema.parse(JSON.parse(r.stdout));
    expect(doc.result.matched).toBe(n);
    // The per-flow tables stopped growing, and say so.
    expect(doc.result.limits.addressesOverflowed + doc.result.limits.pairsDropped + doc.result.limits.rateSourcesDropped).toBeGreaterThan(0);
    expect(doc.findings.map((f) => f.ruleId)).toContain('diff-limits');
  }, 180_000);
});

describe('RateMeter keeps only seconds with traffic', () => {
  it('gives the median of per-second rates over the whole span, empty seconds as 0, timestamps out of order too', () => {
    let seed = 7;
    const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    for (let round = 0; round < 200; round++) {
      const m = new RateMeter();
      const dense = new Map<number, number>();
      let first: number | undefined;
      let last = -1;
      const n = 1 + Math.floor(rnd() * 50);
      for (let i = 0; i < n; i++) {
        const ts = 1000 + Math.floor(rnd() * (round % 2 ? 5 : 200)) + rnd();
        const bits = Math.floor(rnd() * 12000);
        m.add(ts, bits);
        first ??= Math.floor(ts);
        const k = Math.floor(ts) - first;
        if (k >= 0) {
          dense.set(k, (dense.get(k) ?? 0) + bits);
          last = Math.max(last, k);
        }
      }
      const all = Array.from({ length: last + 1 }, (_, k) => dense.get(k) ?? 0).sort((a, b) => a - b);
      expect(m.medianRate()).toBe(last < 0 ? 0 : all[all.length >> 1]);
    }
  });
});
