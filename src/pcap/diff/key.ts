// What identifies one packet at both ends of a path: fields nobody on the way changes.
// TTL, the IP header checksum and (for VXLAN) the outer addresses and ports may change (routing,
// NAT of the outer header as in seed 004), so they stay out of the key; for a tunnel the inner
// headers, which the underlay never touches, carry the identity instead.
import type { DecodedPacket, PacketLayers } from '../types.js';

export interface KeyOptions {
  /** Leave addresses and ports out of the key of untunnelled packets (NAT between the captures). */
  nat?: boolean;
}

/**
 * Two independent 32-bit hashes of a packet's identity, mixed from numbers (no key string is
 * built: this runs for every packet of both captures). The first indexes, the second confirms.
 * Addresses enter as ids from `addrId` (an interning table shared by both captures).
 */
export class KeyHasher {
  h1 = 0;
  h2 = 0;

  constructor(
    private readonly addrId: (addr: string) => number,
    private readonly opts: KeyOptions = {},
  ) {}

  private mix(x: number): void {
    this.h1 = Math.imul(this.h1 ^ x, 0x01000193);
    this.h1 ^= this.h1 >>> 13;
    this.h2 = Math.imul(this.h2 ^ x, 0x5bd1e995);
    this.h2 ^= this.h2 >>> 15;
  }

  private layers(l: PacketLayers, withAddrs: boolean, withPorts: boolean): void {
    const ip = l.ip;
    if (!ip) {
      this.mix(0x7fff0001);
      return;
    }
    this.mix(ip.version * 256 + ip.proto);
    this.mix(ip.id ?? -1);
    this.mix(ip.totalLength);
    this.mix(ip.fragment ? ip.fragment.offset * 2 + (ip.fragment.more ? 1 : 0) : -1);
    if (withAddrs) {
      this.mix(this.addrId(ip.src));
      this.mix(this.addrId(ip.dst));
    }
    const l4 = l.l4;
    if (l4 && !(ip.fragment && ip.fragment.offset > 0)) {
      if (withPorts) this.mix((l4.srcPort ?? 0) * 65536 + (l4.dstPort ?? 0));
      this.mix(l4.length);
      if (l4.tcp) {
        this.mix(l4.tcp.seq);
        this.mix(l4.tcp.ack);
        this.mix(l4.tcp.flags);
      }
      if (l4.icmp) this.mix(l4.icmp.type * 256 + l4.icmp.code);
    }
  }

  /** Hashes the packet into h1/h2; false for non-IP frames. */
  hash(pkt: DecodedPacket): boolean {
    if (!pkt.ip) return false;
    this.h1 = 0x811c9dc5;
    this.h2 = 0x01000193;
    if (pkt.tunnel) {
      // Outer: only what the sender set and NAT keeps (IP ID, length); the inner packet whole.
      this.mix(1);
      this.layers(pkt, false, false);
      this.mix(pkt.tunnel.vni);
      this.layers(pkt.tunnel.inner, true, true);
    } else {
      this.mix(2);
      this.layers(pkt, !this.opts.nat, !this.opts.nat);
    }
    this.h1 >>>= 0;
    this.h2 >>>= 0;
    return true;
  }
}

/**
 * The size that decides whether a device drops a datagram: the whole datagram's IP length,
 * also for a first fragment (its UDP length field covers the datagram), and offset + length for
 * later fragments (exact for the last one).
 */
export function datagramSize(l: PacketLayers): number {
  const ip = l.ip;
  if (!ip) return 0;
  if (ip.fragment) {
    if (ip.fragment.offset === 0 && l.l4?.kind === 'udp') return ip.headerLength + l.l4.length;
    return ip.headerLength + ip.fragment.offset + (ip.totalLength - ip.headerLength);
  }
  return ip.totalLength;
}

/** Fields that must arrive as sent (TTL and the IP header checksum may change; these may not). */
export interface Invariants {
  /** Outer L4 checksum value, -1 when absent. */
  l4Checksum: number;
  /** 0 ok/none/unverifiable, 1 bad on the wire or unexplained, 2 bad but an offload artefact. */
  l4Bad: number;
  innerIpChecksum: number;
  innerL4Checksum: number;
  /** The inner L4 sum is an offload artefact (partial) in this capture. */
  innerArtefact: boolean;
  innerTtl: number;
}

function badness(c: { status: string; cause?: string } | undefined): number {
  if (c?.status !== 'bad') return 0;
  return c.cause === 'offload' || c.cause === 'lco' ? 2 : 1;
}

export function invariantsOf(pkt: DecodedPacket): Invariants {
  const inner = pkt.tunnel?.inner;
  return {
    l4Checksum: pkt.l4?.checksum?.got ?? -1,
    l4Bad: badness(pkt.l4?.checksum),
    innerIpChecksum: inner?.ip?.headerChecksum?.got ?? -1,
    innerL4Checksum: inner?.l4?.checksum?.got ?? -1,
    innerArtefact: badness(inner?.l4?.checksum) === 2,
    innerTtl: inner?.ip?.ttl ?? -1,
  };
}

/** Names of the fields that changed between the sender's and the receiver's copy. */
export function alteredFields(sent: Invariants, got: Invariants): string[] {
  const out: string[] = [];
  if (sent.l4Bad === 0 && got.l4Bad === 1) out.push('outer checksum (sent right, arrived wrong)');
  if (sent.innerIpChecksum !== got.innerIpChecksum) out.push('inner IP header');
  if (!sent.innerArtefact && !got.innerArtefact && sent.innerL4Checksum !== got.innerL4Checksum) out.push('inner L4 checksum');
  if (sent.innerTtl !== got.innerTtl) out.push('inner TTL');
  return out;
}
