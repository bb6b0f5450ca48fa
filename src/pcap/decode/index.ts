// decodeFrame: from a captured frame to its layers (link, VLANs, IP, L4, tunnel and the inner
// packet), with checksum verdicts. Reads the frame bytes in place: decodeFlat fills a reused
// record of numbers (the analyzers' fast path), decodeFrame turns it into a DecodedPacket. Never
// throws on bad bytes: decoding stops with `note` (and `truncated` when a header ran past the
// captured bytes).
import type { DecodedPacket, DecodeOptions, RawFrame } from '../types.js';
import { decodeEthernet, decodeNetwork, ETH_IPV4, ETH_IPV6, type DecodeContext } from './network.js';
import { tunnelPorts } from './ports.js';
import { FlatPacket, toDecodedPacket } from './flat.js';

export { FlatPacket } from './flat.js';

export { DEFAULT_GENEVE_PORTS, DEFAULT_VXLAN_PORTS } from './ports.js';
export { ipv4String, ipv6String } from './addr.js';

export const LINKTYPE_NULL = 0;
export const LINKTYPE_ETHERNET = 1;
export const LINKTYPE_RAW = 101;
export const LINKTYPE_LOOP = 108;
export const LINKTYPE_LINUX_SLL = 113;
export const LINKTYPE_IPV4 = 228;
export const LINKTYPE_IPV6 = 229;
export const LINKTYPE_LINUX_SLL2 = 276;
/** DLT_RAW as some systems wrote it in old files (12 most, 14 on OpenBSD). */
const LINKTYPE_RAW_OLD_12 = 12;
const LINKTYPE_RAW_OLD_14 = 14;

/**
 * The per-frame decoding state, reused: decoding is synchronous and never re-entered, and one
 * object fewer per frame is measurable at a million frames.
 */
const ctx: DecodeContext = { checksums: true, ports: tunnelPorts(undefined), truncated: false, depth: 0, partialAt: -1, partialGot: 0, partialRight: 0 };
const shared = new FlatPacket();

/** Decodes a frame into the documented object form. */
export function decodeFrame(frame: RawFrame, opts?: DecodeOptions): DecodedPacket {
  return toDecodedPacket(decodeFlat(frame, opts, shared));
}

/**
 * Decodes a frame into `into` (reused from frame to frame), which stays valid until the next
 * call and refers to the frame's bytes: the fast path of the analyzers.
 */
export function decodeFlat(frame: RawFrame, opts: DecodeOptions | undefined, into: FlatPacket): FlatPacket {
  return decodeRecord(frame, frame.data, 0, frame.data.length, opts, into);
}

/**
 * decodeFlat on a frame whose bytes are b[at, at + length) (the reader's buffer, no
 * subarray): offsets in `into` are then offsets in b.
 */
export function decodeRecord(frame: Omit<RawFrame, 'data'>, b: Uint8Array, at: number, length: number, opts: DecodeOptions | undefined, into: FlatPacket): FlatPacket {
  const end = at + length;
  // Bytes the frame had on the wire (a TSO length of 0 inside is resolved against it).
  const wireEnd = at + frame.origLen > end ? at + frame.origLen : end;
  const pkt = into;
  pkt.data = b;
  pkt.frameNumber = frame.frameNumber;
  pkt.tsSec = frame.tsSec;
  pkt.tsNsec = frame.tsNsec;
  pkt.linkType = frame.linkType;
  pkt.capLen = frame.capLen;
  pkt.origLen = frame.origLen;
  pkt.frameEnd = end;
  pkt.truncated = frame.capLen < frame.origLen;
  pkt.note = undefined;
  pkt.resetLevel(0);
  ctx.checksums = opts?.checksums !== false;
  ctx.ports = tunnelPorts(opts);
  ctx.truncated = false;
  ctx.note = undefined;
  ctx.depth = 0;
  ctx.partialAt = -1;
  switch (frame.linkType) {
    case LINKTYPE_ETHERNET:
      decodeEthernet(b, at, end, wireEnd, pkt, 0, ctx);
      break;
    case LINKTYPE_LINUX_SLL:
      // pkttype, ARPHRD type, address length, 8 address bytes, protocol.
      if (end - at < 16) ctx.note = 'Linux cooked header truncated';
      else if (((b[at + 14] << 8) | b[at + 15]) >= 0x0600) decodeNetwork(b, at + 16, end, wireEnd, (b[at + 14] << 8) | b[at + 15], pkt, 0, ctx);
      break;
    case LINKTYPE_LINUX_SLL2:
      // protocol, reserved, ifindex, ARPHRD type, pkttype, address length, 8 address bytes.
      if (end - at < 20) ctx.note = 'Linux cooked v2 header truncated';
      else if (((b[at] << 8) | b[at + 1]) >= 0x0600) decodeNetwork(b, at + 20, end, wireEnd, (b[at] << 8) | b[at + 1], pkt, 0, ctx);
      break;
    case LINKTYPE_RAW:
    case LINKTYPE_RAW_OLD_12:
    case LINKTYPE_RAW_OLD_14:
      if (end - at < 1) ctx.note = 'empty frame';
      else if (b[at] >> 4 === 4) decodeNetwork(b, at, end, wireEnd, ETH_IPV4, pkt, 0, ctx);
      else if (b[at] >> 4 === 6) decodeNetwork(b, at, end, wireEnd, ETH_IPV6, pkt, 0, ctx);
      else ctx.note = `raw IP frame with IP version ${b[at] >> 4}`;
      break;
    case LINKTYPE_IPV4:
      decodeNetwork(b, at, end, wireEnd, ETH_IPV4, pkt, 0, ctx);
      break;
    case LINKTYPE_IPV6:
      decodeNetwork(b, at, end, wireEnd, ETH_IPV6, pkt, 0, ctx);
      break;
    case LINKTYPE_NULL:
    case LINKTYPE_LOOP:
      decodeLoopback(b, at, end, wireEnd, frame.linkType === LINKTYPE_LOOP, pkt, ctx);
      break;
    default:
      ctx.note = `unsupported link type ${frame.linkType}`;
  }
  if (ctx.truncated) pkt.truncated = true;
  if (ctx.note !== undefined) pkt.note = ctx.note;
  return pkt;
}

/**
 * BSD loopback: a 4-byte address family, in the capturing host's byte order for NULL (so both
 * orders are tried) and in network order for LOOP. AF_INET is 2 everywhere; AF_INET6 is 10
 * (Linux), 24 (NetBSD, OpenBSD), 28 (FreeBSD) or 30 (macOS).
 */
function decodeLoopback(b: Uint8Array, at: number, end: number, wireEnd: number, networkOrder: boolean, pkt: FlatPacket, ctx: DecodeContext): void {
  if (end - at < 4) {
    ctx.note = 'loopback header truncated';
    ctx.truncated = true;
    return;
  }
  const be = ((b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]) >>> 0;
  const le = ((b[at + 3] << 24) | (b[at + 2] << 16) | (b[at + 1] << 8) | b[at]) >>> 0;
  const af = networkOrder || be <= 0xffff ? be : le;
  if (af === 2) decodeNetwork(b, at + 4, end, wireEnd, ETH_IPV4, pkt, 0, ctx);
  else if (af === 10 || af === 24 || af === 28 || af === 30) decodeNetwork(b, at + 4, end, wireEnd, ETH_IPV6, pkt, 0, ctx);
  else ctx.note = `loopback address family ${af}`;
}
