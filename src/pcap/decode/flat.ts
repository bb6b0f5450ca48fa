// The decoder's working result: one reused record of numbers per layer level (0 = outer, 1 = the
// packet inside the first tunnel, ...), filled in place while the frame's bytes are valid. The
// analyzers read it directly (no object graph, no address strings per packet); decodeFrame turns
// it into the documented DecodedPacket.
import type { ChecksumVerdict, DecodedPacket, IpInfo, L4Info, PacketLayers } from '../types.js';
import { ipv4String, ipv6String } from './addr.js';

/** Layer levels: the outer packet and up to MAX_TUNNEL_DEPTH nested tunnels. */
export const MAX_TUNNEL_DEPTH = 4;
export const LEVELS = MAX_TUNNEL_DEPTH + 1;
export const MAX_VLAN_TAGS = 8;

// Checksum status codes (0: no verdict).
export const CK_ABSENT = 0;
export const CK_OK = 1;
export const CK_BAD = 2;
export const CK_NONE = 3;
export const CK_UNVERIFIABLE = 4;
export const CK_STATUS = [undefined, 'ok', 'bad', 'none', 'unverifiable'] as const;

// Causes of a bad sum (0: none given).
export const CAUSE_WIRE = 1;
export const CAUSE_OFFLOAD = 2;
export const CAUSE_LCO = 3;
export const CAUSE_UNKNOWN = 4;
export const CAUSE_NAME = [undefined, 'wire', 'offload', 'lco', 'unknown'] as const;

// L4 kinds (0: no L4).
export const L4_UDP = 1;
export const L4_TCP = 2;
export const L4_ICMP = 3;
export const L4_ICMPV6 = 4;
export const L4_OTHER = 5;
export const L4_NAME = [undefined, 'udp', 'tcp', 'icmp', 'icmpv6', 'other'] as const;

// Per-level flags.
export const F_DF = 1;
export const F_FRAGMENT = 2;
export const F_MORE = 4;
export const F_HAS_ID = 8;
/** The L4 header was read whole: ports (UDP/TCP), TCP fields or ICMP type and code are set. */
export const F_L4_HEADER = 16;

export const TUNNEL_KIND_NAME = [undefined, 'vxlan', 'geneve'] as const;

export class FlatPacket {
  /** The frame bytes (valid during the reader's callback only). */
  data: Uint8Array = new Uint8Array(0);
  frameNumber = 0;
  tsSec = 0;
  tsNsec = 0;
  linkType = 0;
  capLen = 0;
  origLen = 0;
  /** Offset in `data` just past the frame's captured bytes (0 for a packet given as objects). */
  frameEnd = 0;
  truncated = false;
  note: string | undefined = undefined;
  /** Addresses given as text, when srcAt / dstAt is negative (-1 - index): see fromDecoded. */
  texts: string[] = [];

  readonly vlanCount = new Uint8Array(LEVELS);
  readonly vlanIds = new Uint16Array(LEVELS * MAX_VLAN_TAGS);
  /** -1 when no network type was announced. */
  readonly etherType = new Int32Array(LEVELS);
  /** 0 (no IP), 4 or 6. */
  readonly ipVersion = new Uint8Array(LEVELS);
  /** Offsets of the source and destination address in `data` (destination as in the header). */
  readonly srcAt = new Int32Array(LEVELS);
  readonly dstAt = new Int32Array(LEVELS);
  readonly proto = new Uint8Array(LEVELS);
  readonly ttl = new Uint8Array(LEVELS);
  readonly ipId = new Uint32Array(LEVELS);
  readonly totalLength = new Int32Array(LEVELS);
  readonly headerLength = new Int32Array(LEVELS);
  readonly fragOffset = new Int32Array(LEVELS);
  readonly flags = new Uint8Array(LEVELS);
  readonly ipCkStatus = new Uint8Array(LEVELS);
  readonly ipCkGot = new Int32Array(LEVELS);
  readonly ipCkExpected = new Int32Array(LEVELS);
  readonly ipCkCause = new Uint8Array(LEVELS);

  readonly l4Kind = new Uint8Array(LEVELS);
  readonly srcPort = new Int32Array(LEVELS);
  readonly dstPort = new Int32Array(LEVELS);
  /** UDP length field, or the payload length for TCP (the segment length for the others). */
  readonly l4Length = new Int32Array(LEVELS);
  readonly tcpFlags = new Uint16Array(LEVELS);
  readonly tcpSeq = new Uint32Array(LEVELS);
  readonly tcpAck = new Uint32Array(LEVELS);
  readonly tcpWindow = new Uint16Array(LEVELS);
  readonly icmpType = new Uint8Array(LEVELS);
  readonly icmpCode = new Uint8Array(LEVELS);
  /** Offset of the L4 header in `data` (-1: not known, e.g. a packet given as objects). */
  readonly l4At = new Int32Array(LEVELS);
  readonly l4CkStatus = new Uint8Array(LEVELS);
  readonly l4CkGot = new Int32Array(LEVELS);
  readonly l4CkExpected = new Int32Array(LEVELS);
  readonly l4CkCause = new Uint8Array(LEVELS);

