// What `pcap diff` measured between a capture on the sending node and one on the receiving node:
// the clock offset, the overlap, what was delivered and lost each way, and the loss by size, by
// time window and by rate (runs of consecutive losses with the sender's rate when they began). The
// measuring code (src/pcap/diff/) fills it; the capture rules judge it. docs/pcap-json.md documents
// every field.
import { z } from 'zod';
import { FrameSetJson } from './frame-set.js';
import { ReadError } from './capture-summary.js';

export const CaptureSide = z.object({
  file: z.string(),
  frames: z.number().int().nonnegative(),
  ipPackets: z.number().int().nonnegative(),
  /** Own clock, seconds since the epoch. */
  first: z.number().optional(),
  last: z.number().optional(),
  seconds: z.number().nonnegative(),
  /** The busiest address: this side's host. */
  host: z.string().optional(),
  error: ReadError.optional(),
});
export type CaptureSide = z.infer<typeof CaptureSide>;

export const LossRun = z.object({
  kind: z.enum(['size', 'blackhole', 'window', 'burst']),
  /** Sender clock, seconds since the epoch. */
  start: z.number(),
  end: z.number(),
  /** From the first lost packet until the next packet of the pair got through (or the end). */
  seconds: z.number().nonnegative(),
  /** True when nothing got through after it, within the overlap. */
  untilEnd: z.boolean(),
  packets: z.number().int().positive(),
  smallest: z.number().int(),
  largest: z.number().int(),
  firstFrame: z.number().int().positive(),
  lastFrame: z.number().int().positive(),
  /** The sender's rate over the second before the first lost packet (bit/s). */
  rateAtStart: z.number().nonnegative(),
  /** The highest rate at which the sender's packets still got through before (bit/s). */
  rateOkBefore: z.number().nonnegative(),
});
export type LossRun = z.infer<typeof LossRun>;

/** A direction judged in full (forward from the sender's capture, reverse from the receiver's): loss by size, by time and by rate. */
export const DirectionLoss = z.object({
  from: z.string(),
  to: z.string(),
  /** Packets from `from` to `to` in the overlap, in the capture where they start. */
  sent: z.number().int().nonnegative(),
  delivered: z.number().int().nonnegative(),
  lost: z.number().int().nonnegative(),
  /** Frame numbers in the capture of `from`. */
  lostFrames: FrameSetJson,
  /** Not judged: sent while the receiver was not capturing. */
  outsideOverlap: z.number().int().nonnegative(),
  /** Not judged: unmatched TCP while segmentation offload (TSO/GSO, GRO) shows in a capture. */
  notComparable: z.number().int().nonnegative(),
  maxDeliveredSize: z.number().int().optional(),
  /** Every packet above `threshold` bytes (the largest delivered datagram) was lost. */
  size: z
    .object({ threshold: z.number().int(), lostAbove: z.number().int(), largestLost: z.number().int(), lostAtOrBelow: z.number().int(), lostAtOrBelowOutsideRuns: z.number().int(), frames: FrameSetJson })
    .optional(),
  runs: z.array(LossRun),
  runsTruncated: z.boolean(),
  /** Highest, average and median (of 1 s bins) rate of the sending host (bit/s). */
  peakRate: z.number().nonnegative(),
  meanRate: z.number().nonnegative(),
  medianRate: z.number().nonnegative(),
});
export type DirectionLoss = z.infer<typeof DirectionLoss>;

export const AlteredPacket = z.object({ senderFrame: z.number().int(), receiverFrame: z.number().int(), fields: z.array(z.string()) });
export type AlteredPacket = z.infer<typeof AlteredPacket>;

export const CaptureDiff = z.object({
  sender: CaptureSide,
  receiver: CaptureSide,
  /** Receiver clock minus sender clock (s), median over matched pairs; includes the one-way delay. */
  clock: z.object({ offset: z.number(), basis: z.enum(['matched', 'assumed-zero']), pairs: z.number().int(), spread: z.number() }),
  overlap: z.object({ start: z.number(), end: z.number(), seconds: z.number().nonnegative(), ofSender: z.number(), ofReceiver: z.number() }),
  matched: z.number().int().nonnegative(),
  forward: DirectionLoss,
  /** Judged as the forward direction, from the receiver's capture (its frames; times on the sender's clock). */
  reverse: DirectionLoss,
  altered: z.object({
    count: z.number().int().nonnegative(),
    fields: z.record(z.number().int()),
    examples: z.array(AlteredPacket),
    senderFrames: FrameSetJson,
  }),
  /** Largest TCP packet (IP length, inner for a tunnel) per capture; above 1500 means TSO/GSO (sender) or GRO (receiver). */
  segmentationOffload: z.object({ suspected: z.boolean(), largestTcpSender: z.number().int(), largestTcpReceiver: z.number().int() }),
  /** Receiver packets from the sender's host with no copy in the sender's capture. */
  receiverOnly: z.number().int().nonnegative(),
  limits: z.object({
    receiverIndexTruncated: z.boolean(),
    unmatchedDropped: z.number().int().nonnegative(),
    /** Sender packets of sources past the rate-meter cap (no rate known for them). */
    rateSourcesDropped: z.number().int().nonnegative(),
    /** Sender packets of address pairs past the pair cap (matched or not, no per-pair counters). */
    pairsDropped: z.number().int().nonnegative(),
    /** Address lookups past the address cap (those addresses share one id, shown as `?`). */
    addressesOverflowed: z.number().int().nonnegative(),
  }),
});
export type CaptureDiff = z.infer<typeof CaptureDiff>;
