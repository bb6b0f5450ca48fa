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
  evidenceLine: {
    code: 'E_LINE_CLIPPED',
    value: 400,
    unit: 'characters',
    what: 'one line of evidence, or a name or value from the input, as a report shows it (the rest becomes "… (N more characters)")',
  },
  findingEvidenceLines: {
    code: 'E_EVIDENCE_LINES',
    value: 50,
    unit: 'lines',
    what: 'evidence lines a report shows per finding (the first ones; then "… and N more lines", and the JSON\'s `evidenceOmitted` counts the rest)',
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
  agentAnswerWait: { code: 'E_AGENT_STALLED', value: 30, unit: 'seconds', what: "how long a peer agent's answer may send nothing once the request is sent (GET routes; a POST waits the work it asked for plus this); after one stall the same agent is not asked again in that run" },
  agentAnswer: { code: 'E_AGENT_ANSWER', value: 64 * 1024 * 1024, unit: 'bytes', what: "a peer agent's API answer (doctor --peer, probe)" },
  agentProbeRequestBytes: { code: 'E_PROBE_BUDGET', value: 128 * 1024 * 1024, unit: 'bytes', what: 'bytes one POST /v1/probe may send (its planned worst case; 429)' },
  agentProbeMinuteBytes: { code: 'E_PROBE_BUDGET_MINUTE', value: 256 * 1024 * 1024, unit: 'bytes', what: 'bytes all POST /v1/probe requests may send in any 60 s (429)' },
  agentProbeRequestsPerMinute: { code: 'E_PROBE_RATE', value: 30, unit: 'requests', what: 'POST /v1/probe requests that may start in any 60 s (429)' },
  responderReplaySessions: { code: 'E_PROBE_REPLAY', value: 4096, unit: 'items', what: "probe sessions whose sequence numbers the responder remembers (oldest forgotten first; a forgotten session's older datagrams count as replayed)" },
  responderReplayWindow: { code: 'E_PROBE_REPLAY', value: 1024, unit: 'items', what: 'sequence numbers remembered per session (older ones count as replayed)' },
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
  // Transcripts (doctor --from FILE.txt, doctor --from - for a paste on standard input).
  transcriptBytes: { code: 'E_TRANSCRIPT_CUT', value: 8 * MiB, unit: 'bytes', what: 'bytes read of a transcript (a file or standard input): the first ones; the report says the rest was left out and is inconclusive without findings' },
  transcriptPackets: { code: 'E_TRANSCRIPT_PACKETS', value: 200_000, unit: 'items', what: 'tcpdump records read from one transcript (the first ones; the rest are left out and a note says so)' },
  // pcap diff: memory follows packet counts, never the time a capture spans; per-flow tables are
  // capped. Reaching one is a warning finding (diff-limits) carrying the code, not an error.
  pcapDiffIndexedPackets: { code: 'E_PCAP_DIFF_LIMIT', value: 20_000_000, unit: 'items', what: "receiver capture's IP packets indexed by pcap diff" },
  pcapDiffUnmatched: { code: 'E_PCAP_DIFF_LIMIT', value: 2_000_000, unit: 'items', what: 'unmatched packets analyzed per direction by pcap diff' },
  pcapDiffAddresses: { code: 'E_PCAP_DIFF_LIMIT', value: 262_143, unit: 'items', what: 'distinct addresses told apart by pcap diff' },
  pcapDiffPairs: { code: 'E_PCAP_DIFF_LIMIT', value: 65_536, unit: 'items', what: 'address pairs counted one by one by pcap diff' },
  pcapDiffRateSources: { code: 'E_PCAP_DIFF_LIMIT', value: 16_384, unit: 'items', what: 'sources whose send rate pcap diff measures' },
  // podpath report: the JSON results it joins into one HTML file.
  reportInputBytes: { code: 'E_REPORT_INPUT_TOO_BIG', value: 64 * MiB, unit: 'bytes', what: 'JSON results read by `podpath report`, all files together (`-`, standard input, included)' },
  labStateBytes: { code: 'E_LAB_STATE', value: 4 << 20, unit: 'bytes', what: "a lab's state.json (podpath writes a few kB)" },
  // Kubernetes: dumps read from files and API responses (src/sources/kube/).
  kubeDumpBytes: { code: 'E_KUBE_DUMP_TOO_LARGE', value: 256 * 1024 * 1024, unit: 'bytes', what: 'one Kubernetes dump file' },
  kubeDumpFiles: { code: 'E_KUBE_DUMP_TOO_MANY_FILES', value: 10_000, unit: 'files', what: 'dump files under the directories given' },
  kubeDumpDepth: { code: 'E_KUBE_DUMP_TOO_DEEP', value: 8, unit: 'levels', what: 'directory depth searched for dumps (deeper is not read)' },
  kubeObjects: { code: 'E_KUBE_TOO_MANY_OBJECTS', value: 500_000, unit: 'items', what: 'Kubernetes objects read, dumps or API' },
  kubeResponseBytes: { code: 'E_KUBE_RESPONSE_TOO_LARGE', value: 64 * 1024 * 1024, unit: 'bytes', what: 'one API server response (one page of a list)' },
  kubeListPages: { code: 'E_KUBE_TOO_MANY_PAGES', value: 2_000, unit: 'requests', what: 'pages of one list (limit=500 each)' },
  clusterBundleBytes: { code: 'E_BUNDLE_TOO_LARGE', value: 1024 * 1024, unit: 'bytes', what: 'the bundle ConfigMap as JSON (the API object limit)' },
  clusterBundleInputBytes: { code: 'E_BUNDLE_TOO_LARGE', value: 16 * 1024 * 1024, unit: 'bytes', what: 'the podpath.mjs read for --bundle' },
  kubeRequestSeconds: { code: 'E_KUBE_TIMEOUT', value: 30, unit: 'seconds', what: 'one API request' },
  // podpath trace (kernel drop tracer, src/sources/tracefs/)
  traceSeconds: { code: 'E_TRACE_DURATION', value: 3600, unit: 'seconds', what: 'length of each `podpath trace` window (--for, --baseline)' },
  traceEvents: { code: 'E_TRACE_EVENTS', value: 2_000_000, unit: 'items', what: 'trace events read in one `podpath trace` run (reading stops, the result says so)' },
  traceBytes: { code: 'E_TRACE_BYTES', value: 512 * 1024 * 1024, unit: 'bytes', what: 'text read from trace_pipe in one run (reading stops, the result says so)' },
  traceLine: { code: 'E_TRACE_LINE', value: 4096, unit: 'characters', what: 'one trace_pipe, kernel log or nft monitor line (longer lines are skipped and counted)' },
  traceKeys: { code: 'E_TRACE_KEYS', value: 1024, unit: 'items', what: 'distinct drop reason/location pairs kept per window (more are counted together as "other")' },
  traceJoin: { code: 'E_TRACE_JOIN', value: 65_536, unit: 'items', what: 'packet addresses remembered per CPU to name the device a dropped packet entered' },
  traceFilter: { code: 'E_TRACE_FILTER', value: 256, unit: 'characters', what: '`podpath trace --filter` expression' },
  agentTraceSeconds: { code: 'E_AGENT_TRACE_TIME', value: 600, unit: 'seconds', what: 'how long a trace asked of an agent (POST /v1/trace/start, /v1/trace/run) may run before the agent ends it and undoes its changes' },
  traceFormat: { code: 'E_TRACE_FORMAT', value: 1024 * 1024, unit: 'bytes', what: 'a tracefs event `format` file' },
  kallsyms: { code: 'E_KALLSYMS_SIZE', value: 64 * 1024 * 1024, unit: 'bytes', what: '/proc/kallsyms read to name raw drop locations' },
  ruleTraceLines: { code: 'E_RULE_TRACE_LINES', value: 200_000, unit: 'lines', what: 'nft monitor or kernel log lines read by `--trace-rules` (reading stops, the result says so)' },
  ruleTracePorts: { code: 'E_RULE_TRACE_PORTS', value: 16, unit: 'items', what: 'ports given to `--trace-rules`' },
  agentCounterAddresses: { code: 'E_COUNTERS_CUT', value: 256, unit: 'items', what: "addresses per interface GET /v1/counters answers (kube-proxy's IPVS mode puts every Service's ClusterIP on kube-ipvs0): the agent's own first, the rest counted in `dropped.addresses`; a reader cuts an older agent's longer list to this many" },
  agentCounterInterfaces: { code: 'E_COUNTERS_CUT', value: 4096, unit: 'items', what: 'interfaces GET /v1/counters answers: the overlay, uplink and bridge devices and those with a routable address first, the rest counted in `dropped.interfaces`' },
  // ---- the mesh (podpath mesh): round plans an agent takes, the coordinator's inputs
  meshRoundsPerMinute: { code: 'E_MESH_RATE', value: 600, unit: 'requests', what: 'POST /v1/mesh/round requests that may start in any 60 s (429); their bytes count in the same per-minute budget as /v1/probe' },
  meshFailedProofsPerMinute: { code: 'E_PROBE_NOT_ALLOWED', value: 120, unit: 'items', what: 'mesh or background targets per 60 s that may fail to prove to be an agent; beyond it an unproven target gets no datagram at all (a round cannot sweep addresses)' },
  meshPeersPerRound: { code: 'E_BAD_REQUEST', value: 32, unit: 'items', what: 'peers one agent probes in one mesh round, and probes it runs at once (k): a larger plan is answered 400 (podpath mesh -k: E_USAGE)' },
  meshAnswerInterfaces: { code: 'E_MESH_INTERFACES_CUT', value: 1024, unit: 'items', what: "interfaces an agent's mesh round answer carries (those with an address: a node with 1,500 pods has a veth with an IPv6 link-local address each); the overlay, uplink and bridge devices and any with a routable address first, the rest counted in the answer's `dropped.interfaces` (the node's `interfacesDropped` in the matrix)" },
  meshAgentsFile: { code: 'E_MESH_AGENTS', value: 16 * 1024 * 1024, unit: 'bytes', what: 'a --agents file (read no further)' },
  meshNodes: { code: 'E_MESH_AGENTS', value: 20_000, unit: 'items', what: 'nodes in a --agents file or --nodes list' },
  // The probe directions a report reads back (probe -o json, doctor --peer -o json): one schema, these bounds.
  reportProbeDirections: { code: 'E_REPORT_INPUT', value: 64, unit: 'items', what: 'probe directions of one probe or doctor --peer result read by `podpath report` (a run has 2 to 4)' },
  reportSweepTries: { code: 'E_REPORT_INPUT', value: 256, unit: 'items', what: 'size sweep tries of one probe direction read by `podpath report` (halving 44 to 65507 bytes takes about 40)' },
  reportRampSteps: { code: 'E_REPORT_INPUT', value: 1024, unit: 'items', what: 'rate ramp steps of one probe direction read by `podpath report` (the longest ramp, 120 s of 0.5 s steps, takes 240)' },
  htmlMeshNodes: { code: 'E_REPORT_MESH_TOO_LARGE', value: 100, unit: 'items', what: 'nodes of a mesh matrix the HTML report draws (-o html, podpath report); a larger matrix: draw a --sample run or a part of the cluster' },
  htmlMeshDetails: { code: 'E_REPORT_MESH_DETAILS', value: 400, unit: 'items', what: 'short cells of a mesh whose counters and sweep tries the HTML report keeps (the rest: their numbers only, said in the page)' },
  meshRuleNodes: { code: 'E_MESH_TOO_LARGE', value: 100, unit: 'items', what: 'nodes in a mesh matrix the mesh rules judge (the cells are kept in memory for them); a larger mesh gets no findings, said in one line' },
  meshTraceNodes: { code: 'E_MESH_TRACE_NODES', value: 100, unit: 'items', what: 'nodes `podpath mesh --trace` traces (every round starts and stops a trace on each node; the traces are kept for the matrix\'s end)' },
  backgroundPeers: { code: 'E_USAGE', value: 16, unit: 'items', what: 'peers an agent probes in the background (--background-peers): never N^2 series' },
} as const satisfies Record<string, Limit>;
