// Every limit podpath applies to what it reads, in one table: the README's limits section is
// generated from this table (and a test keeps the two in step). A limit that is hit gives an
// error with its code, or, where a partial result still means something, a note with the code.

export interface Limit {
  /** Stable error code given when the limit is hit. */
  code: string;
  value: number;
  unit: 'bytes' | 'files' | 'levels' | 'characters' | 'lines' | 'seconds' | 'items' | 'requests' | 'connections' | 'ratio';
  /** What is limited, in a few words. */
  what: string;
}

const MiB = 1024 * 1024;

export const LIMITS = {
  // Bundles (tarballs are read as a stream into memory: nothing is written to disk).
  BUNDLE_UNPACKED_BYTES: { code: 'E_BUNDLE_TOO_BIG', value: 2048 * MiB, unit: 'bytes', what: 'bytes a tarball unpacks to (its entries summed, checked against each header before the data is read)' },
  BUNDLE_RATIO: { code: 'E_BUNDLE_BOMB', value: 1000, unit: 'ratio', what: 'unpacked bytes per compressed byte read, once more than 64 MiB are unpacked (a decompression bomb)' },
  BUNDLE_ENTRIES: { code: 'E_BUNDLE_ENTRIES', value: 500_000, unit: 'files', what: 'entries (files, directories, links) in a tarball' },
  BUNDLE_DEPTH: { code: 'E_BUNDLE_DEPTH', value: 128, unit: 'levels', what: 'directory levels of a path in a tarball' },
  BUNDLE_PATH_CHARS: { code: 'E_BUNDLE_PATH', value: 4096, unit: 'characters', what: 'length of a path in a tarball (PATH_MAX)' },
  BUNDLE_NAME_CHARS: { code: 'E_BUNDLE_PATH', value: 255, unit: 'characters', what: 'length of one file name in a tarball (NAME_MAX)' },
  BUNDLE_KEPT_BYTES: { code: 'E_BUNDLE_MEMORY', value: 256 * MiB, unit: 'bytes', what: 'file contents and names of a tarball kept in memory (only files a podpath source reads keep their contents)' },
  BUNDLE_SECONDS: { code: 'E_BUNDLE_TIMEOUT', value: 300, unit: 'seconds', what: 'time to read a tarball' },
  SYMLINK_HOPS: { code: 'E_BUNDLE_LINK_LOOP', value: 40, unit: 'items', what: 'symbolic links followed to resolve one path inside a bundle (never leaving it)' },
  // Every read, from a bundle, a directory, --root or the live host.
  FILE_BYTES: { code: 'E_FILE_CUT', value: 8 * MiB, unit: 'bytes', what: 'bytes read of one file: the first ones, or the last ones for logs; the evidence is marked as cut' },
  OUTPUT_BYTES: { code: 'E_OUTPUT_CUT', value: 8 * MiB, unit: 'bytes', what: 'bytes read of one command output (live or sos_commands/): the first ones, or the last ones for dmesg/journalctl; marked as cut' },
  LINE_CHARS: { code: 'E_LINE_CUT', value: 16_384, unit: 'characters', what: 'length of one line before any parser sees it (longer lines are cut; JSON output of `ip -j` is exempt)' },
  FACTS_FILE_BYTES: { code: 'E_FACTS_TOO_BIG', value: 64 * MiB, unit: 'bytes', what: 'size of a NodeFacts .json file (--facts, --from x.json)' },
} as const satisfies Record<string, Limit>;
