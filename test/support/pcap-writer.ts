// Test support, not part of podpath: an independent oracle for the capture reader, decoders and
// analyzers. It writes captures (classic pcap, microsecond or nanosecond, either byte order;
// pcapng with SHB/IDB/EPB) and builds the frames that go in them: Ethernet/IPv4/IPv6/UDP/TCP/ICMP
// with right checksums, VXLAN-encapsulated inner frames, and each kind of wrong checksum podpath
// classifies. It has its own checksum code ON PURPOSE: sums computed by src/pcap/checksum would
// make a test agree with the code under test whatever that code does; these are checked against
// tshark and tcpdump instead (pcap-writer.test.ts). Used by tests and by the benchmark generator
// (bench/gen-capture.ts), so the frame builder and the writer work in place, without an
// allocation per packet.
import { closeSync, openSync, writeSync } from 'node:fs';
import type { Writable } from 'node:stream';
import { PodpathError } from '../../src/util/errors.js';

export const LINKTYPE_ETHERNET = 1;
export const LINKTYPE_RAW = 101;
export const LINKTYPE_LINUX_SLL = 113;
export const LINKTYPE_LINUX_SLL2 = 276;

export const VXLAN_PORT = 4789;
export const FLANNEL_VXLAN_PORT = 8472;

// ---------------------------------------------------------------------------------------------
// Checksums

/** Adds the big-endian 16-bit words of b[start..end) to acc (unfolded; start must be even relative to the summed region). */
export function sum16(b: Uint8Array, start: number, end: number, acc = 0): number {
  let i = start;
  const last = end - 1;
  for (; i < last; i += 2) acc += (b[i] << 8) | b[i + 1];
  if (i < end) acc += b[i] << 8;
  return acc;
}

/** Folds a running sum into 16 bits with end-around carry. */
export function foldSum(acc: number): number {
  while (acc > 0xffff) acc = (acc & 0xffff) + Math.floor(acc / 0x10000);
  return acc;
}

/** The Internet checksum (RFC 1071) of b[start..end), plus an initial sum. */
export function internetChecksum(b: Uint8Array, start: number, end: number, initial = 0): number {
  return ~foldSum(sum16(b, start, end, initial)) & 0xffff;
}

/** Two checksum values verify the same way when they are equal modulo 0xffff (0x0000 ~ 0xffff). */
function equivalent(a: number, b: number): boolean {
  return a % 0xffff === b % 0xffff;
}

function pseudoHeaderSum(b: Uint8Array, srcOff: number, addrLen: number, proto: number, l4Length: number): number {
  // Source and destination are adjacent in both IPv4 and IPv6 headers.
  let acc = sum16(b, srcOff, srcOff + 2 * addrLen);
  acc += proto;
  acc += addrLen === 4 ? l4Length : (l4Length >>> 16) + (l4Length & 0xffff);
  return acc;
}

