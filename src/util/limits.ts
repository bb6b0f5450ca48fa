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
  labStateBytes: { code: 'E_LAB_STATE', value: 4 << 20, unit: 'bytes', what: "a lab's state.json (podpath writes a few kB)" },
} as const satisfies Record<string, Limit>;
