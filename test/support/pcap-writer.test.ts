// The writer is checked against the real tools: tshark and tcpdump read what it writes, and both
// must agree with what the builder says it put in every field and every checksum.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { missingRequirement } from '../helpers/env.js';
import {
  buildFrame, captureToStream, encodeCapture, internetChecksum, LINKTYPE_RAW, parseIpv6, seededRandom,
  type BuiltChecksum, type CaptureFormat, type FrameRecord, type FrameSpec,
} from './pcap-writer.js';

const innerTcp = (checksum: 'correct' | 'offload' | 'wire'): FrameSpec => ({
  eth: { src: '0a:58:0a:f4:01:02', dst: '0a:58:0a:f4:02:03' },
  ip: { version: 4, src: '10.244.1.2', dst: '10.244.2.3', id: 4242, ttl: 63 },
  l4: { kind: 'tcp', srcPort: 40000, dstPort: 8080, seq: 1000, ack: 2000, flags: 0x18, window: 501, payload: 120, checksum },
});

// One frame per case podpath must tell apart; ports avoid ones tcpdump decodes as protocols.
const SPECS: FrameSpec[] = [
  { eth: {}, ip: { version: 4, src: '192.168.0.1', dst: '192.168.0.2', id: 1, ttl: 64 }, l4: { kind: 'udp', srcPort: 40001, dstPort: 5001, payload: 33 } },
  { eth: { vlans: [100] }, ip: { version: 4, src: '192.168.0.1', dst: '192.168.0.2', id: 2 }, l4: { kind: 'udp', srcPort: 40002, dstPort: 5002, payload: 64, checksum: 'none' } },
  { eth: {}, ip: { version: 4, src: '192.168.0.1', dst: '192.168.0.2', id: 3, headerChecksum: 'wire' }, l4: { kind: 'udp', srcPort: 40003, dstPort: 5003, payload: 7, checksum: 'wire' } },
  { eth: {}, ip: { version: 4, src: '192.168.0.3', dst: '192.168.0.4', id: 4 }, l4: { kind: 'udp', srcPort: 40004, dstPort: 5004, payload: 1000, checksum: 'offload' } },
  { eth: {}, ip: { version: 4, src: '192.168.0.3', dst: '192.168.0.4', id: 5, dontFragment: false }, l4: { kind: 'tcp', srcPort: 40005, dstPort: 5005, seq: 7, ack: 9, flags: 0x12, window: 1000, payload: 0 } },
  { eth: {}, ip: { version: 4, src: '192.168.0.3', dst: '192.168.0.4', id: 6 }, l4: { kind: 'tcp', srcPort: 40006, dstPort: 5006, seq: 0xfffffff0, ack: 1, payload: 1400, checksum: 'offload' } },
  { eth: {}, ip: { version: 4, src: '192.168.0.3', dst: '192.168.0.4', id: 7 }, l4: { kind: 'tcp', srcPort: 40007, dstPort: 5007, payload: 11, checksum: 'wire' } },
  { eth: {}, ip: { version: 4, src: '192.168.0.3', dst: '192.168.0.4', id: 8 }, l4: { kind: 'icmp', type: 8, id: 77, seq: 1, payload: 56 } },
  { eth: {}, ip: { version: 4, src: '192.168.0.3', dst: '192.168.0.4', id: 9 }, l4: { kind: 'icmp', type: 0, id: 77, seq: 1, payload: 56, checksum: 'wire' } },
  { eth: {}, ip: { version: 6, src: 'fd00::1', dst: 'fd00::2', hopLimit: 60 }, l4: { kind: 'udp', srcPort: 40010, dstPort: 5010, payload: 21 } },
  { eth: {}, ip: { version: 6, src: 'fd00::1', dst: 'fd00::2' }, l4: { kind: 'udp', srcPort: 40011, dstPort: 5011, payload: 21, checksum: 'offload' } },
  { eth: {}, ip: { version: 6, src: 'fd00::1', dst: 'fd00::2' }, l4: { kind: 'tcp', srcPort: 40012, dstPort: 5012, payload: 99, checksum: 'wire' } },
  { eth: {}, ip: { version: 6, src: 'fd00::1', dst: 'fd00::2' }, l4: { kind: 'icmp', type: 128, id: 3, seq: 4, payload: 16 } },
  { eth: {}, ip: { version: 6, src: 'fd00::1', dst: 'fd00::2' }, l4: { kind: 'icmp', type: 129, id: 3, seq: 4, payload: 16, checksum: 'wire' } },
  // Calico VXLAN: clean, then local checksum offload (outer right only once the inner is filled in).
  { eth: {}, ip: { version: 4, src: '10.10.72.11', dst: '10.10.72.10', id: 10 }, l4: { kind: 'udp', srcPort: 50000, dstPort: 4789, vxlan: { vni: 4096, inner: innerTcp('correct') } } },
  { eth: {}, ip: { version: 4, src: '10.10.72.11', dst: '10.10.72.10', id: 11 }, l4: { kind: 'udp', srcPort: 50001, dstPort: 4789, checksum: 'lco', vxlan: { vni: 4096, inner: innerTcp('offload') } } },
  // Seed 004: NATed VXLAN with 0xffff; flannel (8472) without outer sum, inner wire error (seed 000's receiver).
  { eth: {}, ip: { version: 4, src: '10.10.72.11', dst: '10.10.72.10', id: 12 }, l4: { kind: 'udp', srcPort: 50002, dstPort: 4789, checksum: 'nat-ffff', vxlan: { vni: 4096, inner: innerTcp('correct') } } },
  { eth: {}, ip: { version: 4, src: '10.10.50.166', dst: '10.10.50.169', id: 13 }, l4: { kind: 'udp', srcPort: 46543, dstPort: 8472, checksum: 'none', vxlan: { vni: 1, inner: { eth: {}, ip: { version: 4, src: '10.244.3.4', dst: '10.244.5.6', id: 99 }, l4: { kind: 'udp', srcPort: 40100, dstPort: 5100, payload: 3, checksum: 'wire' } } } } },
  { eth: {}, ip: { version: 4, src: '10.10.50.166', dst: '10.10.50.169', id: 14 }, l4: { kind: 'udp', srcPort: 46544, dstPort: 8472, checksum: 'wire', vxlan: { vni: 1, inner: innerTcp('correct') } } },
  { eth: {}, ip: { version: 6, src: 'fd00::a', dst: 'fd00::b' }, l4: { kind: 'udp', srcPort: 50003, dstPort: 4789, vxlan: { vni: 7, inner: { eth: {}, ip: { version: 6, src: 'fd10::1', dst: 'fd10::2' }, l4: { kind: 'udp', srcPort: 40101, dstPort: 5101, payload: 40, checksum: 'offload' } } } } },
];

