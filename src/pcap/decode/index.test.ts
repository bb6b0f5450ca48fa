import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { decodeFrame } from './index.js';
import { readCapture } from '../reader/index.js';
import type { DecodedPacket, RawFrame } from '../types.js';

const FIXTURES = join(import.meta.dirname, '../../../test/fixtures/pcap');
const CORPUS_VXLAN = join(FIXTURES, 'vxlan.pcap'); // tcpdump's own test capture

async function framesOf(path: string): Promise<RawFrame[]> {
  const out: RawFrame[] = [];
  // Copy the bytes: the reader's view is only valid during the callback.
  await readCapture(path, (f) => out.push({ ...f, data: Uint8Array.from(f.data) }));
  return out;
}

function frame(linkType: number, bytes: number[] | Uint8Array, origLen?: number): RawFrame {
  const data = Uint8Array.from(bytes);
  return { frameNumber: 1, tsSec: 0, tsNsec: 0, linkType, interfaceId: 0, capLen: data.length, origLen: origLen ?? data.length, fileOffset: 0, data };
}

// --- independent builders (a naive checksum, not the one under test) -------------------
function naiveSum(bytes: number[]): number {
  let s = 0;
  for (let i = 0; i < bytes.length; i += 2) s += (bytes[i] << 8) + (bytes[i + 1] ?? 0);
  while (s > 0xffff) s = (s & 0xffff) + Math.floor(s / 0x10000);
  return s;
}
function ipv4(proto: number, payload: number[], o: { src?: number[]; dst?: number[]; frag?: number; id?: number } = {}): number[] {
  const src = o.src ?? [10, 0, 0, 1];
  const dst = o.dst ?? [10, 0, 0, 2];
  const len = 20 + payload.length;
  const id = o.id ?? 0x1234;
  const h = [0x45, 0, len >> 8, len & 0xff, id >> 8, id & 0xff, (o.frag ?? 0) >> 8, (o.frag ?? 0) & 0xff, 64, proto, 0, 0, ...src, ...dst];
  const c = ~naiveSum(h) & 0xffff;
  h[10] = c >> 8;
  h[11] = c & 0xff;
  return [...h, ...payload];
}
function udp(sport: number, dport: number, data: number[], pseudo?: { src: number[]; dst: number[] }): number[] {
  const len = 8 + data.length;
  const u = [sport >> 8, sport & 0xff, dport >> 8, dport & 0xff, len >> 8, len & 0xff, 0, 0, ...data];
  if (pseudo) {
    let c = ~naiveSum([...pseudo.src, ...pseudo.dst, 0, 17, len >> 8, len & 0xff, ...u]) & 0xffff;
    if (c === 0) c = 0xffff;
    u[6] = c >> 8;
    u[7] = c & 0xff;
  }
  return u;
}
const ETH = [2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2];

