// The contract between the capture reader, the decoders and the analyzers.

/** One captured frame as the reader hands it out. `data` is a view valid only during the callback. */
export interface RawFrame {
  /** 1-based, as Wireshark numbers frames (`frame.number`). */
  frameNumber: number;
  /** Timestamp in nanoseconds since the epoch (bigint-free: seconds and nanoseconds). */
  tsSec: number;
  tsNsec: number;
  /** Link type of the interface the frame came from (pcap header, or the pcapng IDB). */
  linkType: number;
  /** pcapng interface index (0 for classic pcap). */
  interfaceId: number;
  /** Bytes captured and bytes on the wire. */
  capLen: number;
  origLen: number;
  /** Byte offset of the record header in the input. */
  fileOffset: number;
  data: Uint8Array;
}

export interface ReadSummary {
  format: 'pcap' | 'pcapng';
  frames: number;
  bytesRead: number;
  /** Link types seen, by interface. */
  linkTypes: number[];
  /** Set when the input ended badly; frames before it were delivered. */
  error?: { code: string; message: string; offset: number };
}

/**
 * A checksum verdict. `status` agrees with tcpdump -vv and tshark; `cause` is podpath's own
 * classification of a bad sum:
 * - wire: the field is simply wrong (a real error, or corruption on the way);
 * - offload: the field holds only the pseudo-header sum (CHECKSUM_PARTIAL on the capturing host);
 * - lco: an outer VXLAN/Geneve UDP sum that is right once the inner checksum is filled in
 *   (local checksum offload);
 * - unknown: bad, and none of the above explains it.
 */
export interface ChecksumVerdict {
  status: 'ok' | 'bad' | 'none' | 'unverifiable';
  /** The value in the packet. */
  got: number;
  /** The value that would be right, when status is 'bad'. */
  expected?: number;
  cause?: 'wire' | 'offload' | 'lco' | 'unknown';
}

export interface IpInfo {
  version: 4 | 6;
  src: string;
  dst: string;
  /** Upper protocol after IPv6 extension headers. */
  proto: number;
  ttl: number;
  /** IPv4 identification, or the IPv6 fragment id when present. */
  id?: number;
  /** Total length of the IP packet as the header says. */
  totalLength: number;
  headerLength: number;
  dontFragment?: boolean;
  /** Present when this is a fragment (offset in bytes). */
  fragment?: { offset: number; more: boolean };
  /** IPv4 header checksum. */
  headerChecksum?: ChecksumVerdict;
}

export interface TcpInfo {
  flags: number;
  seq: number;
  ack: number;
  window: number;
  payloadLength: number;
}

export const TCP_FIN = 0x01;
export const TCP_SYN = 0x02;
export const TCP_RST = 0x04;
export const TCP_PSH = 0x08;
export const TCP_ACK = 0x10;

export interface L4Info {
  kind: 'udp' | 'tcp' | 'icmp' | 'icmpv6' | 'other';
  srcPort?: number;
  dstPort?: number;
  checksum?: ChecksumVerdict;
  /** UDP length field, or the payload length for TCP. */
  length: number;
  tcp?: TcpInfo;
  icmp?: { type: number; code: number };
}

export interface TunnelInfo {
  kind: 'vxlan' | 'geneve';
  vni: number;
  inner: PacketLayers;
}

/** What one IP packet carries, outer or inside a tunnel. */
export interface PacketLayers {
  vlanIds: number[];
  etherType?: number;
  ip?: IpInfo;
  l4?: L4Info;
  tunnel?: TunnelInfo;
}

export interface DecodedPacket extends PacketLayers {
  frameNumber: number;
  tsSec: number;
  tsNsec: number;
  linkType: number;
  capLen: number;
  origLen: number;
  /** True when capLen < origLen or a header ran past the captured bytes. */
  truncated: boolean;
  /** Why decoding stopped early, when it did (unknown link type, bad header length...). */
  note?: string;
}

export interface DecodeOptions {
  /** UDP destination ports decoded as VXLAN, besides 4789 and 8472. */
  vxlanPorts?: number[];
  /** Geneve ports, besides 6081. */
  genevePorts?: number[];
  /** Verify checksums (default true). */
  checksums?: boolean;
}