/** A small seeded generator (mulberry32), so generated 'wire' values and traffic repeat run after run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// ---------------------------------------------------------------------------------------------
// Addresses

export function parseMac(s: string): Uint8Array {
  const parts = s.split(/[:-]/);
  if (parts.length !== 6) throw new PodpathError('E_WRITER_SPEC', `not a MAC address: ${s}`);
  return Uint8Array.from(parts, (p) => parseInt(p, 16));
}

export function parseIpv4(s: string): Uint8Array {
  const parts = s.split('.');
  const out = Uint8Array.from(parts, (p) => Number(p));
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) {
    throw new PodpathError('E_WRITER_SPEC', `not an IPv4 address: ${s}`);
  }
  return out;
}

export function parseIpv6(s: string): Uint8Array {
  const halves = s.split('::');
  if (halves.length > 2) throw new PodpathError('E_WRITER_SPEC', `not an IPv6 address: ${s}`);
  const groups = (h: string): string[] => (h === '' ? [] : h.split(':'));
  const head = groups(halves[0]);
  const tail = halves.length === 2 ? groups(halves[1]) : [];
  const missing = 8 - head.length - tail.length;
  if (missing < 0 || (halves.length === 1 && missing !== 0)) throw new PodpathError('E_WRITER_SPEC', `not an IPv6 address: ${s}`);
  const all = [...head, ...Array<string>(missing).fill('0'), ...tail];
  const out = new Uint8Array(16);
  all.forEach((g, i) => {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) throw new PodpathError('E_WRITER_SPEC', `not an IPv6 address: ${s}`);
    const v = parseInt(g, 16);
    out[2 * i] = v >>> 8;
    out[2 * i + 1] = v & 0xff;
  });
  return out;
}

type Address = string | Uint8Array;

function addressBytes(a: Address, version: 4 | 6): Uint8Array {
  if (typeof a !== 'string') {
    if (a.length !== (version === 4 ? 4 : 16)) throw new PodpathError('E_WRITER_SPEC', `IPv${version} address must have ${version === 4 ? 4 : 16} bytes`);
    return a;
  }
  return version === 4 ? parseIpv4(a) : parseIpv6(a);
}

// ---------------------------------------------------------------------------------------------
// Frame specifications

/**
 * What goes in a checksum field.
 * - correct: the right sum (UDP: 0xffff when the sum is 0, as senders do);
 * - none: 0, "no checksum" (UDP over IPv4 only);
 * - wire: a wrong value, random, never one that would verify;
 * - offload: the pseudo-header sum only, as a capture on a sender using CHECKSUM_PARTIAL shows;
 * - nat-ffff: 0xffff, as the NATed VXLAN packets of seed 004 carry;
 * - lco: (UDP carrying VXLAN) the outer sum computed as if the inner L4 checksum were final
 *   (local checksum offload) while the inner field holds what the inner mode put there;
 * - { value }: exactly this value.
 */
export type ChecksumMode = 'correct' | 'none' | 'wire' | 'offload' | 'nat-ffff' | 'lco' | { value: number };

export interface EthernetSpec {
  src?: Address;
  dst?: Address;
  /** 802.1Q tags, outermost first. */
  vlans?: number[];
}

export interface Ipv4Spec {
  version: 4;
  src: Address;
  dst: Address;
  ttl?: number;
  id?: number;
  tos?: number;
  dontFragment?: boolean;
  /** Only 'correct', 'wire' and { value } apply to the IPv4 header checksum. */
  headerChecksum?: ChecksumMode;
}

export interface Ipv6Spec {
  version: 6;
  src: Address;
  dst: Address;
  hopLimit?: number;
  trafficClass?: number;
  flowLabel?: number;
}

/** Payload bytes, or a length filled with a deterministic pattern. */
export type Payload = Uint8Array | number;

export interface VxlanSpec {
  vni: number;
  inner: FrameSpec;
}

export interface UdpSpec {
  kind: 'udp';
  srcPort: number;
  dstPort: number;
  payload?: Payload;
  /** Carry a VXLAN header and this inner Ethernet frame instead of a payload. */
  vxlan?: VxlanSpec;
  checksum?: ChecksumMode;
}

export interface TcpSpec {
  kind: 'tcp';
  srcPort: number;
  dstPort: number;
  seq?: number;
  ack?: number;
  flags?: number;
  window?: number;
  /** Raw TCP options; padded with zeros (EOL) to a multiple of 4. */
  options?: Uint8Array;
  payload?: Payload;
  checksum?: ChecksumMode;
}

/** ICMP over IPv4, ICMPv6 over IPv6 (echo layout: id and sequence after the checksum). */
export interface IcmpSpec {
  kind: 'icmp';
  type?: number;
  code?: number;
  id?: number;
  seq?: number;
  payload?: Payload;
  checksum?: ChecksumMode;
}

export type L4Spec = UdpSpec | TcpSpec | IcmpSpec;

