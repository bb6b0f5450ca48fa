// Reads a NodeFacts .json file (--facts, --from x.json): only a regular file, opened without
// blocking (a FIFO named x.json is refused, not waited on), and only up to LIMITS.FACTS_FILE_BYTES.
import { LIMITS } from '../util/limits.js';
import type { PodpathError } from '../util/errors.js';
import { readRegularFileCapped } from '../util/read-capped.js';

/** The file's text; `cannotOpen` makes the error for a file that cannot be opened at all (from its errno code). */
export function readFactsText(file: string, cannotOpen: (errno: string) => PodpathError): string {
  return readRegularFileCapped(file, LIMITS.FACTS_FILE_BYTES, { cannotOpen, specialCode: 'E_FACTS_SPECIAL_FILE', what: 'a facts file' }).toString('utf8');
}
