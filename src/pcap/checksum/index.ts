// Internet checksums (RFC 1071) over the captured bytes, with the verdicts tcpdump -vv and
// tshark print, and podpath's own classification of a bad sum (see classify below).
//
// Sums are kept unfolded in a double (exact below 2^53: no packet comes near) and folded once.
import type { ChecksumVerdict } from '../types.js';
import { summerFor, type Sum16 } from './wasm.js';

const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
let viewOf: Uint8Array | undefined;
let viewOffset = 0;
let words: Uint32Array<ArrayBufferLike> = new Uint32Array(0);
let summer: Sum16 | undefined;

/**
 * Prepares the bulk sum for the array `b`, kept while frames come from the same reader buffer
 * (keyed by the array itself: its .buffer and .byteOffset getters cost more than the sum of a
 * small packet): the WebAssembly summer when the reader allocated the memory (checksum/wasm.ts),
 * else a 32-bit view of the whole buffer.
 */
function useView(b: Uint8Array): void {
  viewOf = b;
  viewOffset = b.byteOffset;
  summer = summerFor(b.buffer);
  if (summer === undefined) words = new Uint32Array(b.buffer, 0, b.buffer.byteLength >>> 2);
}

/** Byte-by-byte part: a byte at an even distance from `origin` is the high half of its word. */
function sumBytes(b: Uint8Array, from: number, to: number, origin: number): number {
  let s = 0;
  for (let i = from; i < to; i++) s += (i - origin) & 1 ? b[i] : b[i] << 8;
  return s;
}

/** Short ranges (headers, pseudo-header addresses): plain 16-bit pairs. */
function sumPairs(b: Uint8Array, start: number, end: number): number {
  let s = 0;
  let i = start;
  for (const last = end - 1; i < last; i += 2) s += (b[i] << 8) | b[i + 1];
  if (i < end) s += b[i] << 8;
  return s;
}

/**
 * Unfolded sum of the big-endian 16-bit words of b[start, end) (a last odd byte is padded).
 *
 * In reader memory, the WebAssembly summer does it all (sum.wat). Elsewhere the bulk is summed
 * as aligned 32-bit words in host (little-endian) order: the one's-complement sum does not
 * depend on byte order except for a final byte swap (RFC 1071, 2.B), and folding 32-bit lanes
 * equals summing their 16-bit halves. Four words per turn, no allocation.
 */
export function sumWords(b: Uint8Array, start: number, end: number): number {
  if (end - start < 32) return sumPairs(b, start, end);
  if (b !== viewOf) useView(b);
  if (summer !== undefined) return summer(viewOffset + start, end - start);
  if (!LITTLE_ENDIAN_HOST) return sumPairs(b, start, end);
  const base = viewOffset;
  const head = (4 - ((base + start) & 3)) & 3;
  const a0 = start + head;
  const a1 = a0 + ((end - a0) & ~3);
  const w = words;
  let k = (base + a0) >>> 2;
  const kEnd = (base + a1) >>> 2;
  const kEnd4 = kEnd - 3;
  let acc = 0;
  for (; k < kEnd4; k += 4) acc += w[k] + w[k + 1] + w[k + 2] + w[k + 3];
  for (; k < kEnd; k++) acc += w[k];
  let lanes = fold(acc);
  // Little-endian pairs relative to a0; swap to big-endian, unless a0 is at an odd distance
  // from start (then the pairing relative to start is the swapped one already).
  if ((head & 1) === 0) lanes = ((lanes & 0xff) << 8) | (lanes >>> 8);
  return lanes + sumBytes(b, start, a0, start) + sumBytes(b, a1, end, start);
}

/** Folds a sum to 16 bits with end-around carry. */
export function fold(s: number): number {
  if (s < 0x1_0000_0000) {
    // The usual case, in 32-bit integer steps: at most 0x1fffe after the first, 0xffff after the second.
    s = (s >>> 16) + (s & 0xffff);
    return (s >>> 16) + (s & 0xffff);
  }
  while (s > 0xffff) s = (s % 65536) + Math.floor(s / 65536);
  return s;
}

/**
 * Pseudo-header sum for IPv4 (unfolded): addresses at b[srcAt], b[srcAt+4], protocol, L4 length.
 * The length field is 16 bits: a BIG TCP segment's length is taken modulo 2^16, as tcpdump and
 * Wireshark do.
 */