  /** 0 none, 1 VXLAN, 2 Geneve: the next level holds the inner packet. */
  readonly tunnelKind = new Uint8Array(LEVELS);
  readonly vni = new Uint32Array(LEVELS);

  /** Empties one level before it is decoded. */
  resetLevel(l: number): void {
    this.vlanCount[l] = 0;
    this.etherType[l] = -1;
    this.ipVersion[l] = 0;
    this.flags[l] = 0;
    this.ipCkStatus[l] = CK_ABSENT;
    this.l4Kind[l] = 0;
    this.l4At[l] = -1;
    this.l4CkStatus[l] = CK_ABSENT;
    this.tunnelKind[l] = 0;
  }
}

function ckVerdict(status: number, got: number, expected: number, cause: number): ChecksumVerdict {
  const v: ChecksumVerdict = { status: CK_STATUS[status]!, got };
  if (status !== CK_BAD) return v;
  v.expected = expected;
  // Only a bad sum has a cause (the field may hold an earlier frame's otherwise).
  const c = CAUSE_NAME[cause];
  if (c !== undefined) v.cause = c;
  return v;
}

function layersAt(f: FlatPacket, l: number, into: PacketLayers): PacketLayers {
  const b = f.data;
  const nv = f.vlanCount[l]!;
  for (let i = 0; i < nv; i++) into.vlanIds.push(f.vlanIds[l * MAX_VLAN_TAGS + i]!);
  if (f.etherType[l]! >= 0) into.etherType = f.etherType[l];
  const ver = f.ipVersion[l]!;
  if (ver !== 0) {
    const flags = f.flags[l]!;
    const v4 = ver === 4;
    const ip: IpInfo = {
      version: v4 ? 4 : 6,
      src: v4 ? ipv4String(b, f.srcAt[l]!) : ipv6String(b, f.srcAt[l]!),
      dst: v4 ? ipv4String(b, f.dstAt[l]!) : ipv6String(b, f.dstAt[l]!),
      proto: f.proto[l]!,
      ttl: f.ttl[l]!,
      totalLength: f.totalLength[l]!,
      headerLength: f.headerLength[l]!,
    };
    if (flags & F_HAS_ID) ip.id = f.ipId[l]!;
    if (v4) ip.dontFragment = (flags & F_DF) !== 0;
    if (flags & F_FRAGMENT) ip.fragment = { offset: f.fragOffset[l]!, more: (flags & F_MORE) !== 0 };
    if (f.ipCkStatus[l] !== CK_ABSENT) ip.headerChecksum = ckVerdict(f.ipCkStatus[l]!, f.ipCkGot[l]!, f.ipCkExpected[l]!, f.ipCkCause[l]!);
    into.ip = ip;
  }
  const kind = f.l4Kind[l]!;
  if (kind !== 0) {
    const l4: L4Info = { kind: L4_NAME[kind]!, length: f.l4Length[l]! };
    if (f.flags[l]! & F_L4_HEADER) {
      if (kind === L4_UDP || kind === L4_TCP) {
        l4.srcPort = f.srcPort[l];
        l4.dstPort = f.dstPort[l];
      }
      if (kind === L4_TCP) {
        l4.tcp = { flags: f.tcpFlags[l]!, seq: f.tcpSeq[l]!, ack: f.tcpAck[l]!, window: f.tcpWindow[l]!, payloadLength: f.l4Length[l]! };
      } else if (kind === L4_ICMP || kind === L4_ICMPV6) {
        l4.icmp = { type: f.icmpType[l]!, code: f.icmpCode[l]! };
      }
    }
    if (f.l4CkStatus[l] !== CK_ABSENT) l4.checksum = ckVerdict(f.l4CkStatus[l]!, f.l4CkGot[l]!, f.l4CkExpected[l]!, f.l4CkCause[l]!);
    into.l4 = l4;
  }
  const tk = f.tunnelKind[l]!;
  if (tk !== 0 && l + 1 < LEVELS) {
    into.tunnel = { kind: TUNNEL_KIND_NAME[tk]!, vni: f.vni[l]!, inner: layersAt(f, l + 1, { vlanIds: [] }) };
  }
  return into;
}

/** The documented object form of a flat decode (address strings made here, once per call). */
export function toDecodedPacket(f: FlatPacket): DecodedPacket {
  const pkt: DecodedPacket = {
    frameNumber: f.frameNumber,
    tsSec: f.tsSec,
    tsNsec: f.tsNsec,
    linkType: f.linkType,
    capLen: f.capLen,
    origLen: f.origLen,
    truncated: f.truncated,
    vlanIds: [],
  };
  layersAt(f, 0, pkt);
  if (f.note !== undefined) pkt.note = f.note;
  return pkt;
}

