// Packets by size bucket per flow, and the largest packet of each flow, so that "nothing above
// N bytes ever appears" can be said. Sizes are IP total lengths (what an MTU limits).
import { F_FRAGMENT, F_L4_HEADER, L4_NAME, L4_OTHER, L4_TCP, L4_UDP, type FlatPacket } from '../decode/flat.js';
import { AddressTable } from './addresses.js';
import { makeFinding, type Finding } from './findings.js';
import { FrameSet, type FrameSetJson } from './frame-set.js';

/**
 * Upper bounds of the buckets, in bytes of IP total length. The edges that matter:
 * 1450 = VXLAN overlay MTU (1500 - 50), 1472 = 1500 - 28 (the largest ICMP/UDP payload at
 * MTU 1500, so an IP length of 1472 is a ping -s 1444), 1500 = Ethernet MTU, 9000 = jumbo.
 */
export const SIZE_BUCKETS = [128, 512, 1024, 1400, 1450, 1472, 1500, 9000] as const;
export const SIZE_BUCKET_LABELS = [...SIZE_BUCKETS.map((b) => `<=${b}`), '>9000'];
const NOTABLE_EDGES = [1400, 1450, 1472, 1480, 1500, 8950, 9000];
const MAX_FLOWS = 10_000;

export interface FlowSizes {
  /** `src > dst proto/port`: port is the tunnel or the lower (service) port. */
  flow: string;
  src: string;
  dst: string;
  proto: string;
  port?: number;
  packets: number;
  bytes: number;
  buckets: number[];
  maxIpLength: number;
  maxFrame: number;
  /** Largest UDP length field (a first fragment carries the whole datagram's). */
  maxUdpLength?: number;
  /** Packets at exactly maxIpLength. */
  atMax: number;
  fragments: number;
}

export interface SizeSummary {
  bucketLabels: string[];
  flows: FlowSizes[];
  /** Flows past the cap, lumped together. */
  otherFlows: number;
  fragmentFrames: FrameSetJson;
}

export function bucketIndex(len: number): number {
  for (let i = 0; i < SIZE_BUCKETS.length; i++) if (len <= SIZE_BUCKETS[i]!) return i;
  return SIZE_BUCKETS.length;
}

const TUNNEL_PORTS = new Uint8Array(65536);
for (const p of [4789, 8472, 6081]) TUNNEL_PORTS[p] = 1;

/** Open-addressing slots for the flow index: a power of two, at least twice MAX_FLOWS. */
const SLOTS = 1 << 15;
const BUCKETS = SIZE_BUCKETS.length + 1;

/**
 * Per-flow counters as columns (flow index -> value) and a fixed hash index from (source id,
 * destination id, protocol and port) to the flow: no object, no Map lookup per packet. The table
 * holds at most MAX_FLOWS flows; packets of further flows are only counted (`otherFlows`).
 */
export class SizeAccumulator {
  private readonly slotSrc = new Int32Array(SLOTS);
  private readonly slotDst = new Int32Array(SLOTS);
  private readonly slotKey = new Int32Array(SLOTS).fill(-1);
  private readonly slotFlow = new Int32Array(SLOTS);
  private readonly names: { src: number; dst: number; proto: string; port?: number }[] = [];
  private readonly packets = new Float64Array(MAX_FLOWS);
  private readonly bytes = new Float64Array(MAX_FLOWS);
  private readonly buckets = new Float64Array(MAX_FLOWS * BUCKETS);
  private readonly maxIp = new Float64Array(MAX_FLOWS);
  private readonly maxFrame = new Float64Array(MAX_FLOWS);
  private readonly atMax = new Float64Array(MAX_FLOWS);
  /** -1: no UDP packet seen. */
  private readonly maxUdp = new Float64Array(MAX_FLOWS).fill(-1);
  private readonly fragmentCount = new Float64Array(MAX_FLOWS);
  private otherFlows = 0;
  private readonly fragments = new FrameSet();

  constructor(private readonly addrs: AddressTable = new AddressTable()) {}