export interface FrameSpec {
  /** Omit for a raw IP packet (LINKTYPE_RAW). */
  eth?: EthernetSpec;
  ip: Ipv4Spec | Ipv6Spec;
  l4: L4Spec;
}

/** What the builder put in one checksum field, and what a verifier will say of it. */
export interface BuiltChecksum {
  layer: 'ip' | 'udp' | 'tcp' | 'icmp' | 'icmpv6';
  /** 0 for the outer packet, 1 inside one tunnel. */
  depth: number;
  mode: 'correct' | 'none' | 'wire' | 'offload' | 'nat-ffff' | 'lco' | 'value';
  status: 'ok' | 'bad' | 'none';
  value: number;
  /** The value that would verify. */
  expected: number;
}

export interface BuildOptions {
  /** Source of randomness for 'wire' values (default Math.random); pass a seeded one for reproducible output. */
  random?: () => number;
  /** Receives one entry per checksum field, outer first. */
  report?: BuiltChecksum[];
}

const DEFAULT_SRC_MAC = parseMac('02:00:00:00:00:01');
const DEFAULT_DST_MAC = parseMac('02:00:00:00:00:02');

/** Longest frame the builder accepts (an IPv4/IPv6 packet of 65535 bytes plus link headers). */
export const MAX_FRAME = 65535 + 64;

interface L4Written {
  /** Offset of the checksum field in the buffer. */
  fieldOffset: number;
  correct: number;
}

interface BuildContext {
  random: () => number;
  report?: BuiltChecksum[];
}

// A pattern, not zeros: zeros would hide byte-order mistakes in checksums.
const FILLER = Uint8Array.from({ length: 65536 }, (_, i) => (i * 7 + 0x41) & 0xff);

function writePayload(buf: Uint8Array, off: number, p: Payload | undefined): number {
  if (p === undefined) return off;
  if (typeof p === 'number') {
    buf.set(FILLER.subarray(0, p), off);
    return off + p;
  }
  buf.set(p, off);
  return off + p.length;
}

function put16(b: Uint8Array, off: number, v: number): void {
  b[off] = (v >>> 8) & 0xff;
  b[off + 1] = v & 0xff;
}

function put32(b: Uint8Array, off: number, v: number): void {
  b[off] = (v >>> 24) & 0xff;
  b[off + 1] = (v >>> 16) & 0xff;
  b[off + 2] = (v >>> 8) & 0xff;
  b[off + 3] = v & 0xff;
}

function modeName(m: ChecksumMode): BuiltChecksum['mode'] {
  return typeof m === 'string' ? m : 'value';
}

/** A wrong value that no verifier could accept: not equivalent to the right one, never 0 (UDP "none"). */
function wrongValue(correct: number, random: () => number): number {
  for (;;) {
    const v = Math.floor(random() * 0x10000) & 0xffff;
    if (v !== 0 && !equivalent(v, correct)) return v;
  }
}

/** Builds a frame into buf at offset; returns the offset just past it. */
export function buildFrameInto(spec: FrameSpec, buf: Uint8Array, offset = 0, options: BuildOptions = {}): number {
  const ctx: BuildContext = { random: options.random ?? Math.random, report: options.report };
  return buildAt(spec, buf, offset, 0, ctx).end;
}

/** Builds one frame into a new array. */
export function buildFrame(spec: FrameSpec, options: BuildOptions = {}): Uint8Array {
  const scratch = new Uint8Array(MAX_FRAME + 128);
  const end = buildFrameInto(spec, scratch, 0, options);
  return scratch.slice(0, end);
}

