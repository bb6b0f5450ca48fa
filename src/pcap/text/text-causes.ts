// Why a bad sum in tcpdump text is bad, by the rules the pcap decoder applies to the bytes
// (classifyUdp and segmentVerdict in ../decode/network.ts), so a pasted capture is judged like the
// same capture as a file. tcpdump prints what the rules need: the addresses, the protocol and the
// length give the pseudo-header sum that tx checksum offload leaves in the field; the value found
// and the one expected give the sum over the packet, enough to test local checksum offload (LCO)
// against the inner sum. `unknown` stays only where the text hides what decides: a host name for
// an address (no -n), IP options, an inner TCP/UDP sum tcpdump did not print (cut by the snap length).
import { fold, isPartial, matchesLco } from '../checksum/index.js';
import type { ChecksumVerdict, IpInfo, PacketLayers } from '../types.js';

/** The 16-bit words of an IPv4 or IPv6 address as tcpdump prints it with -n, or undefined (a name). */
export function addressWords(a: string): number[] | undefined {
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(a);
  if (v4) {
    const b = v4.slice(1).map(Number);
    return b.every((x) => x <= 255) ? [(b[0]! << 8) | b[1]!, (b[2]! << 8) | b[3]!] : undefined;
  }
  if (!/^[0-9a-f:]{2,39}$/i.test(a) || (a.match(/::/g) ?? []).length > 1) return undefined;
  const [head, tail] = a.includes('::') ? a.split('::') : [a, undefined];
  const part = (s: string | undefined): number[] => (s ? s.split(':').map((h) => parseInt(h, 16)) : []);
  const h = part(head);
  const t = part(tail);
  if (h.some((x) => Number.isNaN(x) || x > 0xffff) || t.some((x) => Number.isNaN(x) || x > 0xffff)) return undefined;
  const zeros = 8 - h.length - t.length;
  if (tail === undefined ? zeros !== 0 : zeros < 1) return undefined;
  return [...h, ...new Array<number>(zeros).fill(0), ...t];
}

/** The unfolded pseudo-header sum of an L4 segment of `length` bytes, or undefined when the text hides it. */
function pseudoSum(ip: IpInfo, proto: number, length: number): number | undefined {
  const src = addressWords(ip.src);
  const dst = addressWords(ip.dst);
  if (!src || !dst) return undefined;
  const words = [...src, ...dst].reduce((s, w) => s + w, 0);
  return words + proto + (length & 0xffff) + (ip.version === 6 ? Math.floor(length / 65536) : 0);
}

/** The sum over the packet with the field as found, folded, from what tcpdump printed (got, and the value it should be). */
function foundTotal(got: number, expected: number): number {
  // tcpdump's expected = got + ~fold(total) in one's complement: ~fold(total) = expected - got.
  const computed = fold(expected + (~got & 0xffff));
  return ~computed & 0xffff;
}

const isBadUnknown = (c: ChecksumVerdict | undefined): c is ChecksumVerdict & { expected: number } =>
  c?.status === 'bad' && c.cause === 'unknown' && c.expected !== undefined;

/**
 * Gives the bad TCP/UDP sum of a decoded text packet the cause the pcap decoder would: offload,
 * lco, wire, or unknown where the text cannot tell. In place; its inner packet is classified first.
 */
export function classifyTextSums(p: PacketLayers, optionsInHeader = false): void {
  const inner = p.tunnel?.inner;
  const { ip, l4 } = p;
  const ck = l4?.checksum;
  if (!ip || !l4 || !isBadUnknown(ck) || optionsInHeader) return;
  if (l4.kind !== 'udp' && l4.kind !== 'tcp') return;
  // TCP's pseudo-header counts the segment (IP length less its header); UDP's its length field.
  const length = l4.kind === 'udp' ? l4.length : ip.totalLength - ip.headerLength;
  const pseudo = pseudoSum(ip, ip.proto, length);
  if (pseudo === undefined) return;
  if (isPartial(ck.got, pseudo)) {
    ck.cause = 'offload';
    return;
  }
  if (l4.kind === 'tcp' || !p.tunnel) {
    ck.cause = 'wire';
    return;
  }
  // An outer tunnel sum: LCO when it is right once the inner partial sum is filled in.
  const innerL4 = inner?.l4;
  const innerCk = innerL4?.checksum;
  if (innerCk?.status === 'bad' && innerCk.cause === 'offload' && innerCk.expected !== undefined) {
    // Every header between the outer UDP and the inner sum field has an even length.
    ck.cause = matchesLco(ck.got, foundTotal(ck.got, ck.expected), innerCk.got, innerCk.expected, false) ? 'lco' : 'wire';
    return;
  }
  // An inner TCP/UDP sum tcpdump did not verify may be partial: LCO cannot be ruled out.
  if ((innerL4?.kind === 'tcp' || innerL4?.kind === 'udp') && (!innerCk || innerCk.cause === 'unknown')) return;
  ck.cause = 'wire';
}
