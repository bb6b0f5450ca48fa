// Reads a small file a user named (a secret, a certificate): a regular file only, and never more
// than `limit` bytes, so /dev/zero, a FIFO or a huge file is refused at once instead of read whole.
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { PodpathError } from '../util/errors.js';

export function readSmallFile(file: string, limit: number, code: string): Buffer {
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer.
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch (e) {
    throw new PodpathError(code, `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new PodpathError(code, `${file} is not a regular file`);
    if (st.size > limit) throw new PodpathError(code, `${file} is larger than ${limit} bytes`);
    const buf = Buffer.alloc(limit + 1);
    let n = 0;
    while (n < buf.length) {
      const got = readSync(fd, buf, n, buf.length - n, null);
      if (got === 0) break;
      n += got;
    }
    if (n > limit) throw new PodpathError(code, `${file} is larger than ${limit} bytes`);
    return buf.subarray(0, n);
  } catch (e) {
    if (e instanceof PodpathError) throw e;
    throw new PodpathError(code, `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  } finally {
    closeSync(fd);
  }
}
