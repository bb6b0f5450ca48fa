// The cluster doctor report: the cluster rules' findings, and each node's own doctor report (or
// why its facts could not be had). Versioned like the doctor report: fields are only ever added.
import type { ClusterFacts } from '../evidence/cluster-facts.js';
import type { NodeMatch } from '../evidence/cluster-nodes.js';
import { SEVERITY_ORDER, type RunOutcome } from '../engine/run-rules.js';
import type { Finding, Lang, RuleResult, Severity } from '../engine/types.js';
import { isInconclusive, type DoctorReport } from './model.js';

export const CLUSTER_DOCTOR_SCHEMA = 'podpath.cluster-doctor';
export const CLUSTER_DOCTOR_VERSION = 1;

export interface ClusterNodeEntry {
  /** The Kubernetes node name when matched, else the name the facts came with. */
  name: string;
  from: string;
  matchedBy: NodeMatch;
  matchedAddress?: string;
  report?: DoctorReport;
  error?: { code: string; message: string };
}

export interface ClusterDoctorReport {
  schema: typeof CLUSTER_DOCTOR_SCHEMA;
  schemaVersion: typeof CLUSTER_DOCTOR_VERSION;
  podpathVersion: string;
  generatedAt: string;
  lang: Lang;
  /** What the cluster facts were read from; absent when none were given. */
  cluster?: { source: ClusterFacts['source']; counts: ClusterFacts['counts']; partial: ClusterFacts['partial']; notes: ClusterFacts['notes']; nodes: number };
  /** Cluster nodes no facts were had for: the cluster rules could not look at them. */
  withoutFacts: string[];
  summary: {
    nodes: number;
    nodesFailing: number;
    nodeErrors: number;
    rules: number;
    failed: number;
    passed: number;
    skipped: number;
    /** Cluster findings plus every node's. */
    findings: number;
    bySeverity: Record<Severity, number>;
  };
  /** The cluster rules' findings, most severe first. */
  findings: Finding[];
  results: Pick<RuleResult, 'ruleId' | 'status' | 'reason'>[];
  nodes: ClusterNodeEntry[];
}

export function buildClusterReport(o: { cluster?: ClusterFacts; nodes: ClusterNodeEntry[]; outcome: RunOutcome; withoutFacts: string[]; lang: Lang; version: string; now?: Date }): ClusterDoctorReport {
  const bySeverity = Object.fromEntries(SEVERITY_ORDER.map((s) => [s, 0])) as Record<Severity, number>;
  const all = [...o.outcome.findings, ...o.nodes.flatMap((n) => n.report?.findings ?? [])];
  for (const f of all) bySeverity[f.severity]++;
  const count = (status: RuleResult['status']) => o.outcome.results.filter((r) => r.status === status).length;
  return {
    schema: CLUSTER_DOCTOR_SCHEMA,
    schemaVersion: CLUSTER_DOCTOR_VERSION,
    podpathVersion: o.version,
    generatedAt: (o.now ?? new Date()).toISOString(),
    lang: o.lang,
    ...(o.cluster ? { cluster: { source: o.cluster.source, counts: o.cluster.counts, partial: o.cluster.partial, notes: o.cluster.notes, nodes: o.cluster.nodes.length } } : {}),
    withoutFacts: o.withoutFacts,
    summary: {
      nodes: o.nodes.length,
      nodesFailing: o.nodes.filter((n) => (n.report?.findings.length ?? 0) > 0).length,
      nodeErrors: o.nodes.filter((n) => n.error).length,
      rules: o.outcome.results.length,
      failed: count('fail'),
      passed: count('pass'),
      skipped: count('skipped'),
      findings: all.length,
      bySeverity,
    },
    findings: o.outcome.findings,
    results: o.outcome.results.map((r) => (r.reason === undefined ? { ruleId: r.ruleId, status: r.status } : { ruleId: r.ruleId, status: r.status, reason: r.reason })),
    nodes: o.nodes,
  };
}

/**
 * What the cluster rules' outcome says when they found nothing: `healthy` only when every rule was
 * judged; `partlyJudged` when some were skipped; `notJudged` when none was, or when the cluster
 * facts hold no Node object (fleet-split may still pass on the nodes' own facts, but nothing was
 * said about the cluster): nothing then says the cluster is fine.
 */
export function clusterRulesVerdict(r: Pick<ClusterDoctorReport, 'findings' | 'summary' | 'cluster'>): 'findings' | 'healthy' | 'partlyJudged' | 'notJudged' {
  if (r.findings.length > 0) return 'findings';
  if ((r.summary.rules > 0 && r.summary.passed === 0) || r.cluster?.nodes === 0) return 'notJudged';
  return r.summary.skipped > 0 ? 'partlyJudged' : 'healthy';
}

/**
 * No finding, yet not healthy: a node's evidence is incomplete, a cluster list was cut short (its
 * absences prove nothing; `partial` is a list: an empty one is a complete read), or no cluster rule
 * could judge.
 */
export function isClusterInconclusive(r: Pick<ClusterDoctorReport, 'nodes' | 'cluster' | 'findings' | 'summary'>): boolean {
  if (clusterRulesVerdict(r) === 'notJudged') return true;
  return r.nodes.some((n) => n.report !== undefined && isInconclusive(n.report)) || (r.cluster?.partial.length ?? 0) > 0;
}
