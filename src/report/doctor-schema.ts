// The doctor report's JSON (`doctor -o json`: one report, or a fleet's array with error entries)
// as a zod schema: `podpath report` reads such files from anywhere, so every one is validated
// before a view touches it. Kept in step with model.ts by the type annotation below and by a test
// that parses doctor's own output. A peer's report has no peer of its own (doctor never nests
// deeper), so the schema is not recursive: a hostile file cannot nest it a million levels deep.
import { z } from 'zod';
import type { NeedKey } from '../evidence/evidence.js';
import type { DoctorReport } from './model.js';
import { DOCTOR_REPORT_SCHEMA, DOCTOR_REPORT_VERSION } from './model.js';
import { FLEET_ERROR_SCHEMA } from './fleet.js';
import { ProbeDirectionsSchema } from './probe-directions-schema.js';

const count = z.number().int().nonnegative();
const Severity = z.enum(['critical', 'error', 'warning', 'info']);
const Lang = z.enum(['en', 'zh']);

export const FindingSchema = z.object({
  ruleId: z.string(),
  severity: Severity,
  title: z.string(),
  messageId: z.string(),
  message: z.string(),
  evidence: z.array(z.object({ source: z.string(), text: z.string() })),
  evidenceOmitted: count.optional(),
  remediation: z.array(z.object({ description: z.string(), commands: z.array(z.string()), undo: z.array(z.string()) })),
  references: z.array(z.string()),
  detail: z.string().optional(),
  location: z.object({
    file: z.string().optional(),
    frames: z.object({ count: count, ranges: z.array(z.object({ from: count, to: count })), truncated: z.boolean() }).optional(),
    filter: z.string().optional(),
  }).optional(),
});

const Data = z.record(z.string(), z.union([z.string(), z.number()]));
/** A skip reason as codes: two levels deep at most (a reason and the missing evidence under it). */
const ReasonLeaf = z.object({ code: z.string(), data: Data.optional() });
const ReasonRefSchema = ReasonLeaf.extend({ because: z.array(ReasonLeaf).optional() });
/**
 * A missing-evidence entry. Reports written before reasons were codes carry only `reason`
 * (English text): read as `recordedText`, as node facts of schema 1 and 2 are.
 */
const MissingSchema = z.object({ evidence: z.string(), code: z.string().optional(), data: Data.optional(), reason: z.string(), text: z.string().optional() })
  .transform((m) => ({
    ...(m.code !== undefined
      ? { evidence: m.evidence, code: m.code, data: m.data ?? {}, reason: m.reason }
      : { evidence: m.evidence, code: 'recordedText', data: { text: m.reason }, reason: m.reason }),
    ...(m.text !== undefined ? { text: m.text } : {}),
  }));

/** `probes` (doctor --peer): its directions read as `probe -o json`'s are (one schema: probe-directions-schema.ts). */
const ProbesSchema = z.object({
  peer: z.string().max(4096),
  directions: ProbeDirectionsSchema,
});

const ReportBase = z.object({
  schema: z.literal(DOCTOR_REPORT_SCHEMA),
  schemaVersion: z.literal(DOCTOR_REPORT_VERSION),
  podpathVersion: z.string(),
  generatedAt: z.string(),
  lang: Lang,
  node: z.object({
    hostname: z.string().optional(),
    kernel: z.string().optional(),
    os: z.string().optional(),
    origin: z.object({ kind: z.enum(['live', 'bundle', 'fixture']), path: z.string().optional() }),
    collectedAt: z.string(),
    kubernetesNode: z.boolean(),
  }),
  summary: z.object({
    rules: count, failed: count, passed: count, skipped: count, findings: count,
    bySeverity: z.object({ critical: count, error: count, warning: count, info: count }),
  }),
  findings: z.array(FindingSchema),
  results: z.array(z.object({ ruleId: z.string(), status: z.enum(['pass', 'fail', 'skipped']), reason: z.string().optional(), reasons: z.array(ReasonRefSchema).optional() })),
  missing: z.array(MissingSchema),
  notes: z.array(z.object({ code: z.string(), message: z.string() })).optional(),
  verdict: z.object({
    status: z.enum(['findings', 'healthy', 'inconclusive']),
    judged: count,
    total: count,
    why: z.array(z.object({ code: z.enum(['incompleteRead', 'noInterfaces', 'fewJudged']), data: z.record(z.string(), z.union([z.string(), z.number()])).optional() })),
    // A key this version does not know is kept as text: the report only shows it.
    wanted: z.array(z.object({ evidence: z.string().transform((k) => k as NeedKey), commands: z.array(z.string()), rules: z.array(z.string()) })),
  }).optional(),
});

export const DoctorReportSchema: z.ZodType<DoctorReport, z.ZodTypeDef, unknown> = ReportBase.extend({
  peer: z.object({ address: z.string(), report: ReportBase.optional(), error: z.string().optional() }).optional(),
  probes: ProbesSchema.optional(),
});

/** A fleet's entry for a bundle that could not be read. */
export const FleetErrorSchema = z.object({
  schema: z.literal(FLEET_ERROR_SCHEMA),
  schemaVersion: z.literal(1),
  from: z.string(),
  error: z.object({ code: z.string(), message: z.string() }),
});
export type FleetErrorDoc = z.infer<typeof FleetErrorSchema>;
