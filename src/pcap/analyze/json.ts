// The versioned JSON of `podpath pcap analyze --json` and `podpath pcap diff --json`.
// docs/pcap-json.md documents every field; a test validates real output against these schemas.
// Bump PCAP_JSON_SCHEMA_VERSION on any change that is not a pure addition.
import { z } from 'zod';
import type { FileAnalysis } from './capture-analysis.js';

export const PCAP_JSON_SCHEMA_VERSION = 1;

export const frameSetSchema = z.object({
  count: z.number().int().nonnegative(),
  ranges: z.array(z.object({ from: z.number().int().positive(), to: z.number().int().positive() })),
  truncated: z.boolean(),
});

export const findingSchema = z.object({
  id: z.string(),
  severity: z.enum(['info', 'warning', 'error']),
  message: z.string(),
  detail: z.string().optional(),
  file: z.string().optional(),
  frames: frameSetSchema.optional(),
  filter: z.string().optional(),
  zh: z.object({ message: z.string(), detail: z.string().optional() }).optional(),
});

export const readErrorSchema = z.object({ code: z.string().regex(/^E_[A-Z0-9_]+$/), message: z.string(), offset: z.number().int().nonnegative() });

const causeCounts = z.object({ wire: z.number(), offload: z.number(), lco: z.number(), unknown: z.number() });

const handshakeSchema = z.object({
  scope: z.enum(['outer', 'inner']),
  client: z.string(),
  server: z.string(),
  state: z.enum(['completed', 'reset', 'no-synack', 'synack-no-ack']),
  syns: z.array(z.number()),
  synAcks: z.array(z.number()),
  synIntervals: z.array(z.number()),
  synAckIntervals: z.array(z.number()),
  backoff: z.boolean(),
  completedAfter: z.number().optional(),
  synsWithBadOuterChecksum: z.number().int(),
  inProgressAtEnd: z.boolean(),
  frames: z.array(z.number().int().positive()),
});

export const fileAnalysisSchema = z.object({
  file: z.string(),
  read: z.object({
    format: z.enum(['pcap', 'pcapng']),
    frames: z.number().int().nonnegative(),
    bytesRead: z.number().int().nonnegative(),
    linkTypes: z.array(z.number().int()),
    error: readErrorSchema.optional(),
  }),
  packets: z.object({
    frames: z.number().int().nonnegative(),
    ip: z.number().int().nonnegative(),
    tunnel: z.number().int().nonnegative(),
    truncated: z.number().int().nonnegative(),
    notes: z.record(z.number()),
  }),
  window: z.object({ first: z.number(), last: z.number(), seconds: z.number().nonnegative() }).optional(),
  checksums: z.object({
    layers: z.array(
      z.object({
        layer: z.string().regex(/^(outer|inner)-(ipv4|udp|tcp|icmp|icmpv6)$/),
        ok: z.number().int(),
        bad: z.number().int(),
        none: z.number().int(),
        unverifiable: z.number().int(),
        badByCause: causeCounts,
      }),
    ),
    badGroups: z.array(
      z.object({
        layer: z.string(),
        cause: z.enum(['wire', 'offload', 'lco', 'unknown']),
        src: z.string(),
        dst: z.string(),
        dstPort: z.number().int().optional(),
        answered: z.literal(true).optional(),
        count: z.number().int().positive(),
        example: z.object({ frame: z.number().int(), got: z.number().int(), expected: z.number().int().optional() }),
        frames: frameSetSchema,
      }),
    ),
    tunnelFfff: z.object({ count: z.number().int(), frames: frameSetSchema, srcs: z.array(z.string()) }),
  }),
  handshakes: z.object({
    total: z.number().int(),
    completed: z.number().int(),
    completedFirstTry: z.number().int(),
    notable: z.array(handshakeSchema),
    notableTruncated: z.boolean(),
  }),
  sizes: z.object({
    bucketLabels: z.array(z.string()),
    flows: z.array(
      z.object({
        flow: z.string(),
        scope: z.enum(['outer', 'inner']),
        src: z.string(),
        dst: z.string(),
        proto: z.string(),
        port: z.number().int().optional(),
        packets: z.number().int().positive(),
        bytes: z.number().int(),
        buckets: z.array(z.number().int()),
        maxIpLength: z.number().int(),
        maxFrame: z.number().int(),
        maxUdpLength: z.number().int().optional(),
        atMax: z.number().int(),
        fragments: z.number().int(),
      }),
    ),
    otherFlows: z.number().int(),
    fragmentFrames: frameSetSchema,
  }),
  icmp: z.object({
    errors: z.array(
      z.object({
        kind: z.enum(['frag-needed', 'admin-prohibited', 'port-unreachable', 'host-unreachable', 'net-unreachable', 'protocol-unreachable', 'unreachable', 'time-exceeded']),
        version: z.union([z.literal(4), z.literal(6)]),
        type: z.number().int(),
        code: z.number().int(),
        reporter: z.string(),
        src: z.string(),
        dst: z.string(),
        proto: z.number().int(),
        dstPort: z.number().int().optional(),
        mtu: z.number().int().optional(),
        count: z.number().int().positive(),
        frames: frameSetSchema,
      }),
    ),
    unquoted: z.number().int(),
    otherGroups: z.number().int(),
  }),
  findings: z.array(findingSchema),
});

export const analyzeJsonSchema = z.object({
  schemaVersion: z.literal(PCAP_JSON_SCHEMA_VERSION),
  command: z.literal('pcap analyze'),
  tool: z.object({ name: z.literal('podpath'), version: z.string() }),
  exitCode: z.number().int().min(0).max(2),
  files: z.array(fileAnalysisSchema),
});

export type AnalyzeJson = z.infer<typeof analyzeJsonSchema>;

export function analyzeJson(files: FileAnalysis[], exitCode: number, version: string): AnalyzeJson {
  return {
    schemaVersion: PCAP_JSON_SCHEMA_VERSION,
    command: 'pcap analyze',
    tool: { name: 'podpath', version },
    exitCode,
    // JSON.parse(JSON.stringify()) drops undefined fields, as the printed document does.
    files: JSON.parse(JSON.stringify(files)) as AnalyzeJson['files'],
  };
}

/**
 * The printed document (`--json`): the same text as JSON.stringify(analyzeJson(...), null, 2),
 * without building the intermediate copy of every analysis (a million-packet capture's frame
 * ranges are megabytes of small objects, and peak memory counts).
 */
export function analyzeJsonText(files: FileAnalysis[], exitCode: number, version: string): string {
  const doc = { schemaVersion: PCAP_JSON_SCHEMA_VERSION, command: 'pcap analyze', tool: { name: 'podpath', version }, exitCode, files };
  return JSON.stringify(doc, null, 2);
}
