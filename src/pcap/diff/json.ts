// `podpath pcap diff --json`: schema (documented in docs/pcap-json.md) and builder.
import { z } from 'zod';
import { findingSchema, frameSetSchema, PCAP_JSON_SCHEMA_VERSION, readErrorSchema } from '../analyze/json.js';
import type { Finding } from '../analyze/findings.js';
import type { DiffResult } from './result.js';

const side = z.object({
  file: z.string(),
  frames: z.number().int().nonnegative(),
  ipPackets: z.number().int().nonnegative(),
  first: z.number().optional(),
  last: z.number().optional(),
  seconds: z.number().nonnegative(),
  host: z.string().optional(),
  error: readErrorSchema.optional(),
});

const direction = z.object({
  from: z.string(),
  to: z.string(),
  sent: z.number().int().nonnegative(),
  delivered: z.number().int().nonnegative(),
  lost: z.number().int().nonnegative(),
  lostFrames: frameSetSchema,
});

const run = z.object({
  kind: z.enum(['size', 'blackhole', 'window', 'burst']),
  start: z.number(),
  end: z.number(),
  seconds: z.number().nonnegative(),
  untilEnd: z.boolean(),
  packets: z.number().int().positive(),
  smallest: z.number().int(),
  largest: z.number().int(),
  firstFrame: z.number().int().positive(),
  lastFrame: z.number().int().positive(),
  rateAtStart: z.number().nonnegative(),
  rateOkBefore: z.number().nonnegative(),
});

/** A direction judged in full (forward from the sender's capture, reverse from the receiver's). */
const judgedDirection = direction.extend({
  outsideOverlap: z.number().int().nonnegative(),
  notComparable: z.number().int().nonnegative(),
  maxDeliveredSize: z.number().int().optional(),
  size: z
    .object({ threshold: z.number().int(), lostAbove: z.number().int(), largestLost: z.number().int(), lostAtOrBelow: z.number().int(), lostAtOrBelowOutsideRuns: z.number().int(), frames: frameSetSchema })
    .optional(),
  runs: z.array(run),
  runsTruncated: z.boolean(),
  peakRate: z.number().nonnegative(),
  meanRate: z.number().nonnegative(),
  medianRate: z.number().nonnegative(),
});

export const diffResultSchema = z.object({
  sender: side,
  receiver: side,
  clock: z.object({ offset: z.number(), basis: z.enum(['matched', 'assumed-zero']), pairs: z.number().int(), spread: z.number() }),
  overlap: z.object({ start: z.number(), end: z.number(), seconds: z.number().nonnegative(), ofSender: z.number(), ofReceiver: z.number() }),
  matched: z.number().int().nonnegative(),
  forward: judgedDirection,
  reverse: judgedDirection,
  altered: z.object({
    count: z.number().int().nonnegative(),
    fields: z.record(z.number().int()),
    examples: z.array(z.object({ senderFrame: z.number().int(), receiverFrame: z.number().int(), fields: z.array(z.string()) })),
    senderFrames: frameSetSchema,
  }),
  segmentationOffload: z.object({ suspected: z.boolean(), largestTcpSender: z.number().int(), largestTcpReceiver: z.number().int() }),
  receiverOnly: z.number().int().nonnegative(),
  limits: z.object({
    receiverIndexTruncated: z.boolean(),
    unmatchedDropped: z.number().int().nonnegative(),
    rateSourcesDropped: z.number().int().nonnegative(),
    pairsDropped: z.number().int().nonnegative(),
    addressesOverflowed: z.number().int().nonnegative(),
  }),
});

export const diffJsonSchema = z.object({
  schemaVersion: z.literal(PCAP_JSON_SCHEMA_VERSION),
  command: z.literal('pcap diff'),
  tool: z.object({ name: z.literal('podpath'), version: z.string() }),
  exitCode: z.number().int().min(0).max(2),
  result: diffResultSchema,
  findings: z.array(findingSchema),
});

export type DiffJson = z.infer<typeof diffJsonSchema>;

export function diffJson(result: DiffResult, findings: Finding[], exitCode: number, version: string): DiffJson {
  return JSON.parse(
    JSON.stringify({ schemaVersion: PCAP_JSON_SCHEMA_VERSION, command: 'pcap diff', tool: { name: 'podpath', version }, exitCode, result, findings }),
  ) as DiffJson;
}
