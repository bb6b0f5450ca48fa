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
} from '../test/support/pcap-writer.js';

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
  version: 2;
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

  // Traffic is a pool of long-lived flows per kind, as on a real node: each packet belongs to one
  // of a few hundred connections (seq/ack advancing), and now and then a connection ends and a
  // new one starts with a SYN / SYN-ACK / ACK handshake. Tools that track flows (tcpdump's
  // relative sequence numbers, tshark's conversations) then work as they would on a real capture.
  interface Flow {
    tcp: boolean;
    v4: boolean;
    a: Uint8Array;
    b: Uint8Array;
    aPort: number;
    bPort: number;
    aSeq: number;
    bSeq: number;
    /** 0: SYN next, 1: SYN-ACK next, 2: ACK next, 3: established. */
    state: number;
    tunnel?: { port: number; nodeA: Uint8Array; nodeB: Uint8Array; outerPort: number };
  }
  const newFlow = (tcpFlow: boolean, v4: boolean, tunnelPort?: number): Flow => {
    const inPod = tunnelPort !== undefined;
    const addrs = v4 ? (inPod ? pods4 : nodes4) : inPod ? pods6 : hosts6;
    return {
      tcp: tcpFlow, v4, a: pick(addrs), b: pick(addrs), aPort: int(32768, 60999), bPort: pick(tcpFlow ? TCP_PORTS : UDP_PORTS),
      aSeq: int(0, 0xffffffff), bSeq: int(0, 0xffffffff), state: tcpFlow ? 0 : 3,
      tunnel: inPod ? { port: tunnelPort, nodeA: pick(nodes4), nodeB: pick(nodes4), outerPort: int(32768, 60999) } : undefined,
    };
  };
  const pool = (n: number, make: () => Flow): Flow[] => Array.from({ length: n }, make);
  const POOL = 256;
  const flows = {
    tcp4: pool(POOL, () => newFlow(true, true)),
    tcp6: pool(POOL / 4, () => newFlow(true, false)),
    udp4: pool(POOL / 2, () => newFlow(false, true)),
    udp6: pool(POOL / 4, () => newFlow(false, false)),
    vxlan4789: pool(POOL, () => newFlow(rnd() < 0.75, rnd() < 0.85, 4789)),
    vxlan8472: pool(POOL, () => newFlow(rnd() < 0.75, rnd() < 0.85, 8472)),
  };
  const P_NEW_CONNECTION = 0.002;

  /** The next packet of a random flow of the pool: which way it goes and its L4 header. */
  const flowPacket = (flowsOfKind: Flow[], maxPayload: number): { flow: Flow; fromA: boolean; l4: L4Spec } => {
    const i = Math.floor(rnd() * flowsOfKind.length);
    let flow = flowsOfKind[i];
    if (flow.tcp && flow.state === 3 && rnd() < P_NEW_CONNECTION) flow = flowsOfKind[i] = newFlow(true, flow.v4, flow.tunnel?.port);
    if (!flow.tcp) {
      const fromA = rnd() < 0.6;
      return { flow, fromA, l4: { kind: 'udp', srcPort: fromA ? flow.aPort : flow.bPort, dstPort: fromA ? flow.bPort : flow.aPort, payload: int(8, Math.min(1400, maxPayload)), checksum: l4Checksum(flow.v4) } };
    }
    let fromA: boolean;
    let flags: number;
    let payload = 0;
    if (flow.state < 3) {
      fromA = flow.state !== 1;
      flags = flow.state === 0 ? 0x02 : flow.state === 1 ? 0x12 : 0x10;
      flow.state++;
    } else {
      fromA = rnd() < 0.5;
      const r = rnd();
      payload = r < 0.4 ? 0 : r < 0.7 ? maxPayload : int(1, maxPayload);
      flags = payload === 0 ? 0x10 : 0x18;
    }
    const seq = fromA ? flow.aSeq : flow.bSeq;
    const ack = fromA ? flow.bSeq : flow.aSeq;
    // SYN and FIN take one sequence number, data its length.
    const advance = (flags & 0x02 ? 1 : 0) + payload;
    if (fromA) flow.aSeq = (flow.aSeq + advance) >>> 0;
    else flow.bSeq = (flow.bSeq + advance) >>> 0;
    return {
      flow, fromA,
      l4: { kind: 'tcp', srcPort: fromA ? flow.aPort : flow.bPort, dstPort: fromA ? flow.bPort : flow.aPort, seq, ack: flags === 0x02 ? 0 : ack, flags, window: 502, payload, checksum: l4Checksum(false) },
    };
  };
  const ipv4 = (src: Uint8Array, dst: Uint8Array, ttl = 64): FrameSpec['ip'] => ({ version: 4, src, dst, ttl, id: int(0, 0xffff), headerChecksum: ipChecksum() });
  const ipOf = (flow: Flow, fromA: boolean, ttl: number): FrameSpec['ip'] => {
    const [src, dst] = fromA ? [flow.a, flow.b] : [flow.b, flow.a];
    return flow.v4 ? ipv4(src, dst, ttl) : { version: 6, src, dst, hopLimit: ttl };
  };

  const plain = (flowsOfKind: Flow[]): FrameSpec => {
    const { flow, fromA, l4 } = flowPacket(flowsOfKind, 1448);
    return { eth: {}, ip: ipOf(flow, fromA, 64), l4 };
  };
  const tunnelled = (flowsOfKind: Flow[], outerMode: () => ChecksumMode, vni: number): FrameSpec => {
    // Inner packets fit the 1450-byte overlay MTU.
    const i = flowPacket(flowsOfKind, 1398);
    const t = i.flow.tunnel!;
    if (!i.flow.v4 && typeof i.l4.payload === 'number') i.l4.payload = Math.min(i.l4.payload, 1378);
    const mode = outerMode();
    if (mode === 'lco') i.l4.checksum = 'offload';
    const inner: FrameSpec = { eth: {}, ip: ipOf(i.flow, i.fromA, 63), l4: i.l4 };
    const [src, dst] = i.fromA ? [t.nodeA, t.nodeB] : [t.nodeB, t.nodeA];
    return { eth: {}, ip: ipv4(src, dst), l4: { kind: 'udp', srcPort: t.outerPort, dstPort: t.port, checksum: mode, vxlan: { vni, inner } } };
  };

  const next = (kind: TrafficKind): FrameSpec => {
    switch (kind) {
      case 'tcp4':
      case 'tcp6':
      case 'udp4':
      case 'udp6':
        return plain(flows[kind]);
      case 'icmp4':
        return { eth: {}, ip: ipv4(pick(nodes4), pick(nodes4)), l4: { kind: 'icmp', type: pick([0, 8]), id: int(0, 0xffff), seq: int(0, 0xffff), payload: 56, checksum: rnd() < P_WIRE ? 'wire' : 'correct' } };
      case 'icmp6':
        return { eth: {}, ip: { version: 6, src: pick(hosts6), dst: pick(hosts6) }, l4: { kind: 'icmp', type: pick([128, 129]), id: int(0, 0xffff), seq: int(0, 0xffff), payload: 56, checksum: l4Checksum(false) } };
      case 'vxlan4789':
        return tunnelled(flows.vxlan4789, () => {
          const r = rnd();
          return r < P_LCO ? 'lco' : r < P_LCO + P_NAT_FFFF ? 'nat-ffff' : r < 0.5 ? 'none' : l4Checksum(false);
        }, 4096);
      case 'vxlan8472':
        // flannel sends no outer checksum unless asked; a few carry one, a few of those wrong.
        return tunnelled(flows.vxlan8472, () => (rnd() < 0.9 ? 'none' : l4Checksum(false)), 1);
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
    generator: 'bench/gen-capture.ts', version: 2, file: opts.out, format, seed, packets: opts.packets, fileBytes: 0, frameBytes: 0,
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
