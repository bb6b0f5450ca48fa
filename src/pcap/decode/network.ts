// Ethernet (with VLAN stacks), IPv4, IPv6 (extension headers), UDP, TCP, ICMP, ICMPv6 and the
// VXLAN / Geneve tunnels, decoded in place from the frame bytes into a reused FlatPacket (level
// 0 is the outer packet, level n + 1 the packet inside level n's tunnel). Every length is
// checked against two ends: `end` (bytes captured) and `wireEnd` (bytes the packet had on the
// wire), so a segment is verified only when it was captured whole, as tcpdump does.
import { fold, isPartial, matchesLco, pseudoSum4, pseudoSum6, shouldBe, sumHeader20, sumWords } from '../checksum/index.js';
import {
  CAUSE_LCO,
  CAUSE_OFFLOAD,
  CAUSE_UNKNOWN,
  CAUSE_WIRE,
  CK_BAD,
  CK_NONE,
  CK_OK,
  CK_UNVERIFIABLE,
  F_DF,
  F_FRAGMENT,
  F_HAS_ID,
  F_L4_HEADER,
  F_MORE,
  L4_ICMP,
  L4_ICMPV6,
  L4_OTHER,
  L4_TCP,
  L4_UDP,
  MAX_TUNNEL_DEPTH,
  MAX_VLAN_TAGS,
  type FlatPacket,
} from './flat.js';
import { TUNNEL_GENEVE, TUNNEL_VXLAN } from './ports.js';

export const ETH_IPV4 = 0x0800;
export const ETH_IPV6 = 0x86dd;
const ETH_VLAN = 0x8100;
const ETH_QINQ = 0x88a8;
const ETH_QINQ_OLD = 0x9100;
const ETH_TEB = 0x6558;

const PROTO_ICMP = 1;
const PROTO_TCP = 6;
const PROTO_UDP = 17;
const PROTO_ICMPV6 = 58;

const MAX_IPV6_EXT = 16;

/** Decoding state shared along one frame. */
export interface DecodeContext {
  checksums: boolean;
  ports: Uint8Array;
  truncated: boolean;
  note?: string;
  depth: number;
  /**
   * Set by an L4 decode whose checksum holds a partial (offloaded) sum: where the field is and
   * its right value, for the LCO check of the enclosing tunnel's outer UDP.
   */
  partialAt: number;
  partialGot: number;
  partialRight: number;
}

function u16(b: Uint8Array, p: number): number {
  return (b[p] << 8) | b[p + 1];
}

function stop(ctx: DecodeContext, note: string, truncated: boolean): void {
  if (truncated) ctx.truncated = true;
  ctx.note ??= note;
}

export function decodeEthernet(b: Uint8Array, off: number, end: number, wireEnd: number, f: FlatPacket, l: number, ctx: DecodeContext): void {
  if (end - off < 14) return stop(ctx, 'Ethernet header truncated', true);
  let type = u16(b, off + 12);
  off += 14;
  let tags = 0;
  while ((type === ETH_VLAN || type === ETH_QINQ || type === ETH_QINQ_OLD) && tags < MAX_VLAN_TAGS) {
    if (end - off < 4) return stop(ctx, 'VLAN tag truncated', true);
    f.vlanIds[l * MAX_VLAN_TAGS + tags] = u16(b, off) & 0x0fff;
    f.vlanCount[l] = tags + 1;
    type = u16(b, off + 2);
    off += 4;
    tags++;
  }
  // Values up to 1500 are an IEEE 802.3 length (LLC follows), not an EtherType.
  if (type < 0x0600) return;
  decodeNetwork(b, off, end, wireEnd, type, f, l, ctx);
}

export function decodeNetwork(b: Uint8Array, off: number, end: number, wireEnd: number, etherType: number, f: FlatPacket, l: number, ctx: DecodeContext): void {
  f.etherType[l] = etherType;
  if (etherType === ETH_IPV4) decodeIpv4(b, off, end, wireEnd, f, l, ctx);
  else if (etherType === ETH_IPV6) decodeIpv6(b, off, end, wireEnd, f, l, ctx);
}