describe('decodeFrame on real captures', () => {
  it('decodes tcpdump -i any (LINUX_SLL2) frames made here, VXLAN inside included', async () => {
    const frames = await framesOf(join(FIXTURES, 'sll2-any.pcap'));
    const pkts = frames.map((f) => decodeFrame(f));
    expect(pkts.every((p) => p.linkType === 276 && p.note === undefined)).toBe(true);
    // tcpdump: "2 ... ifb0 Out IP ... 10.250.0.1.35888 > 10.250.0.2.4789: ... VXLAN ... vni 42 / ARP"
    expect(pkts[1]).toMatchObject({
      etherType: 0x0800,
      ip: { version: 4, src: '10.250.0.1', dst: '10.250.0.2', proto: 17, ttl: 64, id: 2032, totalLength: 78 },
      l4: { kind: 'udp', srcPort: 35888, dstPort: 4789, checksum: { status: 'bad', got: 0x1642, expected: 0x1456, cause: 'offload' } },
      tunnel: { kind: 'vxlan', vni: 42, inner: { etherType: 0x0806 } },
    });
    // "5 ... Out IP (... flags [DF], proto ICMP (1), length 84) 10.251.0.1 > 10.251.0.2: ICMP echo request"
    expect(pkts[4]).toMatchObject({ ip: { src: '10.251.0.1', dst: '10.251.0.2', dontFragment: true }, l4: { kind: 'icmp', icmp: { type: 8, code: 0 }, checksum: { status: 'ok' } } });
    expect(pkts.filter((p) => p.tunnel).length).toBe(22); // frames tcpdump prints with "VXLAN"
  });

  it('decodes tcpdump\'s vxlan.pcap down to the inner ICMP echo', async () => {
    const [first] = await framesOf(CORPUS_VXLAN);
    const p = decodeFrame(first);
    expect(p).toMatchObject({
      ip: { src: '192.168.203.1', dst: '192.168.202.1' },
      l4: { kind: 'udp', srcPort: 45149, dstPort: 4789, checksum: { status: 'none', got: 0 } },
      tunnel: { kind: 'vxlan', vni: 100, inner: { etherType: 0x0800, ip: { src: '192.168.203.3', dst: '192.168.203.5' }, l4: { kind: 'icmp', icmp: { type: 8 } } } },
    });
    expect(p.truncated).toBe(false);
  });

  it('explains the sums of a veth + vxlan capture with tx offload: offload, and LCO on the outer UDP', async () => {
    const pkts = (await framesOf(join(FIXTURES, 'vxlan-veth-offload.pcap'))).map((f) => decodeFrame(f));
    // Inner ICMP (not offloaded): the outer UDP sum is left partial by the device offload.
    expect(pkts[2].tunnel?.inner.l4?.checksum?.status).toBe('ok');
    expect(pkts[2].l4?.checksum).toMatchObject({ status: 'bad', cause: 'offload' });
    // Inner TCP partial; the outer UDP was computed by LCO (tcpdump: 0x7b0e -> 0xd718, 0x1627 -> 0x7231).
    expect(pkts[12].tunnel?.inner.l4?.checksum).toEqual({ status: 'bad', got: 0x1627, expected: 0x7231, cause: 'offload' });
    expect(pkts[12].l4?.checksum).toEqual({ status: 'bad', got: 0x7b0e, expected: 0xd718, cause: 'lco' });
    // The partial sum is the pseudo-header sum folded, NOT complemented: 10.251.0.1 > 10.251.0.2,
    // TCP, length 40 (SYN with options): 0x0afb + 0x0001 + 0x0afb + 0x0002 + 6 + 40 = 0x1627.
    expect(naiveSum([10, 251, 0, 1, 10, 251, 0, 2, 0, 6, 0, 40])).toBe(0x1627);
  });

  it('classifies an outer VXLAN UDP sum of 0xffff (seed 004, none NATed to 0xffff) as wire', async () => {
    const [first] = await framesOf(CORPUS_VXLAN);
    const data = Uint8Array.from(first.data);
    data[14 + 20 + 6] = 0xff;
    data[14 + 20 + 7] = 0xff;
    const p = decodeFrame({ ...first, data });
    expect(p.l4?.checksum).toMatchObject({ status: 'bad', got: 0xffff, cause: 'wire' });
    expect(p.tunnel?.inner.l4?.checksum?.status).toBe('ok');
  });

  it('keeps nanosecond timestamps', async () => {
    const frames = await framesOf(join(FIXTURES, 'vxlan-nano.pcap'));
    expect(frames.some((f) => f.tsNsec % 1000 !== 0)).toBe(true);
    expect(decodeFrame(frames[0]).tsNsec).toBe(frames[0].tsNsec);
  });
});

