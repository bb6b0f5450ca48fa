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
  evidenceLine: {
    code: 'E_LINE_CLIPPED',
    value: 400,
    unit: 'characters',
    what: 'one line of evidence, or a name or value from the input, as a report shows it (the rest becomes "… (N more characters)")',
  },
} as const satisfies Record<string, Limit>;
