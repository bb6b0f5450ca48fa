// The versioned JSON of `podpath pcap analyze --json`: each capture's summary (the evidence,
// src/evidence/capture-summary.ts) with the findings of the capture rules about it.
// docs/pcap-json.md documents every field; a test validates real output against these schemas.
// Bump PCAP_JSON_SCHEMA_VERSION on any change that is not a pure addition.
import { z } from 'zod';
import { CaptureSummary, ReadError } from '../evidence/capture-summary.js';
import { FrameSetJson } from '../evidence/frame-set.js';
import { EvidenceLine } from '../evidence/evidence-line.js';
import type { Finding } from '../engine/types.js';

/** 2: findings have the one Finding shape of every podpath rule (docs/pcap-json.md gives the map from 1). */
export const PCAP_JSON_SCHEMA_VERSION = 2;

export const frameSetSchema = FrameSetJson;
export const readErrorSchema = ReadError;

/** The one Finding (src/engine/types.ts), as the JSON carries it. */
export const findingSchema = z.object({
  ruleId: z.string(),
  severity: z.enum(['critical', 'error', 'warning', 'info']),
  title: z.string(),
  messageId: z.string(),
  message: z.string(),
  evidence: z.array(EvidenceLine),
  remediation: z.array(z.object({ description: z.string(), commands: z.array(z.string()), undo: z.array(z.string()) })),
  references: z.array(z.string()),
  detail: z.string().optional(),
  location: z.object({ file: z.string().optional(), frames: frameSetSchema.optional(), filter: z.string().optional() }).optional(),
});

/** One file of `pcap analyze --json`: the summary, less what only tcpdump text in a transcript gives (doctor --from), and its findings. */
export const fileAnalysisSchema = CaptureSummary.omit({ vxlanSenders: true, frameLines: true, frameTexts: true }).extend({ findings: z.array(findingSchema) });

export const analyzeJsonSchema = z.object({
  schemaVersion: z.literal(PCAP_JSON_SCHEMA_VERSION),
  command: z.literal('pcap analyze'),
  tool: z.object({ name: z.literal('podpath'), version: z.string() }),
  exitCode: z.number().int().min(0).max(2),
  files: z.array(fileAnalysisSchema),
});

export type AnalyzeJson = z.infer<typeof analyzeJsonSchema>;

/** One capture as the JSON shows it: its summary and the findings about it. */
export interface AnalyzedCapture {
  summary: CaptureSummary;
  findings: Finding[];
}

function documentOf(files: readonly AnalyzedCapture[], exitCode: number, version: string) {
  // The findings beside the summary's fields, as one object per file (no copy of the summary).
  const entries = files.map((f) => ({ ...f.summary, findings: f.findings }));
  return { schemaVersion: PCAP_JSON_SCHEMA_VERSION, command: 'pcap analyze', tool: { name: 'podpath', version }, exitCode, files: entries };
}

export function analyzeJson(files: readonly AnalyzedCapture[], exitCode: number, version: string): AnalyzeJson {
  // JSON.parse(JSON.stringify()) drops undefined fields, as the printed document does.
  return JSON.parse(JSON.stringify(documentOf(files, exitCode, version))) as AnalyzeJson;
}

/**
 * The printed document (`--json`): the same text as JSON.stringify(analyzeJson(...), null, 2),
 * without building the intermediate copy of every analysis (a million-packet capture's frame
 * ranges are megabytes of small objects, and peak memory counts).
 */
export function analyzeJsonText(files: readonly AnalyzedCapture[], exitCode: number, version: string): string {
  return JSON.stringify(documentOf(files, exitCode, version), null, 2);
}
