// Bounded reads of the live files the tracer needs (format files, /proc/kallsyms): never more
// than the limit, whatever size the file turns out to have.
import { open } from 'node:fs/promises';
import { PodpathError } from '../../util/errors.js';

export async function readBounded(path: string, limit: { code: string; value: number }): Promise<string> {
  const fh = await open(path, 'r');
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    const buf = Buffer.allocUnsafe(1 << 20);
    while (true) {
      const { bytesRead } = await fh.read(buf, 0, buf.length, null);
      if (bytesRead === 0) break;
      total += bytesRead;
      if (total > limit.value) throw new PodpathError(limit.code, `${path} is larger than ${limit.value} bytes`);
      chunks.push(Buffer.from(buf.subarray(0, bytesRead)));
    }
    return Buffer.concat(chunks).toString('utf8');
  } finally {
    await fh.close();
  }
}