const KIND_CODE: Record<string, number> = { udp: L4_UDP, tcp: L4_TCP, icmp: L4_ICMP, icmpv6: L4_ICMPV6, other: L4_OTHER };
const STATUS_CODE: Record<string, number> = { ok: CK_OK, bad: CK_BAD, none: CK_NONE, unverifiable: CK_UNVERIFIABLE };
const CAUSE_CODE: Record<string, number> = { wire: CAUSE_WIRE, offload: CAUSE_OFFLOAD, lco: CAUSE_LCO, unknown: CAUSE_UNKNOWN };

/** A verdict of the object form into level `l` of one set of checksum columns (IP header or L4). */
function setVerdict(v: ChecksumVerdict, l: number, status: Uint8Array, got: Int32Array, expected: Int32Array, cause: Uint8Array): void {
  status[l] = STATUS_CODE[v.status]!;
  got[l] = v.got;
  expected[l] = v.expected ?? 0;
  cause[l] = v.cause ? CAUSE_CODE[v.cause]! : 0;
}

function fillLevel(f: FlatPacket, l: number, layers: PacketLayers): void {
  f.resetLevel(l);
  const n = Math.min(layers.vlanIds.length, MAX_VLAN_TAGS);
  for (let i = 0; i < n; i++) f.vlanIds[l * MAX_VLAN_TAGS + i] = layers.vlanIds[i]!;
  f.vlanCount[l] = n;
  if (layers.etherType !== undefined) f.etherType[l] = layers.etherType;
  const ip = layers.ip;
  if (ip) {
    f.ipVersion[l] = ip.version;
    f.texts.push(ip.src, ip.dst);
    f.srcAt[l] = -f.texts.length + 1;
    f.dstAt[l] = -f.texts.length;
    f.proto[l] = ip.proto;
    f.ttl[l] = ip.ttl;
    f.ipId[l] = ip.id ?? 0;
    f.totalLength[l] = ip.totalLength;
    f.headerLength[l] = ip.headerLength;
    f.fragOffset[l] = ip.fragment?.offset ?? 0;
    f.flags[l] = (ip.id !== undefined ? F_HAS_ID : 0) | (ip.dontFragment ? F_DF : 0) | (ip.fragment ? F_FRAGMENT : 0) | (ip.fragment?.more ? F_MORE : 0);
    if (ip.headerChecksum) setVerdict(ip.headerChecksum, l, f.ipCkStatus, f.ipCkGot, f.ipCkExpected, f.ipCkCause);
  }
  const l4 = layers.l4;
  if (l4) {
    const kind = KIND_CODE[l4.kind]!;
    f.l4Kind[l] = kind;
    f.l4Length[l] = l4.length;
    f.srcPort[l] = l4.srcPort ?? 0;
    f.dstPort[l] = l4.dstPort ?? 0;
    const whole = kind === L4_TCP ? l4.tcp !== undefined : kind === L4_UDP ? l4.srcPort !== undefined && l4.dstPort !== undefined : l4.icmp !== undefined;
    if (whole) f.flags[l] |= F_L4_HEADER;
    if (l4.tcp) {
      f.tcpFlags[l] = l4.tcp.flags;
      f.tcpSeq[l] = l4.tcp.seq;
      f.tcpAck[l] = l4.tcp.ack;
      f.tcpWindow[l] = l4.tcp.window;
    }
    if (l4.icmp) {
      f.icmpType[l] = l4.icmp.type;
      f.icmpCode[l] = l4.icmp.code;
    }
    if (l4.checksum) setVerdict(l4.checksum, l, f.l4CkStatus, f.l4CkGot, f.l4CkExpected, f.l4CkCause);
  }
  if (layers.tunnel && l + 1 < LEVELS) {
    f.tunnelKind[l] = layers.tunnel.kind === 'vxlan' ? 1 : 2;
    f.vni[l] = layers.tunnel.vni;
    fillLevel(f, l + 1, layers.tunnel.inner);
  }
}

/** The flat form of a DecodedPacket (addresses kept as text): lets any DecodedPacket feed the analyzers. */
export function fromDecoded(pkt: DecodedPacket, into: FlatPacket = new FlatPacket()): FlatPacket {
  into.data = new Uint8Array(0);
  into.texts = [];
  into.frameNumber = pkt.frameNumber;
  into.tsSec = pkt.tsSec;
  into.tsNsec = pkt.tsNsec;
  into.linkType = pkt.linkType;
  into.capLen = pkt.capLen;
  into.origLen = pkt.origLen;
  into.frameEnd = 0;
  into.truncated = pkt.truncated;
  into.note = pkt.note;
  fillLevel(into, 0, pkt);
  return into;
}