function decodeIpv4(b: Uint8Array, off: number, end: number, wireEnd: number, f: FlatPacket, l: number, ctx: DecodeContext): void {
  if (end - off < 20) return stop(ctx, 'IPv4 header truncated', true);
  const vihl = b[off];
  if (vihl >> 4 !== 4) return stop(ctx, `IP version ${vihl >> 4} where IPv4 was announced`, false);
  const hl = (vihl & 0x0f) * 4;
  if (hl < 20) return stop(ctx, `bad IPv4 header length ${hl}`, false);
  if (end - off < hl) return stop(ctx, 'IPv4 options truncated', true);
  const headerTotal = u16(b, off + 2);
  // A total length of 0 is TSO / BIG TCP: the length is what the capture saw on the wire.
  const total = headerTotal === 0 ? wireEnd - off : headerTotal;
  const frag = u16(b, off + 6);
  const fragOffset = (frag & 0x1fff) * 8;
  const more = (frag & 0x2000) !== 0;
  const proto = b[off + 9];
  f.ipVersion[l] = 4;
  f.srcAt[l] = off + 12;
  f.dstAt[l] = off + 16;
  f.proto[l] = proto;
  f.ttl[l] = b[off + 8];
  f.ipId[l] = u16(b, off + 4);
  f.totalLength[l] = total;
  f.headerLength[l] = hl;
  f.fragOffset[l] = fragOffset;
  f.flags[l] = F_HAS_ID | (frag & 0x4000 ? F_DF : 0) | (fragOffset !== 0 || more ? F_FRAGMENT : 0) | (more ? F_MORE : 0);
  if (ctx.checksums) {
    const got = u16(b, off + 10);
    const sum = hl === 20 ? sumHeader20(b, off) : sumWords(b, off, off + hl);
    f.ipCkGot[l] = got;
    if (fold(sum) === 0xffff) f.ipCkStatus[l] = CK_OK;
    else {
      f.ipCkStatus[l] = CK_BAD;
      f.ipCkExpected[l] = shouldBe(got, sum);
      f.ipCkCause[l] = CAUSE_WIRE;
    }
  }
  if (total < hl) return stop(ctx, `IPv4 total length ${total} < header length ${hl}`, false);
  // Only the first fragment carries the L4 header.
  if (fragOffset !== 0) return;
  const l4WireEnd = off + total;
  decodeL4(b, off + hl, end < l4WireEnd ? end : l4WireEnd, l4WireEnd, proto, more, 4, off + 12, off + 16, f, l, ctx);
}

function decodeIpv6(b: Uint8Array, off: number, end: number, wireEnd: number, f: FlatPacket, l: number, ctx: DecodeContext): void {
  if (end - off < 40) return stop(ctx, 'IPv6 header truncated', true);
  if (b[off] >> 4 !== 6) return stop(ctx, `IP version ${b[off] >> 4} where IPv6 was announced`, false);
  const payload = u16(b, off + 4);
  // Payload length 0 is a jumbogram / BIG TCP: take the length seen on the wire.
  const payloadLength = payload === 0 ? wireEnd - off - 40 : payload;
  let next = b[off + 6];
  let p = off + 40;
  const l3End = off + 40 + payloadLength;
  let dstAt = off + 24;
  let fragmented = false;
  let firstFragment = true;
  f.ipVersion[l] = 6;
  f.srcAt[l] = off + 8;
  f.dstAt[l] = off + 24;
  f.proto[l] = next;
  f.ttl[l] = b[off + 7];
  f.totalLength[l] = payloadLength + 40;
  f.headerLength[l] = 40;
  f.flags[l] = 0;
  for (let n = 0; n < MAX_IPV6_EXT; n++) {
    if (next === 0 || next === 43 || next === 60 || next === 51) {
      if (end - p < 8) {
        f.proto[l] = next;
        return stop(ctx, 'IPv6 extension header truncated', true);
      }
      const len = next === 51 ? (b[p + 1] + 2) * 4 : (b[p + 1] + 1) * 8;
      // The pseudo-header uses the final destination: last in routing types 0 and 2, first in
      // a segment routing header (type 4, segments in reverse order).
      if (next === 43 && b[p + 1] >= 2 && p + len <= end) {
        if (b[p + 2] === 0 || b[p + 2] === 2) dstAt = p + 8 + (Math.floor(b[p + 1] / 2) - 1) * 16;
        else if (b[p + 2] === 4) dstAt = p + 8;
      }
      next = b[p];
      p += len;
    } else if (next === 44) {
      if (end - p < 8) {
        f.proto[l] = next;
        return stop(ctx, 'IPv6 fragment header truncated', true);
      }
      const fo = u16(b, p + 2);
      const offset = fo & 0xfff8;
      const more = (fo & 1) !== 0;
      f.fragOffset[l] = offset;
      f.flags[l] = F_FRAGMENT | F_HAS_ID | (more ? F_MORE : 0);
      f.ipId[l] = ((b[p + 4] << 24) | (b[p + 5] << 16) | (b[p + 6] << 8) | b[p + 7]) >>> 0;
      fragmented = more || offset !== 0;
      firstFragment = offset === 0;
      next = b[p];
      p += 8;
    } else break;
  }
  f.proto[l] = next;
  f.headerLength[l] = p - off;
  if (p > l3End) return stop(ctx, 'IPv6 extension headers beyond the payload length', false);
  if (!firstFragment || next === 59) return;
  decodeL4(b, p, end < l3End ? end : l3End, l3End, next, fragmented, 6, off + 8, dstAt, f, l, ctx);
}