function buildAt(spec: FrameSpec, buf: Uint8Array, start: number, depth: number, ctx: BuildContext): { end: number; l4: L4Written | undefined } {
  let off = start;
  const ipVersion = spec.ip.version;
  if (spec.eth) {
    buf.set(spec.eth.dst === undefined ? DEFAULT_DST_MAC : typeof spec.eth.dst === 'string' ? parseMac(spec.eth.dst) : spec.eth.dst, off);
    buf.set(spec.eth.src === undefined ? DEFAULT_SRC_MAC : typeof spec.eth.src === 'string' ? parseMac(spec.eth.src) : spec.eth.src, off + 6);
    off += 12;
    for (const vid of spec.eth.vlans ?? []) {
      put16(buf, off, 0x8100);
      put16(buf, off + 2, vid & 0x0fff);
      off += 4;
    }
    put16(buf, off, ipVersion === 4 ? 0x0800 : 0x86dd);
    off += 2;
  }
  const ipStart = off;
  const ipHeaderLength = ipVersion === 4 ? 20 : 40;
  const l4Start = ipStart + ipHeaderLength;
  const l4 = spec.l4;
  const proto = l4.kind === 'udp' ? 17 : l4.kind === 'tcp' ? 6 : ipVersion === 4 ? 1 : 58;

  // Addresses first: the L4 pseudo-header reads them from the buffer.
  const addrLen = ipVersion === 4 ? 4 : 16;
  const srcOff = ipStart + (ipVersion === 4 ? 12 : 8);
  buf.set(addressBytes(spec.ip.src, ipVersion), srcOff);
  buf.set(addressBytes(spec.ip.dst, ipVersion), srcOff + addrLen);

  const built = writeL4(l4, buf, l4Start, depth, ctx);
  const end = built.end;
  const l4Length = end - l4Start;

  if (spec.ip.version === 4) {
    const ip = spec.ip;
    const total = end - ipStart;
    if (total > 0xffff) throw new PodpathError('E_WRITER_SPEC', `IPv4 packet of ${total} bytes is too long`);
    buf[ipStart] = 0x45;
    buf[ipStart + 1] = ip.tos ?? 0;
    put16(buf, ipStart + 2, total);
    put16(buf, ipStart + 4, ip.id ?? 0);
    put16(buf, ipStart + 6, ip.dontFragment === false ? 0 : 0x4000);
    buf[ipStart + 8] = ip.ttl ?? 64;
    buf[ipStart + 9] = proto;
    put16(buf, ipStart + 10, 0);
    const correct = internetChecksum(buf, ipStart, ipStart + 20);
    const mode = ip.headerChecksum ?? 'correct';
    let value: number;
    if (mode === 'correct') value = correct;
    else if (mode === 'wire') value = wrongValue(correct, ctx.random);
    else if (typeof mode === 'object') value = mode.value & 0xffff;
    else throw new PodpathError('E_WRITER_SPEC', `IPv4 header checksum mode ${mode} does not apply`);
    put16(buf, ipStart + 10, value);
    ctx.report?.push({ layer: 'ip', depth, mode: modeName(mode), status: equivalent(value, correct) ? 'ok' : 'bad', value, expected: correct });
  } else {
    const ip = spec.ip;
    if (l4Length > 0xffff) throw new PodpathError('E_WRITER_SPEC', `IPv6 payload of ${l4Length} bytes is too long`);
    const tc = ip.trafficClass ?? 0;
    const flow = ip.flowLabel ?? 0;
    put32(buf, ipStart, (0x60000000 | (tc << 20) | (flow & 0xfffff)) >>> 0);
    put16(buf, ipStart + 4, l4Length);
    buf[ipStart + 6] = proto;
    buf[ipStart + 7] = ip.hopLimit ?? 64;
  }

  const l4Written = finishL4Checksum(l4, buf, l4Start, end, srcOff, addrLen, proto, depth, ctx, built.inner);
  return { end, l4: l4Written };
}

