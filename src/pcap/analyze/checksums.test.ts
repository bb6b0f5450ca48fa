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
});
