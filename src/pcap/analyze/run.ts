// Reads one capture (path, `-` for stdin, or a stream), decodes each frame while its bytes are
// valid, and feeds the accumulators: one pass, memory bounded by the accumulators' caps. The frame
// is decoded into one reused flat record (no object graph, no address string per packet).
import { readRecords } from '../reader/index.js';
import { decodeRecord, FlatPacket } from '../decode/index.js';
import type { DecodeOptions } from '../types.js';
import { CaptureAnalyzer, type CaptureSummary } from './capture-analysis.js';

export interface AnalyzeOptions {
  vxlanPorts?: number[];
}

export async function analyzeCapture(input: string | NodeJS.ReadableStream, label: string, opts: AnalyzeOptions = {}): Promise<CaptureSummary> {
  const analyzer = new CaptureAnalyzer();
  const decode: DecodeOptions = { vxlanPorts: opts.vxlanPorts };
  const flat = new FlatPacket();
  // Records straight from the reader's buffer: no object, no subarray per frame.
  const summary = await readRecords(input, (rec) => analyzer.addFlat(decodeRecord(rec, rec.buf, rec.at, rec.capLen, decode, flat)));
  return analyzer.finish(label, summary);
}
