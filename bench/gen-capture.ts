// Generates a large synthetic capture for the pcap benchmark: plain TCP/UDP/ICMP over IPv4 and
// IPv6, and Calico (4789) and flannel (8472) VXLAN traffic, of various sizes, with a known number
// of bad checksums of each kind. Writes FILE and FILE.expected.json (the counts a checker must find).
//
//   npx tsx bench/gen-capture.ts [--packets N] [--out FILE] [--seed S] [--format pcap|pcapng]
import { statSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import {
  buildFrameInto, MAX_FRAME, openCaptureFile, parseIpv4, parseIpv6, seededRandom,
  type BuiltChecksum, type ChecksumMode, type FrameSpec, type L4Spec,
} from '../src/pcap/writer.js';

export interface GenerateOptions {
  packets: number;
  out: string;
  seed?: number;
  format?: 'pcap' | 'pcapng';
}

type Layer = BuiltChecksum['layer'];
type Counts = Record<Layer, number>;

export interface ExpectedCounts {
  generator: 'bench/gen-capture.ts';
  version: 1;
  file: string;
  format: 'pcap' | 'pcapng';
  seed: number;
  packets: number;
  /** Bytes of the file, and bytes of frames in it. */
  fileBytes: number;
  frameBytes: number;
  traffic: Record<TrafficKind, number>;
  /** Bad checksums of every layer, outer and inner together (what tshark and tcpdump count). */
  bad: Counts;
  /** Bad checksums by depth: outer packets, and inside a VXLAN tunnel. */
  badOuter: Counts;
  badInner: Counts;
  /** Every checksum field: `${depth}/${layer}/${status}/${mode}` -> count. */
  fields: Record<string, number>;
}

type TrafficKind = 'tcp4' | 'tcp6' | 'udp4' | 'udp6' | 'icmp4' | 'icmp6' | 'vxlan4789' | 'vxlan8472';

// Share of each kind of traffic, in per mille.
const MIX: Array<[TrafficKind, number]> = [
  ['tcp4', 330], ['tcp6', 90], ['udp4', 150], ['udp6', 50], ['icmp4', 30], ['icmp6', 20], ['vxlan4789', 200], ['vxlan8472', 130],
];

// Per checksum field, the chance of each fault (the rest are right).
const P_WIRE = 0.004;
const P_OFFLOAD = 0.01;
const P_IP_WIRE = 0.002;
const P_LCO = 0.005; // of Calico VXLAN packets: outer lco over an inner offload sum
const P_NAT_FFFF = 0.003; // of Calico VXLAN packets (seed 004)

// Destination ports that tcpdump prints as plain TCP/UDP (no protocol decoder on them).
const TCP_PORTS = [5001, 5201, 8080, 9100, 10250, 6443];
const UDP_PORTS = [5001, 5201, 7777, 9999];

/** A pool of addresses, parsed once (the builder takes bytes as they are). */
function hosts(prefix: string, n: number): Uint8Array[] {
  return Array.from({ length: n }, (_, i) => (prefix.includes(':') ? parseIpv6 : parseIpv4)(`${prefix}${i + 1}`));
}

export function generateCapture(opts: GenerateOptions): ExpectedCounts {
  const seed = opts.seed ?? 1;
  const format = opts.format ?? 'pcap';
  const rnd = seededRandom(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
  const int = (lo: number, hi: number): number => lo + Math.floor(rnd() * (hi - lo + 1));

  const nodes4 = hosts('10.10.72.', 16);
  const pods4 = hosts('10.244.1.', 32).concat(hosts('10.244.2.', 32));
  const hosts6 = hosts('fd00::', 16);
  const pods6 = hosts('fd10::', 16);

  const l4Checksum = (allowNone: boolean): ChecksumMode => {
    const r = rnd();
    if (r < P_WIRE) return 'wire';
    if (r < P_WIRE + P_OFFLOAD) return 'offload';
    if (allowNone && r < P_WIRE + P_OFFLOAD + 0.01) return 'none';
    return 'correct';
  };
  const ipChecksum = (): ChecksumMode => (rnd() < P_IP_WIRE ? 'wire' : 'correct');

  const tcp = (): L4Spec => {
    const r = rnd();
    const payload = r < 0.4 ? 0 : r < 0.7 ? 1448 : int(1, 1448);
    return { kind: 'tcp', srcPort: int(32768, 60999), dstPort: pick(TCP_PORTS), seq: int(0, 0xffffffff), ack: int(0, 0xffffffff), flags: payload === 0 ? 0x10 : 0x18, window: int(100, 65535), payload, checksum: l4Checksum(false) };
  };
  const udp = (v4: boolean): L4Spec => ({ kind: 'udp', srcPort: int(32768, 60999), dstPort: pick(UDP_PORTS), payload: int(8, 1400), checksum: l4Checksum(v4) });
  const inner = (): FrameSpec => {
    const v4 = rnd() < 0.85;
    const l4 = rnd() < 0.75 ? tcp() : udp(v4);
    // Inner packets fit the 1450-byte overlay MTU.
    if (l4.payload !== undefined && typeof l4.payload === 'number') l4.payload = Math.min(l4.payload, v4 ? 1398 : 1378);
    return v4
      ? { eth: {}, ip: { version: 4, src: pick(pods4), dst: pick(pods4), id: int(0, 0xffff), ttl: 63, headerChecksum: ipChecksum() }, l4 }
      : { eth: {}, ip: { version: 6, src: pick(pods6), dst: pick(pods6), hopLimit: 63 }, l4 };
  };

  const next = (kind: TrafficKind): FrameSpec => {
    switch (kind) {
      case 'tcp4':
      case 'udp4':
        return { eth: {}, ip: { version: 4, src: pick(nodes4), dst: pick(nodes4), id: int(0, 0xffff), headerChecksum: ipChecksum() }, l4: kind === 'tcp4' ? tcp() : udp(true) };
      case 'tcp6':
      case 'udp6':
        return { eth: {}, ip: { version: 6, src: pick(hosts6), dst: pick(hosts6) }, l4: kind === 'tcp6' ? tcp() : udp(false) };
      case 'icmp4':
        return { eth: {}, ip: { version: 4, src: pick(nodes4), dst: pick(nodes4), id: int(0, 0xffff), headerChecksum: ipChecksum() }, l4: { kind: 'icmp', type: pick([0, 8]), id: int(0, 0xffff), seq: int(0, 0xffff), payload: 56, checksum: rnd() < P_WIRE ? 'wire' : 'correct' } };
      case 'icmp6':
        return { eth: {}, ip: { version: 6, src: pick(hosts6), dst: pick(hosts6) }, l4: { kind: 'icmp', type: pick([128, 129]), id: int(0, 0xffff), seq: int(0, 0xffff), payload: 56, checksum: l4Checksum(false) } };
      case 'vxlan4789': {
        const r = rnd();
        const outerMode: ChecksumMode = r < P_LCO ? 'lco' : r < P_LCO + P_NAT_FFFF ? 'nat-ffff' : r < 0.5 ? 'none' : l4Checksum(false);
        const innerSpec = inner();
        if (outerMode === 'lco') innerSpec.l4.checksum = 'offload';
        return { eth: {}, ip: { version: 4, src: pick(nodes4), dst: pick(nodes4), id: int(0, 0xffff), headerChecksum: ipChecksum() }, l4: { kind: 'udp', srcPort: int(32768, 60999), dstPort: 4789, checksum: outerMode, vxlan: { vni: 4096, inner: innerSpec } } };
      }
      case 'vxlan8472':
        // flannel sends no outer checksum unless asked; a few carry one, a few of those wrong.
        return { eth: {}, ip: { version: 4, src: pick(nodes4), dst: pick(nodes4), id: int(0, 0xffff), headerChecksum: ipChecksum() }, l4: { kind: 'udp', srcPort: int(32768, 60999), dstPort: 8472, checksum: rnd() < 0.9 ? 'none' : l4Checksum(false), vxlan: { vni: 1, inner: inner() } } };
    }
  };

  const cumulative: Array<[TrafficKind, number]> = [];
  let total = 0;
  for (const [k, w] of MIX) cumulative.push([k, (total += w)]);
  const chooseKind = (): TrafficKind => {
    const r = rnd() * total;
    for (const [k, c] of cumulative) if (r < c) return k;
    return cumulative[cumulative.length - 1][0];
  };

  const zero = (): Counts => ({ ip: 0, udp: 0, tcp: 0, icmp: 0, icmpv6: 0 });
  const expected: ExpectedCounts = {
    generator: 'bench/gen-capture.ts', version: 1, file: opts.out, format, seed, packets: opts.packets, fileBytes: 0, frameBytes: 0,
    traffic: { tcp4: 0, tcp6: 0, udp4: 0, udp6: 0, icmp4: 0, icmp6: 0, vxlan4789: 0, vxlan8472: 0 },
    bad: zero(), badOuter: zero(), badInner: zero(), fields: {},
  };
  const fields = new Map<string, number>();

  const writer = openCaptureFile(opts.out, format === 'pcap' ? { format: 'pcap', precision: 'ns' } : { format: 'pcapng', interfaces: [{ name: 'eth0', tsResol: 9 }] });
  const scratch = new Uint8Array(MAX_FRAME + 128);
  const report: BuiltChecksum[] = [];
  const build = { random: rnd, report };
  let sec = 1_763_000_000;
  let nsec = 0;
  try {
    for (let i = 0; i < opts.packets; i++) {
      const kind = chooseKind();
      expected.traffic[kind]++;
      report.length = 0;
      const len = buildFrameInto(next(kind), scratch, 0, build);
      nsec += int(1_000, 20_000);
      if (nsec >= 1e9) {
        sec++;
        nsec -= 1e9;
      }
      writer.write({ tsSec: sec, tsNsec: nsec, data: scratch.subarray(0, len) });
      expected.frameBytes += len;
      for (const c of report) {
        const key = `${c.depth}/${c.layer}/${c.status}/${c.mode}`;
        fields.set(key, (fields.get(key) ?? 0) + 1);
        if (c.status === 'bad') {
          expected.bad[c.layer]++;
          (c.depth === 0 ? expected.badOuter : expected.badInner)[c.layer]++;
        }
      }
    }
  } finally {
    writer.close();
  }
  expected.fields = Object.fromEntries([...fields].sort(([a], [b]) => a.localeCompare(b)));
  expected.fileBytes = statSync(opts.out).size;
  writeFileSync(`${opts.out}.expected.json`, JSON.stringify(expected, null, 2) + '\n');
  return expected;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      packets: { type: 'string', default: '1000000' },
      out: { type: 'string', default: 'bench/out/capture.pcap' },
      seed: { type: 'string', default: '1' },
      format: { type: 'string', default: 'pcap' },
    },
  });
  const format = values.format === 'pcapng' ? 'pcapng' : 'pcap';
  const { mkdirSync } = await import('node:fs');
  const { dirname } = await import('node:path');
  mkdirSync(dirname(values.out), { recursive: true });
  const t0 = process.hrtime.bigint();
  const e = generateCapture({ packets: Number(values.packets), out: values.out, seed: Number(values.seed), format });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  console.log(`${values.out}: ${e.packets} packets, ${(e.fileBytes / 1e6).toFixed(1)} MB in ${(ms / 1000).toFixed(1)} s; bad ${JSON.stringify(e.bad)}`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
