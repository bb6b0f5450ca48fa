import { describe, expect, it } from 'vitest';
import { fold, isPartial, matchesLco, pseudoSum4, shouldBe, sumHeader20, sumWords, verdict } from './index.js';
import { allocateSummable, summerFor } from './wasm.js';

function naive(b: Uint8Array, start: number, end: number): number {
  let s = 0;
  for (let i = start; i < end; i += 2) s += (b[i] << 8) + (i + 1 < end ? b[i + 1] : 0);
  return fold(s);
}

describe('internet checksum', () => {
  it('sums 16-bit words like the naive loop for every length and odd or even start', () => {
    let seed = 7;
    const rnd = () => (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24;
    const b = Uint8Array.from({ length: 3000 }, rnd);
    for (let start = 0; start < 3; start++) for (let len = 0; len < 300; len++) expect(fold(sumWords(b, start, start + len))).toBe(naive(b, start, start + len));
    expect(fold(sumWords(b, 0, 3000))).toBe(naive(b, 0, 3000));
    // Views at every alignment of the underlying buffer, as the reader hands frames out.
    for (let shift = 0; shift < 4; shift++) {
      const view = b.subarray(shift + 1, 2900);
      for (let start = 0; start < 5; start++) for (const len of [31, 32, 33, 64, 65, 67, 1500, 1501]) {
        expect(fold(sumWords(view, start, start + len))).toBe(naive(view, start, start + len));
      }
    }
  });

  it('sums in place with the WebAssembly summer in reader memory, exactly as the JavaScript loop', () => {
    const mem = allocateSummable(1 << 20);
    expect(mem, 'WebAssembly with SIMD is available on every supported Node').toBeDefined();
    expect(summerFor(mem!.buffer)).toBeTypeOf('function');
    let seed = 11;
    const rnd = () => (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24;
    for (let i = 0; i < mem!.length; i++) mem![i] = rnd();
    const plain = Uint8Array.from(mem!);
    // Every start alignment, lengths around the 4-, 16- and 64-byte steps, jumbo and 64 KiB frames.
    for (let start = 0; start < 8; start++) for (let len = 0; len < 200; len++) {
      expect(fold(sumWords(mem!, start, start + len))).toBe(fold(sumWords(plain, start, start + len)));
    }
    for (const len of [1499, 1500, 9000, 65535, 65536, 262144, (1 << 20) - 3]) {
      expect(fold(sumWords(mem!, 3, 3 + len - 3))).toBe(naive(plain, 3, len));
    }
    // All 0xff: every lane at its largest, the carries must still fold right.
    const ones = allocateSummable(1 << 20)!.fill(0xff);
    expect(fold(sumWords(ones, 0, ones.length))).toBe(0xffff);
    expect(fold(sumWords(ones, 1, ones.length - 1))).toBe(naive(ones, 1, ones.length - 1));
  });

  it('the unrolled IPv4 header and pseudo-header sums equal the general sum', () => {
    let seed = 3;
    const rnd = () => (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24;
    const b = Uint8Array.from({ length: 4000 }, rnd);
    b.fill(0xff, 100, 140);
    for (let o = 0; o < 3900; o += 7) {
      expect(fold(sumHeader20(b, o))).toBe(naive(b, o, o + 20));
      expect(fold(pseudoSum4(b, o, 17, 1480))).toBe(fold(naive(b, o, o + 8) + 17 + 1480));
    }
  });

  it('folds in 32-bit steps exactly as the general loop', () => {
    const slow = (s: number) => {
      while (s > 0xffff) s = (s % 65536) + Math.floor(s / 65536);
      return s;
    };
    for (const v of [0, 1, 0xfffe, 0xffff, 0x10000, 0x1fffe, 0x1ffff, 0xfffeffff, 0xffff0000, 0xffffffff, 0x1_0000_0000, 2 ** 40 + 5]) expect(fold(v)).toBe(slow(v));
    let seed = 5;
    for (let i = 0; i < 20000; i++) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      expect(fold(seed)).toBe(slow(seed));
    }
  });

  it('folds large sums exactly', () => {
    expect(fold(0xffff)).toBe(0xffff);
    expect(fold(0x1_0000)).toBe(1);
    expect(fold(0xffff * 200_000)).toBe(0xffff);
  });

  it('gives tcpdump\'s in_cksum_shouldbe value for a bad field', () => {
    // RFC 1071 example words 0001 f203 f4f5 f6f7: sum 0xddf2, checksum 0x220d.
    const data = Uint8Array.from([0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7]);
    const s = sumWords(data, 0, 8);
    expect(fold(s)).toBe(0xddf2);
    expect(verdict(0x220d, s + 0x220d)).toEqual({ status: 'ok', got: 0x220d });
    expect(verdict(0x1234, s + 0x1234)).toEqual({ status: 'bad', got: 0x1234, expected: 0x220d });
    expect(shouldBe(0, s)).toBe(0x220d);
  });

  it('recognises a partial (pseudo-header only) field, complemented or not', () => {
    expect(isPartial(0x1627, 0x1627)).toBe(true);
    expect(isPartial(~0x1627 & 0xffff, 0x1627)).toBe(true);
    expect(isPartial(0x1628, 0x1627)).toBe(false);
  });

  it('accepts an outer sum that is right once the inner field is filled in (LCO)', () => {
    // Outer data: [inner field = partial P][rest]; the outer sum was computed with the right C.
    const P = 0x1627;
    const C = 0x7231;
    const rest = 0x4321;
    const outerRight = ~fold(C + rest) & 0xffff;
    const totalAsFound = P + rest + outerRight;
    expect(fold(totalAsFound)).not.toBe(0xffff); // bad as captured
    expect(matchesLco(outerRight, totalAsFound, P, C, false)).toBe(true);
    expect(matchesLco(outerRight ^ 1, totalAsFound ^ 1, P, C, false)).toBe(false);
  });
});
