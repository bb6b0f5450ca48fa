// Reads a NodeFacts .json file (--facts, --from x.json): only a regular file, opened without
// blocking (a FIFO named x.json is refused, not waited on), and only up to LIMITS.FACTS_FILE_BYTES.
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { LIMITS } from '../util/limits.js';
import { PodpathError } from '../util/errors.js';
import { oneLine } from '../util/terminal-safe.js';

/** The file's text; `cannotOpen` makes the error for a file that cannot be opened at all (from its errno code). */
export function readFactsText(file: string, cannotOpen: (errno: string) => PodpathError): string {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch (e) {
    throw cannotOpen((e as NodeJS.ErrnoException).code ?? 'EIO');
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new PodpathError('E_FACTS_SPECIAL_FILE', `${oneLine(file)} is not a regular file (a directory, FIFO, socket or device): refused`);
    const max = LIMITS.FACTS_FILE_BYTES.value;
    if (st.size > max) throw new PodpathError(LIMITS.FACTS_FILE_BYTES.code, `${oneLine(file)} is ${st.size} bytes: a facts file is at most ${max}`);
    const buf = Buffer.allocUnsafe(Math.max(st.size, 0) + 1);
    let got = 0;
    // Read to the end, but never past the cap (a file that grows while read).
    for (;;) {
      if (got === buf.length) break;
      const n = readSync(fd, buf, got, buf.length - got, null);
      if (n === 0) break;
      got += n;
    }
    if (got > st.size) throw new PodpathError(LIMITS.FACTS_FILE_BYTES.code, `${oneLine(file)} grew while read: refused`);
    return buf.subarray(0, got).toString('utf8');
  } finally {
    closeSync(fd);
  }
}
