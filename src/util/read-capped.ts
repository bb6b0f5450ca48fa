// Reads a file a user named (a facts file, a JSON result): only a regular file, opened without
// blocking (a FIFO is refused, not waited on), and only up to a limit, checked before reading and
// again while reading (a file that grows meanwhile is refused, never read past the cap).
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { PodpathError } from './errors.js';
import type { Limit } from './limits.js';
import { oneLine } from './terminal-safe.js';

export interface CappedReadErrors {
  /** The error for a file that cannot be opened at all, from its errno code. */
  cannotOpen(errno: string): PodpathError;
  /** Code for a directory, FIFO, socket or device. */
  specialCode: string;
  /** What the file is, for the size message: "a facts file". */
  what: string;
}

export function readRegularFileCapped(file: string, limit: Pick<Limit, 'code' | 'value'>, errors: CappedReadErrors): Buffer {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch (e) {
    throw errors.cannotOpen((e as NodeJS.ErrnoException).code ?? 'EIO');
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new PodpathError(errors.specialCode, `${oneLine(file)} is not a regular file (a directory, FIFO, socket or device): refused`);
    const max = limit.value;
    if (st.size > max) throw new PodpathError(limit.code, `${oneLine(file)} is ${st.size} bytes: ${errors.what} is at most ${max}`);
    const buf = Buffer.allocUnsafe(Math.max(st.size, 0) + 1);
    let got = 0;
    // Read to the end, but never past the size seen (one byte more tells that it grew).
    for (;;) {
      if (got === buf.length) break;
      const n = readSync(fd, buf, got, buf.length - got, null);
      if (n === 0) break;
      got += n;
    }
    if (got > st.size) throw new PodpathError(limit.code, `${oneLine(file)} grew while read: refused`);
    return buf.subarray(0, got);
  } finally {
    closeSync(fd);
  }
}
