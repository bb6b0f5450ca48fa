import { describe, expect, it } from 'vitest';
import { CaptureAnalyzer } from './capture-analysis.js';
import { OVERFLOW_TEXT } from './addresses.js';
import { pkt } from '../../../test/pcap/helpers/packets.js';
import { judged } from '../../../test/pcap/helpers/judged.js';
import { MAX_LISTED_HEALTHY } from '../../evidence/capture-summary.js';

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
    expect(judged(sum).findings.find((f) => f.ruleId === 'checksum-wire')!.message).toContain(`${n} outer UDP checksums`);
  });

  it('counts every sum of every sender, also the one whose arrival grows the tally arrays', () => {
    // 300 senders, 3 sums each: ids pass the first tally size (32 senders) and its doublings.
    // Each sender has one bad sum (every 7th a wire error, the others offload artefacts, which
    // count as healthy), so every sender is the source of a group and has its tally listed.
    const a = new CaptureAnalyzer();
    let frame = 0;
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 300; i++) {
        const src = `10.1.${i >> 8}.${i & 255}`;
        const csum = round !== 0 ? undefined : { status: 'bad' as const, got: 1, expected: 2, cause: i % 7 === 0 ? ('wire' as const) : ('offload' as const) };
        a.add(pkt({ frame: ++frame, t: frame / 1000, src, dst: '10.200.0.1', dport: 53, csum }));
      }
    }
    const sum = a.finish('x.pcap', { format: 'pcap', frames: frame, bytesRead: 0, linkTypes: [1] });
    const senders = sum.checksums.senders.find((s) => s.layer === 'outer-udp')!;
    expect(senders.tallies).toHaveLength(300);
    expect(senders.healthy).toBe(300 - 43);
    for (const t of senders.tallies) {
      const i = Number(t.src.split('.')[2]) * 256 + Number(t.src.split('.')[3]);
      expect({ ok: t.ok, bad: t.bad }, t.src).toEqual(i % 7 === 0 ? { ok: 2, bad: 1 } : { ok: 3, bad: 0 });
    }
  });

  it('lists the sources of bad groups and the busiest healthy senders, counts the other healthy ones', () => {
    const a = new CaptureAnalyzer();
    let frame = 0;
    // Sender 0 sends wire errors; 150 healthy senders, sender i sending i + 1 datagrams.
    for (let k = 0; k < 3; k++) a.add(pkt({ frame: ++frame, t: frame / 1000, src: '10.2.0.0', dst: '10.200.0.1', csum: { status: 'bad', got: 1, expected: 2, cause: 'wire' } }));
    for (let i = 1; i <= 150; i++) for (let k = 0; k <= i; k++) a.add(pkt({ frame: ++frame, t: frame / 1000, src: `10.2.${i >> 8}.${i & 255}`, dst: '10.200.0.1' }));
    const sum = a.finish('x.pcap', { format: 'pcap', frames: frame, bytesRead: 0, linkTypes: [1] });
    const senders = sum.checksums.senders.find((s) => s.layer === 'outer-udp')!;
    expect(senders.healthy).toBe(150);
    expect(senders.tallies).toHaveLength(1 + MAX_LISTED_HEALTHY);
    // In order of first sight: the bad sender, then the busiest 100 (senders 51..150).
    expect(senders.tallies[0]).toEqual({ src: '10.2.0.0', ok: 0, bad: 3 });
    expect(senders.tallies[1]).toEqual({ src: '10.2.0.51', ok: 52, bad: 0 });
    expect(senders.tallies.at(-1)).toEqual({ src: '10.2.0.150', ok: 151, bad: 0 });
    // No tallies for a layer without bad sums.
    expect(sum.checksums.senders.map((s) => s.layer)).toEqual(['outer-udp']);
    const f = judged(sum).findings.find((x) => x.ruleId === 'checksum-wire')!;
    expect(f.message).toContain('seen from sender 10.2.0.0 only (150 other senders fine: 10.2.0.150, 10.2.0.149, 10.2.0.148, ...)');
  });
});