interface Built {
  data: Uint8Array;
  report: BuiltChecksum[];
}

function buildAll(): Built[] {
  const random = seededRandom(2026);
  return SPECS.map((spec) => {
    const report: BuiltChecksum[] = [];
    const data = buildFrame(spec, { random, report });
    // Outer first, as both tools print them.
    return { data, report: [...report].sort((a, b) => a.depth - b.depth) };
  });
}

function records(built: Built[], interfaceOf: (i: number) => number = () => 0): FrameRecord[] {
  return built.map((b, i) => ({ tsSec: 1_700_000_000 + i, tsNsec: 123_456_789 + i, data: b.data, interfaceId: interfaceOf(i) }));
}

const TSHARK_FIELDS = [
  'frame.number', 'frame.time_epoch', 'frame.len', 'frame.cap_len', 'eth.src', 'eth.dst', 'vlan.id',
  'ip.src', 'ip.dst', 'ip.ttl', 'ip.id', 'ip.len', 'ip.flags.df', 'ip.checksum', 'ip.checksum.status',
  'ipv6.src', 'ipv6.dst', 'ipv6.hlim', 'ipv6.plen',
  'udp.srcport', 'udp.dstport', 'udp.length', 'udp.checksum', 'udp.checksum.status',
  'tcp.srcport', 'tcp.dstport', 'tcp.seq_raw', 'tcp.ack_raw', 'tcp.flags', 'tcp.window_size_value', 'tcp.len', 'tcp.checksum', 'tcp.checksum.status',
  'icmp.type', 'icmp.checksum', 'icmp.checksum.status', 'icmpv6.type', 'icmpv6.checksum', 'icmpv6.checksum.status', 'vxlan.vni',
] as const;
type Field = (typeof TSHARK_FIELDS)[number];

