// The cluster doctor report's JSON (`cluster doctor -o json`, `doctor --cluster-from -o json`) as a
// zod schema: `podpath report` reads such files from anywhere and validates them first. Kept in
// step with cluster-doctor-model.ts by the type annotation below; each node's report is the doctor
// report's schema.
import { z } from 'zod';
import { ClusterFacts } from '../evidence/cluster-facts.js';
import { CLUSTER_DOCTOR_SCHEMA, CLUSTER_DOCTOR_VERSION, type ClusterDoctorReport } from './cluster-doctor-model.js';
import { DoctorReportSchema, FindingSchema } from './doctor-schema.js';

const count = z.number().int().nonnegative();

export const ClusterDoctorReportSchema: z.ZodType<ClusterDoctorReport, z.ZodTypeDef, unknown> = z.object({
  schema: z.literal(CLUSTER_DOCTOR_SCHEMA),
  schemaVersion: z.literal(CLUSTER_DOCTOR_VERSION),
  podpathVersion: z.string(),
  generatedAt: z.string(),
  lang: z.enum(['en', 'zh']),
  cluster: z.object({ source: ClusterFacts.shape.source, counts: ClusterFacts.shape.counts, partial: ClusterFacts.shape.partial, notes: ClusterFacts.shape.notes, nodes: count }).optional(),
  withoutFacts: z.array(z.string()),
  summary: z.object({
    nodes: count, nodesFailing: count, nodeErrors: count, rules: count, failed: count, passed: count, skipped: count, findings: count,
    bySeverity: z.object({ critical: count, error: count, warning: count, info: count }),
  }),
  findings: z.array(FindingSchema),
  results: z.array(z.object({ ruleId: z.string(), status: z.enum(['pass', 'fail', 'skipped']), reason: z.string().optional() })),
  nodes: z.array(z.object({
    name: z.string(),
    from: z.string(),
    matchedBy: z.enum(['name', 'internalIP', 'none']),
    matchedAddress: z.string().optional(),
    report: DoctorReportSchema.optional(),
    error: z.object({ code: z.string(), message: z.string() }).optional(),
  })),
});