/** Writes the L4 header and payload (checksum field zero); returns the end and the inner L4 of a tunnel. */
function writeL4(l4: L4Spec, buf: Uint8Array, start: number, depth: number, ctx: BuildContext): { end: number; inner?: L4Written } {
  if (l4.kind === 'udp') {
    put16(buf, start, l4.srcPort);
    put16(buf, start + 2, l4.dstPort);
    put16(buf, start + 6, 0);
    let end: number;
    let inner: L4Written | undefined;
    if (l4.vxlan) {
      const v = start + 8;
      put32(buf, v, 0x08000000); // flags: I (VNI valid)
      put32(buf, v + 4, (l4.vxlan.vni & 0xffffff) * 256);
      const r = buildAt(l4.vxlan.inner, buf, v + 8, depth + 1, ctx);
      end = r.end;
      inner = r.l4;
    } else {
      end = writePayload(buf, start + 8, l4.payload);
    }
    if (end - start > 0xffff) throw new PodpathError('E_WRITER_SPEC', `UDP datagram of ${end - start} bytes is too long`);
    put16(buf, start + 4, end - start);
    return { end, inner };
  }
  if (l4.kind === 'tcp') {
    const optLen = l4.options ? (l4.options.length + 3) & ~3 : 0;
    put16(buf, start, l4.srcPort);
    put16(buf, start + 2, l4.dstPort);
    put32(buf, start + 4, (l4.seq ?? 0) >>> 0);
    put32(buf, start + 8, (l4.ack ?? 0) >>> 0);
    buf[start + 12] = ((20 + optLen) / 4) << 4;
    buf[start + 13] = l4.flags ?? 0x18;
    put16(buf, start + 14, l4.window ?? 64240);
    put16(buf, start + 16, 0);
    put16(buf, start + 18, 0);
    if (l4.options) {
      buf.fill(0, start + 20, start + 20 + optLen);
      buf.set(l4.options, start + 20);
    }
    return { end: writePayload(buf, start + 20 + optLen, l4.payload) };
  }
  buf[start] = l4.type ?? 8;
  buf[start + 1] = l4.code ?? 0;
  put16(buf, start + 2, 0);
  put16(buf, start + 4, l4.id ?? 0);
  put16(buf, start + 6, l4.seq ?? 0);
  return { end: writePayload(buf, start + 8, l4.payload) };
}

function finishL4Checksum(
  l4: L4Spec, buf: Uint8Array, start: number, end: number, srcOff: number, addrLen: number, proto: number,
  depth: number, ctx: BuildContext, inner: L4Written | undefined,
): L4Written {
  const field = start + (l4.kind === 'tcp' ? 16 : l4.kind === 'udp' ? 6 : 2);
  const layer: BuiltChecksum['layer'] = l4.kind === 'icmp' ? (addrLen === 4 ? 'icmp' : 'icmpv6') : l4.kind;
  const usesPseudo = layer !== 'icmp';
  const pseudo = usesPseudo ? pseudoHeaderSum(buf, srcOff, addrLen, proto, end - start) : 0;
  const mode = l4.checksum ?? 'correct';

  // The sum as the packet will be (inner checksum as written).
  let correct = internetChecksum(buf, start, end, pseudo);
  if (layer === 'udp' && correct === 0) correct = 0xffff;

  let value: number;
  let status: BuiltChecksum['status'] | undefined;
  switch (mode) {
    case 'correct':
      value = correct;
      break;
    case 'none':
      if (layer !== 'udp' || addrLen !== 4) throw new PodpathError('E_WRITER_SPEC', 'checksum "none" exists only for UDP over IPv4');
      value = 0;
      status = 'none';
      break;
    case 'wire':
      value = wrongValue(correct, ctx.random);
      break;
    case 'offload':
      if (!usesPseudo) throw new PodpathError('E_WRITER_SPEC', 'an offload checksum needs a pseudo-header (not ICMPv4)');
      value = foldSum(pseudo);
      break;
    case 'nat-ffff':
      value = 0xffff;
      break;
    case 'lco': {
      if (layer !== 'udp' || !inner) throw new PodpathError('E_WRITER_SPEC', 'an lco checksum needs a UDP tunnel around an inner UDP/TCP packet');
      // Sum with the inner checksum as it will be once filled in, then put the written one back.
      const written = (buf[inner.fieldOffset] << 8) | buf[inner.fieldOffset + 1];
      put16(buf, inner.fieldOffset, inner.correct);
      value = internetChecksum(buf, start, end, pseudo);
      if (value === 0) value = 0xffff;
      put16(buf, inner.fieldOffset, written);
      break;
    }
    default:
      value = mode.value & 0xffff;
      if (value === 0 && layer === 'udp' && addrLen === 4) status = 'none';
  }
  put16(buf, field, value);
  ctx.report?.push({ layer, depth, mode: modeName(mode), status: status ?? (equivalent(value, correct) ? 'ok' : 'bad'), value, expected: correct });
  return { fieldOffset: field, correct };
}