const TSHARK_STATUS = { bad: '0', ok: '1', none: '3' } as const;
const hex = (v: number): string => `0x${v.toString(16).padStart(4, '0')}`;
const ipv6Text = (s: string): string => {
  // tshark prints the compressed form; our specs already use it. Check it parses, to catch typos.
  parseIpv6(s);
  return s;
};

/** What tshark must print for one frame, derived from the spec and the builder's checksum report. */
function expectedTshark(spec: FrameSpec, b: Built, number: number, time: string, capLen: number): Record<Field, string> {
  const acc: Partial<Record<Field, string[]>> = {};
  const add = (f: Field, v: string | number): void => {
    (acc[f] ??= []).push(String(v));
  };
  add('frame.number', number);
  add('frame.time_epoch', time);
  add('frame.len', b.data.length);
  add('frame.cap_len', capLen);
  const sums = [...b.report];
  const walk = (s: FrameSpec, start: number): void => {
    let off = start;
    if (s.eth) {
      add('eth.src', String(s.eth.src ?? '02:00:00:00:00:01'));
      add('eth.dst', String(s.eth.dst ?? '02:00:00:00:00:02'));
      for (const v of s.eth.vlans ?? []) add('vlan.id', v);
      off += 14 + 4 * (s.eth.vlans?.length ?? 0);
    }
    const ip = s.ip;
    // IPv4 total length, or IPv6 payload length.
    const lenOff = off + (ip.version === 4 ? 2 : 4);
    const ipLen = (b.data[lenOff] << 8) | b.data[lenOff + 1];
    if (ip.version === 4) {
      add('ip.src', String(ip.src));
      add('ip.dst', String(ip.dst));
      add('ip.ttl', ip.ttl ?? 64);
      add('ip.id', hex(ip.id ?? 0));
      add('ip.len', ipLen);
      add('ip.flags.df', ip.dontFragment === false ? 0 : 1);
      const c = sums.shift()!;
      expect(c.layer).toBe('ip');
      add('ip.checksum', hex(c.value));
      add('ip.checksum.status', TSHARK_STATUS[c.status]);
    } else {
      add('ipv6.src', ipv6Text(String(ip.src)));
      add('ipv6.dst', ipv6Text(String(ip.dst)));
      add('ipv6.hlim', ip.hopLimit ?? 64);
      add('ipv6.plen', ipLen);
    }
    const l4 = s.l4;
    const c = sums.shift()!;
    if (l4.kind === 'udp') {
      add('udp.srcport', l4.srcPort);
      add('udp.dstport', l4.dstPort);
      add('udp.checksum', hex(c.value));
      add('udp.checksum.status', TSHARK_STATUS[c.status]);
      const l4Off = off + (ip.version === 4 ? 20 : 40);
      add('udp.length', (b.data[l4Off + 4] << 8) | b.data[l4Off + 5]);
      if (l4.vxlan) {
        add('vxlan.vni', l4.vxlan.vni);
        walk(l4.vxlan.inner, l4Off + 16);
      }
    } else if (l4.kind === 'tcp') {
      add('tcp.srcport', l4.srcPort);
      add('tcp.dstport', l4.dstPort);
      add('tcp.seq_raw', l4.seq ?? 0);
      add('tcp.ack_raw', l4.ack ?? 0);
      add('tcp.flags', hex(l4.flags ?? 0x18));
      add('tcp.window_size_value', l4.window ?? 64240);
      add('tcp.len', typeof l4.payload === 'number' ? l4.payload : (l4.payload?.length ?? 0));
      add('tcp.checksum', hex(c.value));
      add('tcp.checksum.status', TSHARK_STATUS[c.status]);
    } else {
      const p = ip.version === 4 ? 'icmp' : 'icmpv6';
      add(`${p}.type`, l4.type ?? 8);
      add(`${p}.checksum`, hex(c.value));
      add(`${p}.checksum.status`, TSHARK_STATUS[c.status]);
    }
  };
  walk(spec, 0);
  const out = {} as Record<Field, string>;
  for (const f of TSHARK_FIELDS) out[f] = (acc[f] ?? []).join(',');
  return out;
}