function decodeL4(
  b: Uint8Array,
  off: number,
  end: number,
  wireEnd: number,
  proto: number,
  fragmented: boolean,
  ipVersion: 4 | 6,
  srcAt: number,
  dstAt: number,
  f: FlatPacket,
  l: number,
  ctx: DecodeContext,
): void {
  const segLen = wireEnd - off;
  const whole = wireEnd <= end;
  const checks = ctx.checksums;
  f.l4At[l] = off;
  if (proto === PROTO_UDP) {
    f.l4Kind[l] = L4_UDP;
    if (end - off < 8) {
      f.l4Length[l] = segLen;
      return stop(ctx, 'UDP header truncated', true);
    }
    const srcPort = u16(b, off);
    const dstPort = u16(b, off + 2);
    const ulenField = u16(b, off + 4);
    const got = u16(b, off + 6);
    const ulen = ulenField === 0 && segLen >= 8 ? segLen : ulenField;
    f.srcPort[l] = srcPort;
    f.dstPort[l] = dstPort;
    f.l4Length[l] = ulenField;
    f.flags[l] |= F_L4_HEADER;
    const badLength = ulen < 8 || ulen > segLen;
    const udpEnd = off + (badLength ? segLen : ulen);
    let pseudo = 0;
    let total = 0;
    if (checks) {
      f.l4CkGot[l] = got;
      if (ipVersion === 4 && got === 0) f.l4CkStatus[l] = CK_NONE;
      else if (fragmented || badLength || !whole) f.l4CkStatus[l] = CK_UNVERIFIABLE;
      else {
        pseudo = ipVersion === 4 ? pseudoSum4(b, srcAt, PROTO_UDP, ulen) : pseudoSum6(b, srcAt, dstAt, PROTO_UDP, ulen);
        total = pseudo + sumWords(b, off, udpEnd);
        if (fold(total) === 0xffff) f.l4CkStatus[l] = CK_OK;
        else {
          f.l4CkStatus[l] = CK_BAD;
          f.l4CkExpected[l] = shouldBe(got, total);
        }
      }
    }
    if (badLength && !fragmented) stop(ctx, `bad UDP length ${ulenField}`, false);
    ctx.partialAt = -1;
    let tunnel = fragmented || badLength ? 0 : ctx.ports[dstPort];
    if (tunnel === 0 && !fragmented && !badLength && ctx.ports[srcPort] !== 0 && looksLikeVxlan(b, off + 8, end)) tunnel = ctx.ports[srcPort];
    if (tunnel !== 0 && ctx.depth < MAX_TUNNEL_DEPTH) {
      ctx.depth++;
      decodeTunnel(b, off + 8, end < udpEnd ? end : udpEnd, udpEnd, tunnel, f, l, ctx);
      ctx.depth--;
    }
    const bad = f.l4CkStatus[l] === CK_BAD;
    if (bad) f.l4CkCause[l] = classifyUdp(got, pseudo, total, off, f, l, ctx);
    // The partial marker from the inner packet served this UDP; now report this one's own.
    if (bad && f.l4CkCause[l] === CAUSE_OFFLOAD) {
      ctx.partialAt = off + 6;
      ctx.partialGot = got;
      ctx.partialRight = f.l4CkExpected[l]!;
    } else ctx.partialAt = -1;
    return;
  }
  if (proto === PROTO_TCP) {
    f.l4Kind[l] = L4_TCP;
    if (end - off < 20) {
      f.l4Length[l] = segLen;
      return stop(ctx, 'TCP header truncated', true);
    }
    const doff = (b[off + 12] >> 4) * 4;
    const got = u16(b, off + 16);
    f.srcPort[l] = u16(b, off);
    f.dstPort[l] = u16(b, off + 2);
    f.l4Length[l] = segLen - doff > 0 ? segLen - doff : 0;
    f.tcpFlags[l] = b[off + 13] | ((b[off + 12] & 1) << 8);
    f.tcpSeq[l] = (b[off + 4] << 24) | (b[off + 5] << 16) | (b[off + 6] << 8) | b[off + 7];
    f.tcpAck[l] = (b[off + 8] << 24) | (b[off + 9] << 16) | (b[off + 10] << 8) | b[off + 11];
    f.tcpWindow[l] = u16(b, off + 14);
    f.flags[l] |= F_L4_HEADER;
    if (doff < 20) stop(ctx, `bad TCP data offset ${doff}`, false);
    if (checks) segmentVerdict(b, off, wireEnd, got, PROTO_TCP, fragmented, whole, ipVersion, srcAt, dstAt, f, l, ctx, 16);
    return;
  }
  if (proto === PROTO_ICMP || proto === PROTO_ICMPV6) {
    f.l4Kind[l] = proto === PROTO_ICMP ? L4_ICMP : L4_ICMPV6;
    f.l4Length[l] = segLen;
    if (end - off < 4) return stop(ctx, `${proto === PROTO_ICMP ? 'ICMP' : 'ICMPV6'} header truncated`, true);
    f.icmpType[l] = b[off];
    f.icmpCode[l] = b[off + 1];
    f.flags[l] |= F_L4_HEADER;
    if (checks) {
      const got = u16(b, off + 2);
      if (proto === PROTO_ICMP) {
        // ICMP has no pseudo-header and is never offloaded: a bad sum is the packet's own.
        f.l4CkGot[l] = got;
        if (fragmented || !whole) f.l4CkStatus[l] = CK_UNVERIFIABLE;
        else {
          const total = sumWords(b, off, wireEnd);
          if (fold(total) === 0xffff) f.l4CkStatus[l] = CK_OK;
          else {
            f.l4CkStatus[l] = CK_BAD;
            f.l4CkExpected[l] = shouldBe(got, total);
            f.l4CkCause[l] = CAUSE_WIRE;
          }
        }
      } else {
        segmentVerdict(b, off, wireEnd, got, PROTO_ICMPV6, fragmented, whole, ipVersion, srcAt, dstAt, f, l, ctx, 2);
      }
    }
    return;
  }
  f.l4Kind[l] = L4_OTHER;
  f.l4Length[l] = segLen;
}

