// DecodedPacket values for analyzer unit tests (the decoder's own output on real captures is
// exercised by the end-to-end tests).
import type { ChecksumVerdict, DecodedPacket, PacketLayers } from '../../../src/pcap/types.js';

export interface PktSpec {
  frame: number;
  t: number;
  src: string;
  dst: string;
  proto?: 'udp' | 'tcp';
  sport?: number;
  dport?: number;
  len?: number;
  id?: number;
  ttl?: number;
  csum?: ChecksumVerdict;
  flags?: number;
  seq?: number;
  ack?: number;
  inner?: PacketLayers;
  fragment?: { offset: number; more: boolean };
}

export function layers(s: Omit<PktSpec, 'frame' | 't'>): PacketLayers {
  const len = s.len ?? 100;
  const proto = s.proto ?? 'udp';
  return {
    vlanIds: [],
    etherType: 0x0800,
    ip: { version: 4, src: s.src, dst: s.dst, proto: proto === 'udp' ? 17 : 6, ttl: s.ttl ?? 64, id: s.id ?? 1, totalLength: len, headerLength: 20, headerChecksum: { status: 'ok', got: 1 }, fragment: s.fragment },
    l4: {
      kind: proto,
      srcPort: s.sport ?? 40000,
      dstPort: s.dport ?? 8472,
      checksum: s.csum ?? { status: 'ok', got: 0x1234 },
      length: proto === 'udp' ? len - 20 : len - 40,
      tcp: proto === 'tcp' ? { flags: s.flags ?? 0x10, seq: s.seq ?? 1, ack: s.ack ?? 0, window: 64000, payloadLength: len - 40 } : undefined,
    },
  };
}

export function pkt(s: PktSpec): DecodedPacket {
  const l = layers(s);
  const tunnel = s.inner ? { kind: 'vxlan' as const, vni: 1, inner: s.inner } : undefined;
  return { ...l, tunnel, frameNumber: s.frame, tsSec: Math.floor(s.t), tsNsec: Math.round((s.t - Math.floor(s.t)) * 1e9), linkType: 1, capLen: (s.len ?? 100) + 14, origLen: (s.len ?? 100) + 14, truncated: false };
}