function runTshark(file: string): Record<Field, string>[] {
  const out = execFileSync('tshark', [
    '-r', file, '-n', '-d', 'udp.port==8472,vxlan',
    '-o', 'ip.check_checksum:TRUE', '-o', 'udp.check_checksum:TRUE', '-o', 'tcp.check_checksum:TRUE',
    '-o', 'tcp.relative_sequence_numbers:FALSE',
    '-T', 'fields', ...TSHARK_FIELDS.flatMap((f) => ['-e', f]),
  ], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  return out.trimEnd().split('\n').map((line) => {
    const cols = line.split('\t');
    const row = {} as Record<Field, string>;
    TSHARK_FIELDS.forEach((f, i) => {
      row[f] = cols[i] ?? '';
    });
    return row;
  });
}

/** The checksum verdicts tcpdump -vv prints for a frame, in order (it says nothing of good IPv4 header and ICMP sums). */
function expectedTcpdumpVerdicts(b: Built): string[] {
  const out: string[] = [];
  for (const c of b.report) {
    if ((c.layer === 'ip' || c.layer === 'icmp') && c.status === 'ok') continue;
    out.push(c.status === 'bad' ? `${c.layer} bad ${hex(c.value)} -> ${hex(c.expected)}` : `${c.layer} ${c.status}`);
  }
  return out;
}

const TCPDUMP_VERDICT = new RegExp([
  String.raw`bad cksum (?<ipGot>[0-9a-f]+) \(->(?<ipWant>[0-9a-f]+)\)!`,
  String.raw`\[udp sum ok\]`, String.raw`\[no cksum\]`,
  String.raw`\[bad udp cksum 0x(?<udpGot>[0-9a-f]+) -> 0x(?<udpWant>[0-9a-f]+)!\]`,
  String.raw`cksum 0x[0-9a-f]+ \(correct\)`,
  String.raw`cksum 0x(?<tcpGot>[0-9a-f]+) \(incorrect -> 0x(?<tcpWant>[0-9a-f]+)\)`,
  String.raw`wrong icmp cksum (?<icmpGot>[0-9a-f]+) \(->(?<icmpWant>[0-9a-f]+)\)!`,
  String.raw`\[icmp6 sum ok\]`,
  String.raw`\[bad icmp6 cksum 0x(?<i6Got>[0-9a-f]+) -> 0x(?<i6Want>[0-9a-f]+)!\]`,
].join('|'), 'g');

function parseTcpdumpVerdicts(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(TCPDUMP_VERDICT)) {
    const g = m.groups ?? {};
    const bad = (layer: string, got: string, want: string): string => `${layer} bad ${hex(parseInt(got, 16))} -> ${hex(parseInt(want, 16))}`;
    if (g.ipGot) out.push(bad('ip', g.ipGot, g.ipWant));
    else if (g.udpGot) out.push(bad('udp', g.udpGot, g.udpWant));
    else if (g.tcpGot) out.push(bad('tcp', g.tcpGot, g.tcpWant));
    else if (g.icmpGot) out.push(bad('icmp', g.icmpGot, g.icmpWant));
    else if (g.i6Got) out.push(bad('icmpv6', g.i6Got, g.i6Want));
    else if (m[0] === '[udp sum ok]') out.push('udp ok');
    else if (m[0] === '[no cksum]') out.push('udp none');
    else if (m[0] === '[icmp6 sum ok]') out.push('icmpv6 ok');
    else out.push('tcp ok');
  }
  return out;
}