describe('decodeFrame on crafted frames', () => {
  const SRC = [10, 0, 0, 1];
  const DST = [10, 0, 0, 2];
  const dgram = ipv4(17, udp(5000, 53, [1, 2, 3], { src: SRC, dst: DST }));

  it('reads NULL in either byte order, LOOP in network order, RAW, IPv4 and IPv6 link types', () => {
    for (const hdr of [[2, 0, 0, 0], [0, 0, 0, 2]]) expect(decodeFrame(frame(0, [...hdr, ...dgram])).l4?.checksum?.status).toBe('ok');
    expect(decodeFrame(frame(108, [0, 0, 0, 2, ...dgram])).ip?.src).toBe('10.0.0.1');
    for (const lt of [101, 228, 12]) expect(decodeFrame(frame(lt, dgram)).l4).toMatchObject({ kind: 'udp', srcPort: 5000, dstPort: 53 });
    const v6 = [0x60, 0, 0, 0, 0, 0, 59, 64, ...new Array(15).fill(0), 1, 0xfe, 0x80, ...new Array(13).fill(0), 2];
    for (const [lt, hdr] of [[229, []], [108, [0, 0, 0, 30]], [0, [28, 0, 0, 0]]] as [number, number[]][]) {
      expect(decodeFrame(frame(lt, [...hdr, ...v6])).ip).toMatchObject({ version: 6, src: '::1', dst: 'fe80::2', proto: 59 });
    }
  });

  it('notes an unsupported link type and a truncated header instead of throwing', () => {
    expect(decodeFrame(frame(147, [1, 2, 3]))).toMatchObject({ note: 'unsupported link type 147', truncated: false });
    const cut = decodeFrame(frame(1, [...ETH, 8, 0, 0x45, 0, 0], 200));
    expect(cut).toMatchObject({ truncated: true, note: 'IPv4 header truncated', etherType: 0x0800 });
    expect(decodeFrame(frame(1, []))).toMatchObject({ truncated: true });
  });

  it('walks 802.1Q / QinQ stacks', () => {
    const p = decodeFrame(frame(1, [...ETH, 0x88, 0xa8, 0, 100, 0x81, 0x00, 0x20, 200, 8, 0, ...dgram]));
    expect(p.vlanIds).toEqual([100, 200]);
    expect(p.l4?.checksum?.status).toBe('ok');
  });

  it('checks UDP sums: none when 0 over IPv4, bad with the expected value, unverifiable when cut or fragmented', () => {
    const none = ipv4(17, udp(1, 2, [9]));
    expect(decodeFrame(frame(101, none)).l4?.checksum).toEqual({ status: 'none', got: 0 });
    const bad = [...dgram];
    bad[27] ^= 0x10;
    const v = decodeFrame(frame(101, bad)).l4?.checksum;
    expect(v).toMatchObject({ status: 'bad', cause: 'wire' });
    expect(v?.expected).toBe((dgram[26] << 8) | dgram[27]);
    expect(decodeFrame(frame(101, dgram.slice(0, 29), dgram.length)).l4?.checksum?.status).toBe('unverifiable');
    const first = decodeFrame(frame(101, ipv4(17, udp(5000, 53, [1, 2, 3], { src: SRC, dst: DST }), { frag: 0x2000 })));
    expect(first.ip?.fragment).toEqual({ offset: 0, more: true });
    expect(first.l4?.checksum?.status).toBe('unverifiable');
    const later = decodeFrame(frame(101, ipv4(17, [1, 2, 3, 4], { frag: 0x0002 })));
    expect(later.ip?.fragment).toEqual({ offset: 16, more: false });
    expect(later.l4).toBeUndefined();
  });

  it('reports a bad IPv4 header checksum like tcpdump (bad cksum X (->Y))', () => {
    const bad = [...dgram];
    bad[10] = 0;
    bad[11] = 0;
    expect(decodeFrame(frame(101, bad)).ip?.headerChecksum).toEqual({ status: 'bad', got: 0, expected: (dgram[10] << 8) | dgram[11], cause: 'wire' });
  });

  it('walks IPv6 extension headers (hop-by-hop, destination options, fragment) to the L4 header', () => {
    const src = [0x20, 0x01, 0x0d, 0xb8, ...new Array(11).fill(0), 1];
    const dst = [0x20, 0x01, 0x0d, 0xb8, ...new Array(11).fill(0), 2];
    const icmp = [128, 0, 0, 0, 0, 1, 0, 1]; // echo request
    const len = icmp.length;
    const c = ~naiveSum([...src, ...dst, 0, 0, 0, len, 0, 0, 0, 58, ...icmp]) & 0xffff;
    icmp[2] = c >> 8;
    icmp[3] = c & 0xff;
    const hbh = [60, 0, 1, 4, 0, 0, 0, 0];
    const dopts = [44, 0, 1, 4, 0, 0, 0, 0];
    const frag = [58, 0, 0, 0, 0xde, 0xad, 0xbe, 0xef];
    const payload = [...hbh, ...dopts, ...frag, ...icmp];
    const p = decodeFrame(frame(229, [0x60, 0, 0, 0, 0, payload.length, 0, 64, ...src, ...dst, ...payload]));
    expect(p.ip).toMatchObject({ version: 6, src: '2001:db8::1', dst: '2001:db8::2', proto: 58, headerLength: 64, id: 0xdeadbeef, fragment: { offset: 0, more: false } });
    expect(p.l4).toMatchObject({ kind: 'icmpv6', icmp: { type: 128, code: 0 }, checksum: { status: 'ok' } });
  });

  it('decodes Geneve (options, IPv4 payload) and VXLAN on an extra port; checksums can be off', () => {
    const inner = ipv4(17, udp(7, 9, [0xaa], { src: [192, 168, 0, 1], dst: [192, 168, 0, 2] }), { src: [192, 168, 0, 1], dst: [192, 168, 0, 2] });
    const geneve = [0x01, 0, 0x08, 0x00, 0, 0x12, 0x34, 0, 1, 2, 3, 4, ...inner];
    const p = decodeFrame(frame(101, ipv4(17, udp(40000, 6081, geneve))));
    expect(p.tunnel).toMatchObject({ kind: 'geneve', vni: 0x1234, inner: { ip: { src: '192.168.0.1' }, l4: { kind: 'udp', checksum: { status: 'ok' } } } });
    const vx = [0x08, 0, 0, 0, 0, 0, 7, 0, ...ETH, 8, 0, ...inner];
    expect(decodeFrame(frame(101, ipv4(17, udp(40000, 9999, vx)))).tunnel).toBeUndefined();
    const custom = decodeFrame(frame(101, ipv4(17, udp(40000, 9999, vx))), { vxlanPorts: [9999], checksums: false });
    expect(custom.tunnel).toMatchObject({ kind: 'vxlan', vni: 7, inner: { l4: { kind: 'udp', srcPort: 7 } } });
    expect(custom.tunnel?.inner.l4?.checksum).toBeUndefined();
    expect(custom.ip?.headerChecksum).toBeUndefined();
  });

  it('calls a bad outer VXLAN sum unknown when the inner sum cannot be verified, wire otherwise', () => {
    const innerFragment = ipv4(17, udp(7, 9, [1, 2, 3, 4], { src: SRC, dst: DST }), { frag: 0x2000 });
    const vx = [0x08, 0, 0, 0, 0, 0, 7, 0, ...ETH, 8, 0, ...innerFragment];
    const outer = ipv4(17, udp(40000, 4789, vx, { src: SRC, dst: DST }));
    expect(decodeFrame(frame(101, outer)).l4?.checksum?.status).toBe('ok');
    outer[26] ^= 0x01; // corrupt the outer UDP sum
    const p = decodeFrame(frame(101, outer));
    expect(p.tunnel?.inner.l4?.checksum?.status).toBe('unverifiable');
    expect(p.l4?.checksum).toMatchObject({ status: 'bad', cause: 'unknown' });
    const whole = ipv4(17, udp(40000, 4789, [0x08, 0, 0, 0, 0, 0, 7, 0, ...ETH, 8, 0, ...ipv4(17, udp(7, 9, [1]))], { src: SRC, dst: DST }));
    whole[26] ^= 0x01;
    expect(decodeFrame(frame(101, whole)).l4?.checksum).toMatchObject({ status: 'bad', cause: 'wire' });
  });

  it('decodes TCP fields', () => {
    const tcp = [0x1f, 0x90, 0x00, 0x50, 0, 0, 0, 1, 0, 0, 0, 2, 0x50, 0x12, 0xff, 0xff, 0, 0, 0, 0, 1, 2, 3];
    const p: DecodedPacket = decodeFrame(frame(101, ipv4(6, tcp)));
    expect(p.l4).toMatchObject({ kind: 'tcp', srcPort: 8080, dstPort: 80, length: 3, tcp: { flags: 0x12, seq: 1, ack: 2, window: 0xffff, payloadLength: 3 } });
    expect(p.l4?.checksum?.status).toBe('bad');
  });
});