// ---------------------------------------------------------------------------------------------
// Capture files

export interface PcapFormat {
  format: 'pcap';
  /** Timestamp precision: microsecond (magic a1b2c3d4) or nanosecond (a1b23c4d). Default 'us'. */
  precision?: 'us' | 'ns';
  byteOrder?: 'le' | 'be';
  linkType?: number;
  snapLen?: number;
}

export interface PcapngInterface {
  linkType?: number;
  snapLen?: number;
  name?: string;
  /** if_tsresol as in the option byte: n for 10^-n seconds, 0x80|n for 2^-n. Omitted: 6, and no option written. */
  tsResol?: number;
}

export interface PcapngFormat {
  format: 'pcapng';
  byteOrder?: 'le' | 'be';
  /** Default: one Ethernet interface, microsecond timestamps. */
  interfaces?: PcapngInterface[];
}

export type CaptureFormat = PcapFormat | PcapngFormat;

export interface FrameRecord {
  tsSec: number;
  tsNsec: number;
  data: Uint8Array;
  /** Bytes captured, when less than data (default: data.length, cut at the snap length). */
  capLen?: number;
  /** Length on the wire (default: data.length). */
  origLen?: number;
  /** pcapng interface (default 0). */
  interfaceId?: number;
}

/** Receives each full chunk; the writer never touches a chunk again once handed over. */
export type ChunkSink = (chunk: Uint8Array) => void;

const DEFAULT_CHUNK = 1 << 20;
const DEFAULT_SNAPLEN = 262144;

interface TsUnit {
  /** Units per second, as a number when it fits exactly, else via bigint. */
  perSecond: number;
  binary: boolean;
}

function tsUnit(tsResol: number | undefined): TsUnit {
  const r = tsResol ?? 6;
  const exp = r & 0x7f;
  if (r & 0x80) {
    if (exp > 40) throw new PodpathError('E_WRITER_SPEC', `if_tsresol 2^-${exp} is too fine`);
    return { perSecond: 2 ** exp, binary: true };
  }
  if (exp > 9) throw new PodpathError('E_WRITER_SPEC', `if_tsresol 10^-${exp} is finer than nanoseconds`);
  return { perSecond: 10 ** exp, binary: false };
}

/**
 * Streams frames into a capture. Frames are appended to a chunk buffer handed to the sink when
 * full, so a million frames cost a few hundred writes, not a million.
 */
export class CaptureWriter {
  private chunk: Uint8Array;
  private view: DataView;
  private pos = 0;
  private readonly le: boolean;
  private readonly units: TsUnit[] = [];
  private readonly snapLens: number[] = [];
  private closed = false;
  /** Bytes handed to the sink so far, plus what is buffered. */
  get bytesWritten(): number {
    return this.flushed + this.pos;
  }
  private flushed = 0;
  frames = 0;

