// Everything rules judge, in one bag: each command fills the parts it measured (a node's facts
// with its probes, capture summaries, a capture diff, the cluster's facts, the all-pairs matrix,
// kernel drop traces) and the one engine runs the rules whose evidence is there. The schema of
// every part lives in this folder; the code that measures a part only fills it.
import type { CaptureDiff } from './capture-diff.js';
import type { CaptureSummary } from './capture-summary.js';
import type { ClusterFacts } from './cluster-facts.js';
import type { ClusterNodeEvidence } from './cluster-nodes.js';
import type { DropsEvidence } from './drop-evidence.js';
import type { EvidenceKey, NodeFacts } from './node-facts.js';
import type { MeshMatrix } from './mesh-matrix.js';

/** What a rule judges, and how `podpath rules` groups the rules. */
export const RULE_KINDS = ['node', 'probe', 'capture', 'cluster', 'mesh', 'drops'] as const;
export type RuleKind = (typeof RULE_KINDS)[number];

/** The parts of the bag besides the node's facts. */
export interface EvidenceParts {
  cluster: ClusterFacts;
  /** The facts of many nodes, by Kubernetes node name (cluster rules read them with `cluster`). */
  nodes: ClusterNodeEvidence[];
  /** The all-pairs matrix of `podpath mesh` (src/evidence/mesh-matrix.ts). */
  mesh: MeshMatrix;
  /** One summary per capture `pcap analyze` read. */
  captures: CaptureSummary[];
  /** One comparison per sender/receiver pair `pcap diff` read. */
  captureDiffs: CaptureDiff[];
  /** Kernel drop traces of the nodes a probe touched, around each probe run (probe --trace). */
  drops: DropsEvidence;
}

export type Evidence = { node?: NodeFacts } & Partial<EvidenceParts>;

/** A key a rule needs: a section of the node's facts (probes included), or a part of the bag. */
export type NeedKey = EvidenceKey | keyof EvidenceParts;

const PART_KEYS: ReadonlySet<string> = new Set<keyof EvidenceParts>(['cluster', 'nodes', 'mesh', 'captures', 'captureDiffs', 'drops']);

/** The value of a need in the bag, or undefined when it was not measured. */
export function evidenceValue(evidence: Evidence, key: NeedKey): unknown {
  if (PART_KEYS.has(key)) return (evidence as Record<string, unknown>)[key];
  return evidence.node ? (evidence.node as Record<string, unknown>)[key] : undefined;
}

/** Whether a need is a section of the node's facts (its absence may be explained in facts.missing). */
export function isNodeSection(key: NeedKey): key is EvidenceKey {
  return !PART_KEYS.has(key);
}