/** TCP / ICMPv6: a pseudo-header sum plus the segment; a bad sum is offload or wire. */
function segmentVerdict(
  b: Uint8Array,
  off: number,
  wireEnd: number,
  got: number,
  proto: number,
  fragmented: boolean,
  whole: boolean,
  ipVersion: 4 | 6,
  srcAt: number,
  dstAt: number,
  f: FlatPacket,
  l: number,
  ctx: DecodeContext,
  fieldAt: number,
): void {
  ctx.partialAt = -1;
  f.l4CkGot[l] = got;
  if (fragmented || !whole) {
    f.l4CkStatus[l] = CK_UNVERIFIABLE;
    return;
  }
  const len = wireEnd - off;
  const pseudo = ipVersion === 4 ? pseudoSum4(b, srcAt, proto, len) : pseudoSum6(b, srcAt, dstAt, proto, len);
  const total = pseudo + sumWords(b, off, wireEnd);
  if (fold(total) === 0xffff) {
    f.l4CkStatus[l] = CK_OK;
    return;
  }
  const expected = shouldBe(got, total);
  f.l4CkStatus[l] = CK_BAD;
  f.l4CkExpected[l] = expected;
  // BIG TCP over IPv4: the kernel's partial sum used the full length, beyond 16 bits.
  if (isPartial(got, pseudo) || (len > 0xffff && ipVersion === 4 && isPartial(got, pseudo - (len & 0xffff) + len))) {
    f.l4CkCause[l] = CAUSE_OFFLOAD;
    ctx.partialAt = off + fieldAt;
    ctx.partialGot = got;
    ctx.partialRight = expected;
  } else f.l4CkCause[l] = CAUSE_WIRE;
}

