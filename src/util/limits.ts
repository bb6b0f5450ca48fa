// Every limit podpath applies to what it reads, in one table: the README's limits section is
// generated from this table (and a test keeps the two in step). A limit that is hit gives an
// error with its code, or, where a partial result still means something, a note with the code.

export interface Limit {
  /** Stable error code given when the limit is hit. */
  code: string;
  value: number;
  unit: 'bytes' | 'files' | 'levels' | 'characters' | 'lines' | 'seconds' | 'items' | 'requests' | 'connections';
  /** What is limited, in a few words. */
  what: string;
}

export const LIMITS = {
  // pcap diff: memory follows packet counts, never the time a capture spans; per-flow tables are
  // capped. Reaching one is a warning finding (diff-limits) carrying the code, not an error.
  pcapDiffIndexedPackets: { code: 'E_PCAP_DIFF_LIMIT', value: 20_000_000, unit: 'items', what: "receiver capture's IP packets indexed by pcap diff" },
  pcapDiffUnmatched: { code: 'E_PCAP_DIFF_LIMIT', value: 2_000_000, unit: 'items', what: 'unmatched packets analyzed per direction by pcap diff' },
  pcapDiffAddresses: { code: 'E_PCAP_DIFF_LIMIT', value: 262_143, unit: 'items', what: 'distinct addresses told apart by pcap diff' },
  pcapDiffPairs: { code: 'E_PCAP_DIFF_LIMIT', value: 65_536, unit: 'items', what: 'address pairs counted one by one by pcap diff' },
  pcapDiffRateSources: { code: 'E_PCAP_DIFF_LIMIT', value: 16_384, unit: 'items', what: 'sources whose send rate pcap diff measures' },
} as const satisfies Record<string, Limit>;
