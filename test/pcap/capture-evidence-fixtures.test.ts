// The capture summaries the capture rules' tests read (test/fixtures/evidence/captures/*.json)
// are what `pcap analyze` measures today in the real captures they were recorded from: a change
// to the analyzer that would change them fails here until make.ts is run again.
import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { analyzeCapture } from '../../src/pcap/analyze/run.js';
import { CaptureSummary } from '../../src/evidence/capture-summary.js';
import { RECORDED, recordedSummary, type RecordedCapture } from '../fixtures/evidence/captures/load.js';

describe('recorded capture summaries', () => {
  for (const [name, path] of Object.entries(RECORDED) as [RecordedCapture, string][]) {
    it(`${name} is fresh and valid (npx tsx test/fixtures/evidence/captures/make.ts)`, async () => {
      const now = await analyzeCapture(fileURLToPath(new URL(`../fixtures/${path}`, import.meta.url)), path);
      expect(JSON.parse(JSON.stringify(now))).toEqual(recordedSummary(name));
      expect(() => CaptureSummary.parse(recordedSummary(name))).not.toThrow();
    });
  }
});
