// Packets by size bucket per flow, and the largest packet of each flow, so that "nothing above
// N bytes ever appears" can be said. Sizes are IP total lengths (what an MTU limits).
import { F_FRAGMENT, F_L4_HEADER, L4_NAME, L4_OTHER, L4_TCP, L4_UDP, type FlatPacket } from '../decode/flat.js';
import { AddressTable } from './addresses.js';
import { FrameSet } from './frame-set.js';
import type { FlowSizes, SizeSummary } from '../../evidence/capture-summary.js';

/**
 * Upper bounds of the buckets, in bytes of IP total length. The edges that matter:
 * 1450 = VXLAN overlay MTU (1500 - 50), 1472 = 1500 - 28 (the largest ICMP/UDP payload at
 * MTU 1500, so an IP length of 1472 is a ping -s 1444), 1500 = Ethernet MTU, 9000 = jumbo.
 */
export const SIZE_BUCKETS = [128, 512, 1024, 1400, 1450, 1472, 1500, 9000] as const;
export const SIZE_BUCKET_LABELS = [...SIZE_BUCKETS.map((b) => `<=${b}`), '>9000'];
const MAX_FLOWS = 10_000;

export type { FlowSizes, SizeSummary };

function bucketBySearch(len: number): number {
  for (let i = 0; i < SIZE_BUCKETS.length; i++) if (len <= SIZE_BUCKETS[i]!) return i;
  return SIZE_BUCKETS.length;
}

/** Bucket of every length up to the largest edge, looked up in one step. */
const BUCKET_OF = Uint8Array.from({ length: SIZE_BUCKETS[SIZE_BUCKETS.length - 1] + 1 }, (_, len) => bucketBySearch(len));

export function bucketIndex(len: number): number {
  return len < BUCKET_OF.length && len >= 0 ? BUCKET_OF[len]! : bucketBySearch(len);
}

const TUNNEL_PORTS = new Uint8Array(65536);
for (const p of [4789, 8472, 6081]) TUNNEL_PORTS[p] = 1;

/** Open-addressing slots for the flow index: a power of two above MAX_FLOWS (at most 61% full). */
const SLOTS = 1 << 14;
const BUCKETS = SIZE_BUCKETS.length + 1;

// Per-flow record layout in `stats` (one flow = 16 doubles = two cache lines, so a packet
// touches its flow in one place instead of in eight arrays).
const PACKETS = 0;
const BYTES = 1;
const MAX_IP = 2;
const MAX_FRAME = 3;
const AT_MAX = 4;
/** -1: no UDP packet seen. */
const MAX_UDP = 5;
const FRAGMENTS = 6;
const BUCKET0 = 7;
const STRIDE = BUCKET0 + BUCKETS;

/**
 * Per-flow counters and a fixed hash index from (source id, destination id, protocol and port)
 * to the flow: no object, no Map lookup per packet. A slot is 4 words (key, source, destination,
 * flow) side by side. The table holds at most MAX_FLOWS flows; packets of further flows are only
 * counted (`otherFlows`).
 */
export class SizeAccumulator {
  private readonly slots = new Int32Array(SLOTS * 4).fill(-1);
  private readonly names: { src: number; dst: number; proto: string; port?: number; scope: 'outer' | 'inner' }[] = [];
  private readonly stats = new Float64Array(MAX_FLOWS * STRIDE);
  private otherFlows = 0;
  private readonly fragments = new FrameSet();

  constructor(private readonly addrs: AddressTable = new AddressTable()) {}