  constructor(private readonly sink: ChunkSink, readonly captureFormat: CaptureFormat, private readonly chunkSize = DEFAULT_CHUNK) {
    this.chunk = new Uint8Array(chunkSize);
    this.view = new DataView(this.chunk.buffer);
    this.le = (captureFormat.byteOrder ?? 'le') === 'le';
    if (captureFormat.format === 'pcap') this.writePcapHeader(captureFormat);
    else this.writePcapngHeader(captureFormat);
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.chunk.length) return;
    this.flush();
    if (n > this.chunk.length) {
      this.chunk = new Uint8Array(n);
      this.view = new DataView(this.chunk.buffer);
    }
  }

  /** Hands the buffered bytes to the sink. */
  flush(): void {
    if (this.pos === 0) return;
    const out = this.chunk.subarray(0, this.pos);
    this.flushed += this.pos;
    this.chunk = new Uint8Array(Math.max(this.chunkSize, 0));
    this.view = new DataView(this.chunk.buffer);
    this.pos = 0;
    this.sink(out);
  }

  private u16(v: number): void {
    this.view.setUint16(this.pos, v, this.le);
    this.pos += 2;
  }

  private u32(v: number): void {
    this.view.setUint32(this.pos, v >>> 0, this.le);
    this.pos += 4;
  }

  private writePcapHeader(f: PcapFormat): void {
    this.ensure(24);
    this.u32(f.precision === 'ns' ? 0xa1b23c4d : 0xa1b2c3d4);
    this.u16(2);
    this.u16(4);
    this.u32(0); // thiszone
    this.u32(0); // sigfigs
    this.u32(f.snapLen ?? DEFAULT_SNAPLEN);
    this.u32(f.linkType ?? LINKTYPE_ETHERNET);
    this.snapLens.push(f.snapLen ?? DEFAULT_SNAPLEN);
  }

  private writePcapngHeader(f: PcapngFormat): void {
    // Section Header Block, no options.
    this.ensure(28);
    this.u32(0x0a0d0d0a);
    this.u32(28);
    this.u32(0x1a2b3c4d);
    this.u16(1);
    this.u16(0);
    this.u32(0xffffffff); // section length -1: unknown
    this.u32(0xffffffff);
    this.u32(28);
    for (const itf of f.interfaces ?? [{}]) this.writeInterface(itf);
  }

  private writeInterface(itf: PcapngInterface): void {
    const name = itf.name === undefined ? undefined : new TextEncoder().encode(itf.name);
    let optLen = 0;
    if (name) optLen += 4 + ((name.length + 3) & ~3);
    if (itf.tsResol !== undefined) optLen += 8;
    if (optLen > 0) optLen += 4; // opt_endofopt
    const total = 20 + optLen;
    this.ensure(total);
    this.u32(1);
    this.u32(total);
    this.u16(itf.linkType ?? LINKTYPE_ETHERNET);
    this.u16(0);
    this.u32(itf.snapLen ?? DEFAULT_SNAPLEN);
    if (name) {
      this.u16(2); // if_name
      this.u16(name.length);
      this.chunk.set(name, this.pos);
      this.chunk.fill(0, this.pos + name.length, this.pos + ((name.length + 3) & ~3));
      this.pos += (name.length + 3) & ~3;
    }
    if (itf.tsResol !== undefined) {
      this.u16(9); // if_tsresol
      this.u16(1);
      this.chunk[this.pos] = itf.tsResol;
      this.chunk.fill(0, this.pos + 1, this.pos + 4);
      this.pos += 4;
    }
    if (optLen > 0) this.u32(0);
    this.u32(total);
    this.units.push(tsUnit(itf.tsResol));
    this.snapLens.push(itf.snapLen ?? DEFAULT_SNAPLEN);
  }

  /** Appends one frame. */
  write(rec: FrameRecord): void {
    if (this.closed) throw new PodpathError('E_WRITER_CLOSED', 'write after close');
    const itf = rec.interfaceId ?? 0;
    const snap = this.snapLens[itf];
    if (snap === undefined) throw new PodpathError('E_WRITER_SPEC', `no interface ${itf}`);
    const capLen = Math.min(rec.capLen ?? rec.data.length, rec.data.length, snap);
    const origLen = rec.origLen ?? rec.data.length;
    this.frames++;
    if (this.captureFormat.format === 'pcap') {
      this.ensure(16 + capLen);
      this.u32(rec.tsSec);
      this.u32(this.captureFormat.precision === 'ns' ? rec.tsNsec : Math.floor(rec.tsNsec / 1000));
      this.u32(capLen);
      this.u32(origLen);
      this.chunk.set(rec.data.subarray(0, capLen), this.pos);
      this.pos += capLen;
      return;
    }
    const padded = (capLen + 3) & ~3;
    const total = 32 + padded;
    this.ensure(total);
    const [hi, lo] = this.timestamp(this.units[itf], rec.tsSec, rec.tsNsec);
    this.u32(6);
    this.u32(total);
    this.u32(itf);
    this.u32(hi);
    this.u32(lo);
    this.u32(capLen);
    this.u32(origLen);
    this.chunk.set(rec.data.subarray(0, capLen), this.pos);
    this.chunk.fill(0, this.pos + capLen, this.pos + padded);
    this.pos += padded;
    this.u32(total);
  }

  private timestamp(u: TsUnit, sec: number, nsec: number): [number, number] {
    if (u.perSecond <= 1e6 && !u.binary) {
      // sec * 1e6 stays below 2^53 for any 32-bit seconds value: plain numbers are exact.
      const t = sec * u.perSecond + Math.floor((nsec * u.perSecond) / 1e9);
      return [Math.floor(t / 0x100000000), t % 0x100000000];
    }
    const t = BigInt(sec) * BigInt(u.perSecond) + (BigInt(nsec) * BigInt(u.perSecond)) / 1_000_000_000n;
    return [Number(t >> 32n), Number(t & 0xffffffffn)];
  }

  /** Flushes what is buffered; later writes fail. */
  close(): void {
    if (this.closed) return;
    this.flush();
    this.closed = true;
  }
}

