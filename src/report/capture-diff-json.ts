// `podpath pcap diff --json`: the measured comparison (src/evidence/capture-diff.ts) and the
// findings of the capture rules about it; documented in docs/pcap-json.md.
import { z } from 'zod';
import { CaptureDiff } from '../evidence/capture-diff.js';
import type { Finding } from '../engine/types.js';
import { findingSchema, PCAP_JSON_SCHEMA_VERSION } from './capture-json.js';

export const diffResultSchema = CaptureDiff;

export const diffJsonSchema = z.object({
  schemaVersion: z.literal(PCAP_JSON_SCHEMA_VERSION),
  command: z.literal('pcap diff'),
  tool: z.object({ name: z.literal('podpath'), version: z.string() }),
  exitCode: z.number().int().min(0).max(2),
  result: diffResultSchema,
  findings: z.array(findingSchema),
});

export type DiffJson = z.infer<typeof diffJsonSchema>;

export function diffJson(result: CaptureDiff, findings: readonly Finding[], exitCode: number, version: string): DiffJson {
  return JSON.parse(
    JSON.stringify({ schemaVersion: PCAP_JSON_SCHEMA_VERSION, command: 'pcap diff', tool: { name: 'podpath', version }, exitCode, result, findings }),
  ) as DiffJson;
}