/** tcpdump -tt --nano output split into one text per frame: [timestamp, text]. */
function runTcpdump(file: string): Array<[string, string]> {
  const out = execFileSync('tcpdump', ['-vv', '-nn', '-tt', '--nano', '-r', file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  return out.split(/^(?=\d+\.\d{9} )/m).filter((s) => s.trim() !== '').map((s) => [s.slice(0, s.indexOf(' ')), s]);
}

const toolsMissing = missingRequirement({ tools: ['tshark', 'tcpdump'] });
const dir = mkdtempSync(join(tmpdir(), 'pp-writer-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('checksum helpers', () => {
  it('computes the RFC 1071 example', () => {
    // RFC 1071 section 3: the words 0001 f203 f4f5 f6f7 sum to ddf2 (folded); the checksum is its complement.
    expect(internetChecksum(Uint8Array.from([0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7]), 0, 8)).toBe(~0xddf2 & 0xffff);
  });

  it('reports each fault as bad with the value that would verify', () => {
    const built = buildAll();
    const modes = built.flatMap((b) => b.report.filter((c) => c.status === 'bad').map((c) => c.mode));
    expect(new Set(modes)).toEqual(new Set(['wire', 'offload', 'lco', 'nat-ffff']));
    for (const c of built.flatMap((b) => b.report)) {
      if (c.mode === 'correct') expect(c.status).toBe('ok');
      if (c.mode === 'offload' || c.mode === 'wire') expect(c.status).toBe('bad');
    }
  });

  it('offload: a NIC completing the sum over the L4 bytes (no pseudo-header) gets the right value', () => {
    const b = buildAll()[5]; // IPv4 TCP, offload
    const c = b.report[1];
    expect(c).toMatchObject({ layer: 'tcp', mode: 'offload', status: 'bad' });
    expect(internetChecksum(b.data, 14 + 20, b.data.length)).toBe(c.expected);
  });

  it('lco: the outer sum verifies once the inner checksum is filled in', () => {
    const b = buildAll()[15]; // VXLAN 4789, outer lco, inner TCP offload
    const [outerIp, outerUdp, innerIp, innerTcp] = b.report;
    expect([outerIp.status, outerUdp.mode, outerUdp.status, innerIp.status, innerTcp.mode]).toEqual(['ok', 'lco', 'bad', 'ok', 'offload']);
    const fixed = b.data.slice();
    const innerTcpField = 14 + 20 + 8 + 8 + 14 + 20 + 16;
    fixed[innerTcpField] = innerTcp.expected >> 8;
    fixed[innerTcpField + 1] = innerTcp.expected & 0xff;
    // Verify the outer UDP sum: pseudo-header (addresses, proto, length) plus the datagram sums to 0xffff.
    const udpStart = 14 + 20;
    const pseudo = [26, 28, 30, 32].reduce((acc, o) => acc + ((fixed[o] << 8) | fixed[o + 1]), 0) + 17 + (fixed.length - udpStart);
    expect(internetChecksum(fixed, udpStart, fixed.length, pseudo)).toBe(0);
    expect(internetChecksum(b.data, udpStart, b.data.length, pseudo)).not.toBe(0);
  });

  it('refuses modes that do not apply', () => {
    expect(() => buildFrame({ ip: { version: 6, src: 'fd00::1', dst: 'fd00::2' }, l4: { kind: 'udp', srcPort: 1, dstPort: 2, checksum: 'none' } })).toThrow(/only for UDP over IPv4/);
    expect(() => buildFrame({ ip: { version: 4, src: '1.2.3.4', dst: '1.2.3.5' }, l4: { kind: 'udp', srcPort: 1, dstPort: 2, checksum: 'lco' } })).toThrow(/lco/);
    expect(() => buildFrame({ ip: { version: 4, src: '1.2.3.999', dst: '1.2.3.5' }, l4: { kind: 'icmp' } })).toThrow(/IPv4 address/);
  });
});

const FORMATS: Array<[string, CaptureFormat, 'us' | 'ns']> = [
  ['pcap, microseconds, little-endian', { format: 'pcap' }, 'us'],
  ['pcap, nanoseconds, big-endian', { format: 'pcap', precision: 'ns', byteOrder: 'be' }, 'ns'],
  ['pcapng, default resolution, big-endian', { format: 'pcapng', byteOrder: 'be', interfaces: [{ name: 'eth0' }] }, 'us'],
  ['pcapng, if_tsresol 9, two interfaces', { format: 'pcapng', interfaces: [{ name: 'eth0', tsResol: 9 }, { name: 'eth1', tsResol: 9 }] }, 'ns'],
];

describe.skipIf(toolsMissing)('captures read by tshark and tcpdump', () => {
  const built = buildAll();

  for (const [name, format, precision] of FORMATS) {
    it(`${name}: tshark and tcpdump agree on every field and checksum verdict`, () => {
      const file = join(dir, `${name.replace(/\W+/g, '-')}.${format.format}`);
      writeFileSync(file, encodeCapture(format, records(built, (i) => (format.format === 'pcapng' && format.interfaces?.length === 2 ? i % 2 : 0))));

      const time = (i: number): string => {
        const nsec = 123_456_789 + i;
        const frac = precision === 'us' ? Math.floor(nsec / 1000) * 1000 : nsec;
        return `${1_700_000_000 + i}.${String(frac).padStart(9, '0')}`;
      };

      const rows = runTshark(file);
      expect(rows).toHaveLength(SPECS.length);
      rows.forEach((row, i) => expect(row, `tshark frame ${i + 1}`).toEqual(expectedTshark(SPECS[i], built[i], i + 1, time(i), built[i].data.length)));

      const frames = runTcpdump(file);
      expect(frames).toHaveLength(SPECS.length);
      frames.forEach(([ts, text], i) => {
        expect(ts, `tcpdump frame ${i + 1}`).toBe(time(i));
        expect(parseTcpdumpVerdicts(text), `tcpdump frame ${i + 1}: ${text}`).toEqual(expectedTcpdumpVerdicts(built[i]));
      });
    });
  }

  it('cuts frames at the snap length and keeps the wire length; raw IP on a second interface (tshark)', () => {
    const data = built[3].data; // 1000-byte UDP payload
    const raw = buildFrame({ ip: { version: 4, src: '192.0.2.1', dst: '192.0.2.2', id: 5 }, l4: { kind: 'udp', srcPort: 40000, dstPort: 5000, payload: 10 } });
    const file = join(dir, 'snap.pcapng');
    writeFileSync(file, encodeCapture({ format: 'pcapng', interfaces: [{ snapLen: 128 }, { linkType: LINKTYPE_RAW }] }, [
      { tsSec: 10, tsNsec: 0, data },
      { tsSec: 11, tsNsec: 0, data, capLen: 60 },
      { tsSec: 12, tsNsec: 0, data: raw, interfaceId: 1 },
    ]));
    const rows = runTshark(file);
    expect(rows.map((r) => [r['frame.len'], r['frame.cap_len'], r['udp.checksum.status'], r['ip.src']])).toEqual([
      [String(data.length), '128', '2', '192.168.0.3'], // unverifiable: the datagram is cut
      [String(data.length), '60', '2', '192.168.0.3'],
      [String(raw.length), String(raw.length), '1', '192.0.2.1'],
    ]);
  });

  it('streams to a Writable with the same bytes as in memory', async () => {
    const format: CaptureFormat = { format: 'pcapng', interfaces: [{ tsResol: 9 }] };
    const stream = new PassThrough();
    const parts: Buffer[] = [];
    stream.on('data', (c: Buffer) => parts.push(c));
    const w = captureToStream(stream, format, 256);
    for (const r of records(built)) {
      w.write(r);
      await w.drained();
    }
    await w.end();
    expect(Buffer.concat(parts).equals(Buffer.from(encodeCapture(format, records(built))))).toBe(true);
  });
});