  /** The outer packet of a decoded frame (with IP), its source and destination address ids. */
  add(f: FlatPacket, src: number, dst: number): void {
    const kind = f.l4Kind[0]!;
    let port = 65536;
    if ((kind === L4_UDP || kind === L4_TCP) && (f.flags[0]! & F_L4_HEADER) !== 0) {
      const sp = f.srcPort[0]!;
      const dp = f.dstPort[0]!;
      port = f.tunnelKind[0] !== 0 || TUNNEL_PORTS[dp] !== 0 ? dp : sp < dp ? sp : dp;
    }
    const key = f.proto[0]! * 65537 + port;
    let slot = (Math.imul(src, 0x9e3779b1) ^ Math.imul(dst, 0x85ebca6b) ^ Math.imul(key, 0xc2b2ae35)) >>> (32 - 15);
    let i: number;
    while (true) {
      const k = this.slotKey[slot]!;
      if (k === key && this.slotSrc[slot] === src && this.slotDst[slot] === dst) {
        i = this.slotFlow[slot]!;
        break;
      }
      if (k === -1) {
        if (this.names.length >= MAX_FLOWS) {
          this.otherFlows++;
          return;
        }
        i = this.names.length;
        const proto = kind !== 0 && kind !== L4_OTHER ? L4_NAME[kind]! : `ip${f.proto[0]!}`;
        this.names.push({ src, dst, proto, port: port !== 65536 ? port : undefined });
        this.slotKey[slot] = key;
        this.slotSrc[slot] = src;
        this.slotDst[slot] = dst;
        this.slotFlow[slot] = i;
        break;
      }
      slot = (slot + 1) & (SLOTS - 1);
    }
    const len = f.totalLength[0]!;
    this.packets[i]!++;
    this.bytes[i]! += len;
    this.buckets[i * BUCKETS + bucketIndex(len)]!++;
    const max = this.maxIp[i]!;
    if (len > max) {
      this.maxIp[i] = len;
      this.maxFrame[i] = f.frameNumber;
      this.atMax[i] = 1;
    } else if (len === max) this.atMax[i]!++;
    if (kind === L4_UDP && f.l4Length[0]! > this.maxUdp[i]!) this.maxUdp[i] = f.l4Length[0]!;
    if (f.flags[0]! & F_FRAGMENT) {
      this.fragmentCount[i]!++;
      this.fragments.add(f.frameNumber);
    }
  }

  finish(): SizeSummary {
    const all: FlowSizes[] = this.names.map((n, i) => {
      const src = this.addrs.text(n.src);
      const dst = this.addrs.text(n.dst);
      const flow: FlowSizes = {
        flow: `${src} > ${dst} ${n.proto}${n.port !== undefined ? `/${n.port}` : ''}`,
        src,
        dst,
        proto: n.proto,
        port: n.port,
        packets: this.packets[i]!,
        bytes: this.bytes[i]!,
        buckets: Array.from(this.buckets.subarray(i * BUCKETS, (i + 1) * BUCKETS)),
        maxIpLength: this.maxIp[i]!,
        maxFrame: this.maxFrame[i]!,
        atMax: this.atMax[i]!,
        fragments: this.fragmentCount[i]!,
      };
      if (this.maxUdp[i]! >= 0) flow.maxUdpLength = this.maxUdp[i]!;
      return flow;
    });
    const flows = all.sort((a, b) => b.packets - a.packets);
    return { bucketLabels: SIZE_BUCKET_LABELS, flows, otherFlows: this.otherFlows, fragmentFrames: this.fragments.toJSON() };
  }
}

export function sizeFindings(sum: SizeSummary, file?: string): Finding[] {
  const findings: Finding[] = [];
  // A flow that keeps hitting the same ceiling at an MTU edge: the path or the sender caps it.
  for (const f of sum.flows) {
    if (f.packets < 20 || !NOTABLE_EDGES.includes(f.maxIpLength)) continue;
    if (f.atMax < Math.max(3, f.packets * 0.05)) continue;
    findings.push(
      makeFinding({
        id: 'size-ceiling',
        severity: 'info',
        file,
        message: `${f.flow}: nothing above ${f.maxIpLength} bytes (IP) ever appears, and ${f.atMax} of ${f.packets} packets are exactly that size: something caps this flow at ${f.maxIpLength} (MTU ${f.maxIpLength}${f.proto === 'udp' ? `, UDP payload ${f.maxIpLength - 28}` : ''})`,
        detail: 'If larger packets are sent and never arrive, compare with a capture on the sender (`podpath pcap diff`): a device dropping larger packets shows there as loss above this size.',
        zh: {
          message: `${f.flow}：从未出现大于 ${f.maxIpLength} 字节（IP）的报文，${f.packets} 个中有 ${f.atMax} 个正好是这个大小：有东西把该流限制在 ${f.maxIpLength} 字节`,
          detail: '若发送了更大的报文却始终收不到，请与发送端的抓包对比（`podpath pcap diff`）：丢弃大包的设备会表现为超过该大小的报文全部丢失。',
        },
        filter: f.src.includes(":") ? `ipv6.src == ${f.src} && ipv6.dst == ${f.dst} && ipv6.plen == ${f.maxIpLength - 40}` : `ip.src == ${f.src} && ip.dst == ${f.dst} && ip.len == ${f.maxIpLength}`,
      }),
    );
  }
  if (sum.fragmentFrames.count > 0) {
    const flows = sum.flows.filter((f) => f.fragments > 0);
    findings.push(
      makeFinding({
        id: 'size-fragments',
        severity: 'info',
        file,
        message: `${sum.fragmentFrames.count} IP fragments (${flows.slice(0, 3).map((f) => f.flow).join('; ')}): datagrams larger than the path MTU; a device that drops fragments or large UDP loses these datagrams whole`,
        frames: sum.fragmentFrames,
        fallbackFilter: 'ip.flags.mf == 1 || ip.frag_offset > 0',
        zh: { message: `${sum.fragmentFrames.count} 个 IP 分片：数据报大于路径 MTU；丢弃分片或大 UDP 的设备会让这些数据报整个丢失` },
      }),
    );
  }
  return findings;
}
