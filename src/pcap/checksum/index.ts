// Internet checksums (RFC 1071) over the captured bytes, with the verdicts tcpdump -vv and
// tshark print, and podpath's own classification of a bad sum (see classify below).
//
// The loop reads bytes straight from the Uint8Array, 16 bytes per turn, and keeps the running
// sum unfolded in a double (exact below 2^53: no packet comes near), folding once at the end.
import type { ChecksumVerdict } from '../types.js';

/** Unfolded sum of the big-endian 16-bit words of b[start, end) (a last odd byte is padded). */
export function sumWords(b: Uint8Array, start: number, end: number): number {
  let s = 0;
  let i = start;
  const end16 = end - 15;
  for (; i < end16; i += 16) {
    s +=
      ((b[i] << 8) | b[i + 1]) +
      ((b[i + 2] << 8) | b[i + 3]) +
      ((b[i + 4] << 8) | b[i + 5]) +
      ((b[i + 6] << 8) | b[i + 7]) +
      ((b[i + 8] << 8) | b[i + 9]) +
      ((b[i + 10] << 8) | b[i + 11]) +
      ((b[i + 12] << 8) | b[i + 13]) +
      ((b[i + 14] << 8) | b[i + 15]);
  }
  const end2 = end - 1;
  for (; i < end2; i += 2) s += (b[i] << 8) | b[i + 1];
  if (i < end) s += b[i] << 8;
  return s;
}

/** Folds a sum to 16 bits with end-around carry. */
export function fold(s: number): number {
  while (s > 0xffff) s = (s % 65536) + Math.floor(s / 65536);
  return s;
}

/**
 * Pseudo-header sum for IPv4 (unfolded): addresses at b[srcAt], b[srcAt+4], protocol, L4 length.
 * The length field is 16 bits: a BIG TCP segment's length is taken modulo 2^16, as tcpdump and
 * Wireshark do.
 */
export function pseudoSum4(b: Uint8Array, srcAt: number, proto: number, length: number): number {
  return sumWords(b, srcAt, srcAt + 8) + proto + (length & 0xffff);
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
