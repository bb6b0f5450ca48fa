import { describe, expect, it } from 'vitest';
import { CaptureAnalyzer } from './capture-analysis.js';
import { OVERFLOW_TEXT } from './addresses.js';
import { pkt } from '../../../test/pcap/helpers/packets.js';

describe('checksum groups', () => {
  it('keep 10 000 sender/receiver groups, then count the rest in one overflow group per layer and cause', () => {
    const a = new CaptureAnalyzer();
    const n = 10_050;
    for (let i = 0; i < n; i++) {
      const src = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
      a.add(pkt({ frame: i + 1, t: i / 1000, src, dst: '10.200.0.1', dport: 53, csum: { status: 'bad', got: 1, expected: 2, cause: 'wire' } }));
    }
    const sum = a.finish('x.pcap', { format: 'pcap', frames: n, bytesRead: 0, linkTypes: [1] });
    expect(sum.checksums.badGroups).toHaveLength(10_001);
    const other = sum.checksums.badGroups.find((g) => g.src === OVERFLOW_TEXT)!;
    expect(other).toMatchObject({ layer: 'outer-udp', cause: 'wire', dst: OVERFLOW_TEXT, count: 50 });
    expect(other.frames.ranges).toEqual([{ from: 10_001, to: 10_050 }]);
    // Every bad sum is still counted, in the layer and in the findings.
    expect(sum.checksums.layers.find((l) => l.layer === 'outer-udp')!.badByCause.wire).toBe(n);
    expect(sum.findings.find((f) => f.id === 'checksum-wire')!.message).toContain(`${n} outer UDP checksums`);
  });

  it('counts every sum of every sender, also the one whose arrival grows the tally arrays', () => {
    // 300 senders, 3 sums each: ids pass the first tally size (32 senders) and its doublings.
    const a = new CaptureAnalyzer();
    let frame = 0;
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 300; i++) {
        const src = `10.1.${i >> 8}.${i & 255}`;
        const bad = i % 7 === 0 && round === 0;
        a.add(pkt({ frame: ++frame, t: frame / 1000, src, dst: '10.200.0.1', dport: 53, csum: bad ? { status: 'bad', got: 1, expected: 2, cause: 'wire' } : undefined }));
      }
    }
    const senders = (a as unknown as { checksums: { senders(layer: string): Map<string, { ok: number; bad: number }> } }).checksums.senders('outer-udp');
    expect(senders.size).toBe(300);
    for (const [src, t] of senders) {
      const i = Number(src.split('.')[2]) * 256 + Number(src.split('.')[3]);
      expect(t, src).toEqual(i % 7 === 0 ? { ok: 2, bad: 1 } : { ok: 3, bad: 0 });
    }
  });
});