/** Writes a capture to a file with synchronous writes (the fastest way for a generator). */
export function openCaptureFile(path: string, format: CaptureFormat, chunkSize = 4 * DEFAULT_CHUNK): CaptureWriter & { close(): void } {
  const fd = openSync(path, 'w');
  const writer = new CaptureWriter((chunk) => {
    let off = 0;
    while (off < chunk.length) off += writeSync(fd, chunk, off, chunk.length - off);
  }, format, chunkSize);
  const close = writer.close.bind(writer);
  let open = true;
  writer.close = () => {
    close();
    if (open) closeSync(fd);
    open = false;
  };
  return writer;
}

/**
 * Writes a capture to a stream. Call `await drained()` now and then (e.g. every 1000 frames) to
 * honour backpressure, and `await end()` at the end.
 */
export function captureToStream(stream: Writable, format: CaptureFormat, chunkSize = DEFAULT_CHUNK): CaptureWriter & { drained(): Promise<void>; end(): Promise<void> } {
  const writer = new CaptureWriter((chunk) => {
    stream.write(chunk);
  }, format, chunkSize) as CaptureWriter & { drained(): Promise<void>; end(): Promise<void> };
  writer.drained = () =>
    stream.writableNeedDrain ? new Promise<void>((resolve) => stream.once('drain', () => resolve())) : Promise.resolve();
  writer.end = async () => {
    writer.close();
    await new Promise<void>((resolve, reject) => {
      stream.once('error', reject);
      stream.end(() => resolve());
    });
  };
  return writer;
}

/** A whole capture in memory (for tests and small fixtures). */
export function encodeCapture(format: CaptureFormat, frames: Iterable<FrameRecord>): Uint8Array {
  const parts: Uint8Array[] = [];
  const w = new CaptureWriter((c) => parts.push(c), format, 64 * 1024);
  for (const f of frames) w.write(f);
  w.close();
  return Buffer.concat(parts);
}
