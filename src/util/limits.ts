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
  // podpath trace (kernel drop tracer, src/sources/tracefs/)
  traceSeconds: { code: 'E_TRACE_DURATION', value: 3600, unit: 'seconds', what: 'length of each `podpath trace` window (--for, --baseline)' },
  traceEvents: { code: 'E_TRACE_EVENTS', value: 2_000_000, unit: 'items', what: 'trace events read in one `podpath trace` run (reading stops, the result says so)' },
  traceBytes: { code: 'E_TRACE_BYTES', value: 512 * 1024 * 1024, unit: 'bytes', what: 'text read from trace_pipe in one run (reading stops, the result says so)' },
  traceLine: { code: 'E_TRACE_LINE', value: 4096, unit: 'characters', what: 'one trace_pipe, kernel log or nft monitor line (longer lines are skipped and counted)' },
  traceKeys: { code: 'E_TRACE_KEYS', value: 1024, unit: 'items', what: 'distinct drop reason/location pairs kept per window (more are counted together as "other")' },
  traceJoin: { code: 'E_TRACE_JOIN', value: 65_536, unit: 'items', what: 'packet addresses remembered per CPU to name the device a dropped packet entered' },
  traceFilter: { code: 'E_TRACE_FILTER', value: 256, unit: 'characters', what: '`podpath trace --filter` expression' },
  traceFormat: { code: 'E_TRACE_FORMAT', value: 1024 * 1024, unit: 'bytes', what: 'a tracefs event `format` file' },
  kallsyms: { code: 'E_KALLSYMS_SIZE', value: 64 * 1024 * 1024, unit: 'bytes', what: '/proc/kallsyms read to name raw drop locations' },
  ruleTraceLines: { code: 'E_RULE_TRACE_LINES', value: 200_000, unit: 'lines', what: 'nft monitor or kernel log lines read by `--trace-rules` (reading stops, the result says so)' },
  ruleTracePorts: { code: 'E_RULE_TRACE_PORTS', value: 16, unit: 'items', what: 'ports given to `--trace-rules`' },
} as const satisfies Record<string, Limit>;
