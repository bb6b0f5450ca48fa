// Reading a capture far larger than the reader's buffer must stream: memory stays bounded by the
// chunk size, not the file size. (No timing here; bench/pcap-analyze.bench.ts measures speed.)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateCapture } from '../../bench/gen-capture.js';
import { readCapture } from '../../src/pcap/reader/index.js';

const dir = mkdtempSync(join(tmpdir(), 'pp-large-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('reading a large capture', () => {
  for (const format of ['pcap', 'pcapng'] as const) {
    it(`${format}: delivers every frame of a ~100 MB file with bounded memory`, async () => {
      const file = join(dir, `large.${format}`);
      const expected = generateCapture({ packets: 150_000, out: file, format, seed: 7 });
      expect(expected.fileBytes).toBeGreaterThan(100e6);

      const before = process.memoryUsage.rss();
      let peak = before;
      let frames = 0;
      let frameBytes = 0;
      let lastNumber = 0;
      const summary = await readCapture(file, (f) => {
        frames++;
        frameBytes += f.capLen;
        // Plain checks: an expect() per frame would cost more than the reading.
        if (f.frameNumber !== lastNumber + 1) throw new Error(`frame ${f.frameNumber} after ${lastNumber}`);
        lastNumber = f.frameNumber;
        if (f.data.length !== f.capLen) throw new Error(`frame ${f.frameNumber}: data has ${f.data.length} bytes, capLen ${f.capLen}`);
        if (frames % 2000 === 0) peak = Math.max(peak, process.memoryUsage.rss());
      });

      expect(summary.error).toBeUndefined();
      expect(summary.format).toBe(format);
      expect(summary.frames).toBe(expected.packets);
      expect(frames).toBe(expected.packets);
      expect(frameBytes).toBe(expected.frameBytes);
      expect(summary.bytesRead).toBe(expected.fileBytes);
      // The reader holds one 4 MiB chunk; allow for garbage not yet collected, far below the file size.
      expect(peak - before).toBeLessThan(64 * 2 ** 20);
    }, 120_000);
  }
});
