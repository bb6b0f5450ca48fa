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
  // ---- the node agent (podpath agent): its secrets, its HTTP API, its probe requests, its responder
  agentSecretFile: { code: 'E_SECRET_FILE', value: 4096, unit: 'bytes', what: 'a --key-file / --token-file (a regular file; read no further)' },
  agentTlsFile: { code: 'E_TLS_FILE', value: 65536, unit: 'bytes', what: 'a --tls-cert / --tls-key file (a regular file; read no further)' },
  agentBody: { code: 'E_BODY_TOO_LARGE', value: 4096, unit: 'bytes', what: 'an API request body (answered 413, then the connection is closed)' },
  agentHeadersTimeout: { code: 'E_HTTP_TIMEOUT', value: 5, unit: 'seconds', what: "a connection's time to send an authorized request's headers (else closed)" },
  agentRequestTimeout: { code: 'E_HTTP_TIMEOUT', value: 10, unit: 'seconds', what: 'the time to send a whole API request, body included (else closed)' },
  agentConnectionsPerSource: { code: 'E_TOO_MANY_CONNECTIONS', value: 8, unit: 'connections', what: 'open API connections from one address (IPv6: one /64); more are closed at once' },
  agentConnections: { code: 'E_TOO_MANY_CONNECTIONS', value: 256, unit: 'connections', what: 'open API connections in all' },
  agentUnauthorizedLogLines: { code: 'E_UNAUTHORIZED', value: 10, unit: 'lines', what: 'log lines per minute about refused (unauthenticated) requests; then one "suppressed" line' },
  agentAnswer: { code: 'E_AGENT_ANSWER', value: 64 * 1024 * 1024, unit: 'bytes', what: "a peer agent's API answer (doctor --peer, probe)" },
  agentProbeRequestBytes: { code: 'E_PROBE_BUDGET', value: 128 * 1024 * 1024, unit: 'bytes', what: 'bytes one POST /v1/probe may send (its planned worst case; 429)' },
  agentProbeMinuteBytes: { code: 'E_PROBE_BUDGET_MINUTE', value: 256 * 1024 * 1024, unit: 'bytes', what: 'bytes all POST /v1/probe requests may send in any 60 s (429)' },
  agentProbeRequestsPerMinute: { code: 'E_PROBE_RATE', value: 30, unit: 'requests', what: 'POST /v1/probe requests that may start in any 60 s (429)' },
  responderReplaySessions: { code: 'E_PROBE_REPLAY', value: 4096, unit: 'items', what: "probe sessions whose sequence numbers the responder remembers (oldest forgotten first; a forgotten session's older datagrams count as replayed)" },
  responderReplayWindow: { code: 'E_PROBE_REPLAY', value: 1024, unit: 'items', what: 'sequence numbers remembered per session (older ones count as replayed)' },
  // ---- the mesh (podpath mesh): round plans an agent takes, the coordinator's inputs
  meshRoundsPerMinute: { code: 'E_MESH_RATE', value: 600, unit: 'requests', what: 'POST /v1/mesh/round requests that may start in any 60 s (429); their bytes count in the same per-minute budget as /v1/probe' },
  meshPeersPerRound: { code: 'E_MESH_PLAN', value: 32, unit: 'items', what: 'peers one agent probes in one mesh round, and probes it runs at once (k)' },
  meshAgentsFile: { code: 'E_MESH_AGENTS', value: 16 * 1024 * 1024, unit: 'bytes', what: 'a --agents file (read no further)' },
  meshNodes: { code: 'E_MESH_AGENTS', value: 20_000, unit: 'items', what: 'nodes in a --agents file or --nodes list' },
  backgroundPeers: { code: 'E_USAGE', value: 16, unit: 'items', what: 'peers an agent probes in the background (--background-peers): never N^2 series' },
} as const satisfies Record<string, Limit>;