export function pseudoSum4(b: Uint8Array, srcAt: number, proto: number, length: number): number {
  const a = srcAt;
  return ((b[a] << 8) | b[a + 1]) + ((b[a + 2] << 8) | b[a + 3]) + ((b[a + 4] << 8) | b[a + 5]) + ((b[a + 6] << 8) | b[a + 7]) + proto + (length & 0xffff);
}

/** Unfolded sum of an IPv4 header without options (20 bytes), unrolled: the common case. */
export function sumHeader20(b: Uint8Array, o: number): number {
  return (
    ((b[o] << 8) | b[o + 1]) +
    ((b[o + 2] << 8) | b[o + 3]) +
    ((b[o + 4] << 8) | b[o + 5]) +
    ((b[o + 6] << 8) | b[o + 7]) +
    ((b[o + 8] << 8) | b[o + 9]) +
    ((b[o + 10] << 8) | b[o + 11]) +
    ((b[o + 12] << 8) | b[o + 13]) +
    ((b[o + 14] << 8) | b[o + 15]) +
    ((b[o + 16] << 8) | b[o + 17]) +
    ((b[o + 18] << 8) | b[o + 19])
  );
}

/** Pseudo-header sum for IPv6; `dstAt` is the final destination (after a routing header). */
export function pseudoSum6(b: Uint8Array, srcAt: number, dstAt: number, proto: number, length: number): number {
  return sumWords(b, srcAt, srcAt + 16) + sumWords(b, dstAt, dstAt + 16) + Math.floor(length / 65536) + (length % 65536) + proto;
}

/**
 * The value the field should hold, computed as tcpdump's and Wireshark's in_cksum_shouldbe do
 * (so the expected value printed matches theirs exactly, including 0x0000 versus 0xffff).
 * `total` is the sum over everything including the field as found.
 */
export function shouldBe(got: number, total: number): number {
  const computed = ~fold(total) & 0xffff;
  let s = got + computed;
  s = (s & 0xffff) + (s >>> 16);
  s = (s & 0xffff) + (s >>> 16);
  return s;
}

/** Verdict for a sum over a complete header or segment (field included). */
export function verdict(got: number, total: number): ChecksumVerdict {
  return fold(total) === 0xffff ? { status: 'ok', got } : { status: 'bad', got, expected: shouldBe(got, total) };
}

export function unverifiable(got: number): ChecksumVerdict {
  return { status: 'unverifiable', got };
}

/**
 * True when the field holds the pseudo-header sum alone, which is what a sender leaves with
 * CHECKSUM_PARTIAL (tx checksum offload) for the device to finish: the kernel writes
 * ~csum_*_magic(..., 0), the folded pseudo-header sum, not complemented (this is what the real
 * captures on a veth with tx offload show, see test/fixtures/pcap/vxlan-veth-offload.pcap).
 * The complemented form is accepted too (other stacks and drivers).
 */
export function isPartial(got: number, pseudo: number): boolean {
  const p = fold(pseudo);
  return got === p || got === (~p & 0xffff);
}

/**
 * Whether an outer UDP sum is right once the inner L4 checksum field, at even or odd distance
 * from the outer UDP header, is replaced by its correct value (local checksum offload, LCO:
 * Documentation/networking/checksum-offloads.rst computes the outer sum as if the inner one were
 * already filled in). `outerTotal` is the outer sum over everything with the fields as found.
 */
export function matchesLco(got: number, outerTotal: number, innerGot: number, innerRight: number, oddDistance: boolean): boolean {
  const swap = (v: number) => ((v & 0xff) << 8) | (v >>> 8);
  const found = oddDistance ? swap(innerGot) : innerGot;
  const right = oddDistance ? swap(innerRight) : innerRight;
  // Replace the inner field: subtract what was there (add its complement), add the right value.
  const fixed = outerTotal + (~found & 0xffff) + right;
  if (fold(fixed) === 0xffff) return true;
  // A computed UDP sum of 0 is sent as 0xffff; accept either representation of the fixed sum.
  const field = got;
  const withoutField = fixed + (~field & 0xffff);
  const expected = ~fold(withoutField) & 0xffff;
  return (expected === 0 ? 0xffff : expected) === got;
}
