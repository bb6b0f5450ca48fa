// What `pcap analyze` measured in one capture: checksum verdicts per layer and sender, bad sums
// grouped by cause, TCP handshakes, packet sizes per flow, ICMP errors with what they quote. The
// measuring code (src/pcap/analyze/) fills it in one pass; the capture rules (src/rules/capture/)
// judge it. No verdict, message or severity here. docs/pcap-json.md documents every field.
import { z } from 'zod';
import { FrameSetJson } from './frame-set.js';

export const ReadError = z.object({ code: z.string().regex(/^E_[A-Z0-9_]+$/), message: z.string(), offset: z.number().int().nonnegative() });
export type ReadError = z.infer<typeof ReadError>;

export const CAUSES = ['wire', 'offload', 'lco', 'unknown'] as const;
/** Why a sum is bad: wrong on the wire, a tx offload artefact, local checksum offload, or unexplained. */
export const Cause = z.enum(CAUSES);
export type Cause = z.infer<typeof Cause>;

const CauseCounts = z.object({ wire: z.number(), offload: z.number(), lco: z.number(), unknown: z.number() });

export const LayerCounts = z.object({
  /** `outer-ipv4` (the header), `outer-udp`, ..., `inner-icmpv6`. */
  layer: z.string().regex(/^(outer|inner)-(ipv4|udp|tcp|icmp|icmpv6)$/),
  ok: z.number().int(),
  bad: z.number().int(),
  none: z.number().int(),
  unverifiable: z.number().int(),
  badByCause: CauseCounts,
});
export type LayerCounts = z.infer<typeof LayerCounts>;

export const BadGroup = z.object({
  layer: z.string(),
  cause: Cause,
  src: z.string(),
  dst: z.string(),
  dstPort: z.number().int().optional(),
  /**
   * The packets were answered (an ICMP error quoting them, a TCP ACK, a UDP reply): the receiver
   * took them, so the sum, wrong as captured, is an offload artefact (cause offload or lco).
   */
  answered: z.literal(true).optional(),
  count: z.number().int().positive(),
  /** One example: the value in the packet and the right one. */
  example: z.object({ frame: z.number().int(), got: z.number().int(), expected: z.number().int().optional() }),
  frames: FrameSetJson,
});
export type BadGroup = z.infer<typeof BadGroup>;

/** How one sender's sums of a layer fared: healthy (right, absent, or an artefact) and really bad (wire, unknown). */
export const SenderTally = z.object({ src: z.string(), ok: z.number().int().nonnegative(), bad: z.number().int().nonnegative() });
export type SenderTally = z.infer<typeof SenderTally>;

/**
 * The senders of a layer that has bad sums: "one sender's datagrams arrive with bad checksums, the
 * others' are fine" (seed 000) is a statement about them.
 */
export const LayerSenders = z.object({
  layer: z.string(),
  /** Senders of the layer whose every sum was healthy. */
  healthy: z.number().int().nonnegative(),
  /**
   * Tallies, in order of first sight, of every sender that is the source of a bad group of the
   * layer, and of the busiest other healthy senders (at most MAX_LISTED_HEALTHY of those).
   */
  tallies: z.array(SenderTally),
});
export type LayerSenders = z.infer<typeof LayerSenders>;

/** Healthy senders listed per layer besides the sources of bad groups. */
export const MAX_LISTED_HEALTHY = 100;

export const ChecksumSummary = z.object({
  layers: z.array(LayerCounts),
  badGroups: z.array(BadGroup),
  /** Outer UDP sums of a tunnel packet equal to 0xffff and bad (seed 004's NAT + offload bug), not answered. */
  tunnelFfff: z.object({ count: z.number().int(), frames: FrameSetJson, srcs: z.array(z.string()) }),
  /** Per layer with a bad group: its senders. */
  senders: z.array(LayerSenders),
});
export type ChecksumSummary = z.infer<typeof ChecksumSummary>;

export const Scope = z.enum(['outer', 'inner']);
export type Scope = z.infer<typeof Scope>;

export const HandshakeState = z.enum(['completed', 'reset', 'no-synack', 'synack-no-ack']);
export type HandshakeState = z.infer<typeof HandshakeState>;

export const Handshake = z.object({
  scope: Scope,
  client: z.string(),
  server: z.string(),
  state: HandshakeState,
  /** Timestamps relative to the first SYN, in seconds. */
  syns: z.array(z.number()),
  synAcks: z.array(z.number()),
  /** Seconds between successive SYNs (then between successive SYN-ACKs). */
  synIntervals: z.array(z.number()),
  synAckIntervals: z.array(z.number()),
  /** The SYN retransmissions follow the kernel's doubling back-off. */
  backoff: z.boolean(),
  /** Seconds from the first SYN to the client's ACK, when it completed. */
  completedAfter: z.number().optional(),
  /** SYNs whose enclosing packet had a bad outer checksum (not an offload artefact). */
  synsWithBadOuterChecksum: z.number().int(),
  /** The last SYN came less than one retry before the end of the capture. */
  inProgressAtEnd: z.boolean(),
  frames: z.array(z.number().int().positive()),
});
export type Handshake = z.infer<typeof Handshake>;

export const HandshakeSummary = z.object({
  /** Connections whose SYN was seen. */
  total: z.number().int(),
  completed: z.number().int(),
  completedFirstTry: z.number().int(),
  /** Connections worth a look: retransmissions, or not completed (capped). */
  notable: z.array(Handshake),
  notableTruncated: z.boolean(),
});
export type HandshakeSummary = z.infer<typeof HandshakeSummary>;

