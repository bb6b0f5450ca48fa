import { describe, expect, it } from 'vitest';
import { splitTimestamp, splitTimestampAfter, tsResolution } from './timestamp.js';

describe('pcapng timestamps', () => {
  it('splits a stream of timestamps with the same-second shortcut exactly as the full division', () => {
    let seed = 9;
    const rnd = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    // 10^-6 (default), 10^-9, 10^-3, 2^-20 (no shortcut), 10^-12 (beyond 2^32 units a second).
    for (const option of [6, 9, 3, 0x80 | 20, 12]) {
      const res = tsResolution(option);
      const last = Float64Array.of(0, 0, -1, 0);
      const fast = new Float64Array(3);
      const full = new Float64Array(3);
      // Start near 2026 in these units, as a 64-bit count split in halves.
      let units = BigInt(Math.floor(1.79e9)) * BigInt(Math.round(res.unitsPerSecond));
      for (let i = 0; i < 5000; i++) {
        // Mostly small steps forward, sometimes a jump of seconds, sometimes backwards.
        const r = rnd();
        const step = r < 0.9 ? rnd() * res.unitsPerSecond * 0.01 : r < 0.97 ? rnd() * res.unitsPerSecond * 3 : -rnd() * res.unitsPerSecond;
        units += BigInt(Math.floor(step));
        const hi = Number(units >> 32n);
        const lo = Number(units & 0xffffffffn);
        const offset = i % 7 === 0 ? -3 : 0;
        splitTimestampAfter(hi, lo, res, offset, fast, last);
        splitTimestamp(hi, lo, res, offset, full);
        expect([fast[0], fast[1]], `option ${option}, step ${i}`).toEqual([full[0], full[1]]);
      }
    }
  });
});