  /**
   * Level `l` of a decoded frame (0 the outer packet, 1 the one inside its tunnel; with IP), its
   * source and destination address ids.
   */
  add(f: FlatPacket, src: number, dst: number, l = 0): void {
    const kind = f.l4Kind[l]!;
    let port = 65536;
    if ((kind === L4_UDP || kind === L4_TCP) && (f.flags[l]! & F_L4_HEADER) !== 0) {
      const sp = f.srcPort[l]!;
      const dp = f.dstPort[l]!;
      port = f.tunnelKind[l] !== 0 || TUNNEL_PORTS[dp] !== 0 ? dp : sp < dp ? sp : dp;
    }
    // The level is part of the key: an inner flow never merges with an outer one.
    const key = (l * 256 + f.proto[l]!) * 65537 + port;
    const slots = this.slots;
    let slot = ((Math.imul(src, 0x9e3779b1) ^ Math.imul(dst, 0x85ebca6b) ^ Math.imul(key, 0xc2b2ae35)) >>> (32 - 14)) << 2;
    let i: number;
    while (true) {
      const k = slots[slot]!;
      if (k === key && slots[slot + 1] === src && slots[slot + 2] === dst) {
        i = slots[slot + 3]!;
        break;
      }
      if (k === -1) {
        if (this.names.length >= MAX_FLOWS) {
          this.otherFlows++;
          return;
        }
        i = this.names.length;
        const proto = kind !== 0 && kind !== L4_OTHER ? L4_NAME[kind]! : `ip${f.proto[l]!}`;
        this.names.push({ src, dst, proto, port: port !== 65536 ? port : undefined, scope: l === 0 ? 'outer' : 'inner' });
        slots[slot] = key;
        slots[slot + 1] = src;
        slots[slot + 2] = dst;
        slots[slot + 3] = i;
        this.stats[i * STRIDE + MAX_UDP] = -1;
        break;
      }
      slot = (slot + 4) & (SLOTS * 4 - 1);
    }
    const st = this.stats;
    const o = i * STRIDE;
    const len = f.totalLength[l]!;
    st[o + PACKETS]!++;
    st[o + BYTES]! += len;
    st[o + BUCKET0 + bucketIndex(len)]!++;
    const max = st[o + MAX_IP]!;
    if (len > max) {
      st[o + MAX_IP] = len;
      st[o + MAX_FRAME] = f.frameNumber;
      st[o + AT_MAX] = 1;
    } else if (len === max) st[o + AT_MAX]!++;
    if (kind === L4_UDP && f.l4Length[l]! > st[o + MAX_UDP]!) st[o + MAX_UDP] = f.l4Length[l]!;
    if (f.flags[l]! & F_FRAGMENT) {
      st[o + FRAGMENTS]!++;
      // A frame counts once, fragmented outside or inside.
      if (l === 0 || (f.flags[0]! & F_FRAGMENT) === 0) this.fragments.add(f.frameNumber);
    }
  }

  finish(): SizeSummary {
    const st = this.stats;
    const all: FlowSizes[] = this.names.map((n, i) => {
      const src = this.addrs.text(n.src);
      const dst = this.addrs.text(n.dst);
      const o = i * STRIDE;
      const flow: FlowSizes = {
        flow: `${src} > ${dst} ${n.proto}${n.port !== undefined ? `/${n.port}` : ''}`,
        scope: n.scope,
        src,
        dst,
        proto: n.proto,
        port: n.port,
        packets: st[o + PACKETS]!,
        bytes: st[o + BYTES]!,
        buckets: Array.from(st.subarray(o + BUCKET0, o + BUCKET0 + BUCKETS)),
        maxIpLength: st[o + MAX_IP]!,
        maxFrame: st[o + MAX_FRAME]!,
        atMax: st[o + AT_MAX]!,
        fragments: st[o + FRAGMENTS]!,
      };
      if (st[o + MAX_UDP]! >= 0) flow.maxUdpLength = st[o + MAX_UDP]!;
      return flow;
    });
    const flows = all.sort((a, b) => b.packets - a.packets);
    return { bucketLabels: SIZE_BUCKET_LABELS, flows, otherFlows: this.otherFlows, fragmentFrames: this.fragments.toJSON() };
  }
}
