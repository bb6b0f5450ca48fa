// JSON output of `podpath probe -o json`: the measurements as measured (directions with both nodes'
// counter deltas and the devices read) and the probe rules' findings, versioned for scripts.
import type { ProbeView } from './probe-text.js';
import { jsonText } from './safe-text.js';

export const PROBE_REPORT_SCHEMA = 'podpath.probe';

export function probeJsonDocument(v: ProbeView, podpathVersion: string) {
  const { report: r, outcome } = v;
  return {
    schema: PROBE_REPORT_SCHEMA,
    // The measurement report's version: 2 since the verdict left it (see CHANGELOG.md).
    schemaVersion: r.schemaVersion,
    podpathVersion,
    lang: v.lang,
    peer: r.peer,
    startedAt: r.startedAt,
    directions: r.directions,
    errors: r.errors,
    ...(v.drops ? { drops: v.drops } : {}),
    findings: outcome.findings,
    results: outcome.results.map((x) => (x.reason === undefined ? { ruleId: x.ruleId, status: x.status } : { ruleId: x.ruleId, status: x.status, reason: x.reason })),
  };
}

export function renderProbeJson(v: ProbeView, podpathVersion: string): string {
  return jsonText(probeJsonDocument(v, podpathVersion)) + '\n';
}