/**
 * Why a UDP sum is bad (the precise algorithm; the analyzers rely on it):
 * 1. offload: the field is the pseudo-header sum alone (CHECKSUM_PARTIAL left by the sender),
 *    folded, complemented or not.
 * 2. lco: this UDP carries a tunnel whose inner L4 sum is partial (1.), and this outer sum is
 *    right once that inner field holds its right value (local checksum offload computed the
 *    outer sum for the finished inner packet).
 * 3. unknown: a tunnel packet whose inner L4 sum could not be verified (an inner header cut or
 *    fragmented): a partial inner sum, hence LCO, cannot be ruled out.
 * 4. wire: anything else, the field is simply wrong. This includes an outer VXLAN sum of 0xffff
 *    where none (0) was sent and a NAT rewrite turned it into 0xffff (seed 004:
 *    `[bad udp cksum 0xffff -> 0x3af0!]`); recognise that case by `cause === 'wire' &&
 *    got === 0xffff` on a tunnel's outer UDP.
 */
function classifyUdp(got: number, pseudo: number, total: number, udpAt: number, f: FlatPacket, l: number, ctx: DecodeContext): number {
  if (isPartial(got, pseudo)) return CAUSE_OFFLOAD;
  if (f.tunnelKind[l] === 0) return CAUSE_WIRE;
  if (ctx.partialAt >= 0) {
    const odd = (ctx.partialAt - udpAt) % 2 !== 0;
    if (matchesLco(got, total, ctx.partialGot, ctx.partialRight, odd)) return CAUSE_LCO;
    return CAUSE_WIRE;
  }
  return f.l4Kind[l + 1] !== 0 && f.l4CkStatus[l + 1] === CK_UNVERIFIABLE ? CAUSE_UNKNOWN : CAUSE_WIRE;
}

/** A VXLAN header has the I flag and zero reserved bytes; used before trusting a source port. */
function looksLikeVxlan(b: Uint8Array, off: number, end: number): boolean {
  return end - off >= 8 && (b[off] & 0x08) !== 0 && b[off + 1] === 0 && b[off + 2] === 0 && b[off + 3] === 0 && b[off + 7] === 0;
}

function decodeTunnel(b: Uint8Array, off: number, end: number, wireEnd: number, tunnel: number, f: FlatPacket, l: number, ctx: DecodeContext): void {
  if (end - off < 8) return stop(ctx, `${tunnel === TUNNEL_VXLAN ? 'VXLAN' : 'Geneve'} header truncated`, true);
  const vni = (b[off + 4] << 16) | (b[off + 5] << 8) | b[off + 6];
  const inner = l + 1;
  f.resetLevel(inner);
  if (tunnel === TUNNEL_VXLAN) {
    f.tunnelKind[l] = TUNNEL_VXLAN;
    f.vni[l] = vni;
    decodeEthernet(b, off + 8, end, wireEnd, f, inner, ctx);
    return;
  }
  if (tunnel === TUNNEL_GENEVE) {
    const hl = 8 + (b[off] & 0x3f) * 4;
    const proto = u16(b, off + 2);
    f.tunnelKind[l] = TUNNEL_GENEVE;
    f.vni[l] = vni;
    if (end - off < hl) return stop(ctx, 'Geneve options truncated', true);
    if (proto === ETH_TEB) decodeEthernet(b, off + hl, end, wireEnd, f, inner, ctx);
    else decodeNetwork(b, off + hl, end, wireEnd, proto, f, inner, ctx);
  }
}