export const FlowSizes = z.object({
  /** `src > dst proto/port`: port is the tunnel or the lower (service) port. */
  flow: z.string(),
  /** `outer`: as on the wire; `inner`: the packet inside a VXLAN/Geneve tunnel (a pod's flow). */
  scope: Scope,
  src: z.string(),
  dst: z.string(),
  proto: z.string(),
  port: z.number().int().optional(),
  packets: z.number().int().positive(),
  bytes: z.number().int(),
  buckets: z.array(z.number().int()),
  maxIpLength: z.number().int(),
  maxFrame: z.number().int(),
  /** Largest UDP length field (a first fragment carries the whole datagram's). */
  maxUdpLength: z.number().int().optional(),
  /** Packets at exactly maxIpLength. */
  atMax: z.number().int(),
  fragments: z.number().int(),
});
export type FlowSizes = z.infer<typeof FlowSizes>;

export const SizeSummary = z.object({
  bucketLabels: z.array(z.string()),
  flows: z.array(FlowSizes),
  /** Flows past the cap, lumped together. */
  otherFlows: z.number().int(),
  fragmentFrames: FrameSetJson,
});
export type SizeSummary = z.infer<typeof SizeSummary>;

export const IcmpErrorKind = z.enum(['frag-needed', 'admin-prohibited', 'port-unreachable', 'host-unreachable', 'net-unreachable', 'protocol-unreachable', 'unreachable', 'time-exceeded']);
export type IcmpErrorKind = z.infer<typeof IcmpErrorKind>;

export const IcmpErrorGroup = z.object({
  kind: IcmpErrorKind,
  /** 4: ICMP, 6: ICMPv6. */
  version: z.union([z.literal(4), z.literal(6)]),
  type: z.number().int(),
  code: z.number().int(),
  /** Who sent the error (the ICMP packet's source). */
  reporter: z.string(),
  /** The quoted packet: the one that was refused. */
  src: z.string(),
  dst: z.string(),
  proto: z.number().int(),
  dstPort: z.number().int().optional(),
  /** Next-hop MTU of a "fragmentation needed" / "packet too big". */
  mtu: z.number().int().optional(),
  count: z.number().int().positive(),
  frames: FrameSetJson,
});
export type IcmpErrorGroup = z.infer<typeof IcmpErrorGroup>;

export const IcmpSummary = z.object({
  /** Groups by kind, reporter, quoted addresses, protocol, port and MTU, most packets first. */
  errors: z.array(IcmpErrorGroup),
  /** ICMP errors whose quoted packet was not captured whole enough to read (counted, not grouped). */
  unquoted: z.number().int(),
  /** More groups than the cap: further ones only counted here. */
  otherGroups: z.number().int(),
});
export type IcmpSummary = z.infer<typeof IcmpSummary>;

export const PacketCounts = z.object({
  frames: z.number().int().nonnegative(),
  ip: z.number().int().nonnegative(),
  tunnel: z.number().int().nonnegative(),
  truncated: z.number().int().nonnegative(),
  /** Frames the decoder stopped on early, by its note (capped at 20 distinct notes). */
  notes: z.record(z.number()),
});
export type PacketCounts = z.infer<typeof PacketCounts>;

/**
 * One sender's VXLAN packets (their VXLAN header decoded) to one destination and port: how many
 * outer UDP sums were right, absent or wrong (0xffff counted apart too), with the first wrong one.
 * "Right on some flows, wrong on others" is the NAT + offload bug's mark (seed 004).
 */
export const VxlanSender = z.object({
  src: z.string(),
  dst: z.string(),
  dstPort: z.number().int(),
  ok: z.number().int().nonnegative(),
  none: z.number().int().nonnegative(),
  bad: z.number().int().nonnegative(),
  ffff: z.number().int().nonnegative(),
  firstBad: z.object({ frame: z.number().int().positive(), got: z.number().int(), expected: z.number().int().optional() }).optional(),
});
export type VxlanSender = z.infer<typeof VxlanSender>;

export const CaptureSummary = z.object({
  /** The capture as named on the command line (`<stdin>` for `-`). */
  file: z.string(),
  read: z.object({
    format: z.enum(['pcap', 'pcapng']),
    frames: z.number().int().nonnegative(),
    bytesRead: z.number().int().nonnegative(),
    linkTypes: z.array(z.number().int()),
    error: ReadError.optional(),
  }),
  packets: PacketCounts,
  /** First and last timestamps (seconds since the epoch) and the span. */
  window: z.object({ first: z.number(), last: z.number(), seconds: z.number().nonnegative() }).optional(),
  checksums: ChecksumSummary,
  handshakes: HandshakeSummary,
  sizes: SizeSummary,
  icmp: IcmpSummary,
  /** VXLAN outer sums per sender, destination and port (tcpdump text in a transcript; absent from `pcap analyze`). */
  vxlanSenders: z.array(VxlanSender).optional(),
  /**
   * tcpdump text only: the transcript line of each frame's record (index: frame number - 1) and
   * that line as printed, so a finding cites the line it came from.
   */
  frameLines: z.array(z.number().int().positive()).optional(),
  frameTexts: z.array(z.string()).optional(),
});
export type CaptureSummary = z.infer<typeof CaptureSummary>;
