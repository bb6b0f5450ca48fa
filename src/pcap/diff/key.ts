// What identifies one packet at both ends of a path: fields nobody on the way changes.
// TTL, the IP header checksum and (for VXLAN) the outer addresses and ports may change (routing,
// NAT of the outer header as in seed 004), so they stay out of the key; for a tunnel the inner
// headers, which the underlay never touches, carry the identity instead.
import type { DecodedPacket, PacketLayers } from '../types.js';

export interface KeyOptions {
  /** Leave addresses and ports out of the key of untunnelled packets (NAT between the captures). */
  nat?: boolean;
}

function innerPart(l: PacketLayers, withAddrs: boolean, withPorts: boolean): string {
  const ip = l.ip;
  if (!ip) return '-';
  const frag = ip.fragment ? `${ip.fragment.offset}${ip.fragment.more ? '+' : ''}` : '';
  const addrs = withAddrs ? `${ip.src}>${ip.dst}` : '';
  let s = `${ip.version}|${ip.proto}|${ip.id ?? ''}|${ip.totalLength}|${frag}|${addrs}`;
  const l4 = l.l4;
  if (l4 && !(ip.fragment && ip.fragment.offset > 0)) {
    if (withPorts) s += `|${l4.srcPort ?? ''}>${l4.dstPort ?? ''}`;
    s += `|${l4.length}`;
    if (l4.tcp) s += `|${l4.tcp.seq}|${l4.tcp.ack}|${l4.tcp.flags}`;
    if (l4.icmp) s += `|${l4.icmp.type}.${l4.icmp.code}`;
  }
  return s;
}

/** The identity of a packet as a string; undefined for non-IP frames. */
export function keyString(pkt: DecodedPacket, opts: KeyOptions = {}): string | undefined {
  if (!pkt.ip) return undefined;
  if (pkt.tunnel) {
    // Outer: only what the sender set and NAT keeps (IP ID, length); the inner packet whole.
    return `T|${innerPart(pkt, false, false)}|${pkt.tunnel.vni}|${innerPart(pkt.tunnel.inner, true, true)}`;
  }
  return `P|${innerPart(pkt, !opts.nat, !opts.nat)}`;
}

/** Two independent 32-bit FNV-1a hashes: the first indexes, the second confirms. */
export function hash2(s: string): [number, number] {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193 ^ s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995);
    h2 ^= h2 >>> 15;
  }
  return [h1 >>> 0, h2 >>> 0];
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
