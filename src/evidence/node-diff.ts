// The node diff's result: what differs between a healthy node (A) and a broken one (B), ranked by how
// much it can matter for cross-node overlay traffic. Computed by src/app/node-diff/, rendered by
// src/report/node-diff-*.ts; here so that both read one shape without the renderer importing the use case.
import type { EvidenceLine } from './node-facts.js';
import type { NodeDiffNote } from './node-diff-notes.js';

/** Groups, in the order they are shown: what breaks cross-node traffic most often comes first. */
export const CATEGORIES = [
  'kernel', 'os', 'nic', 'offload', 'mtu', 'vxlan', 'peers', 'sysctl', 'routes', 'packet-filter', 'network-manager', 'cni', 'modules',
] as const;
export type Category = (typeof CATEGORIES)[number];

/** high: known to break overlay traffic; medium: can; low: context, shown with --all, never fails the diff. */
export type Relevance = 'high' | 'medium' | 'low';
export const RELEVANCE_ORDER: readonly Relevance[] = ['high', 'medium', 'low'];

export interface Difference {
  category: Category;
  /** What is compared, stable across runs: `kernel.release`, `offload.eth0.tx-checksum-ip-generic`. */
  key: string;
  /** The value on each node; undefined = absent on that node. */
  a?: string;
  b?: string;
  relevance: Relevance;
  /**
   * A value in podpath's own words ("only here: ...", "present (vxlan)"): the code that says it in
   * each language; `a`/`b` hold it in English. Absent for a value as read from the node.
   */
  words?: { a?: NodeDiffNote; b?: NodeDiffNote };
  /** Why it matters, or what the values mean: codes of src/evidence/node-diff-notes.ts, said in one line. */
  note?: NodeDiffNote[];
  /** The lines behind each side's value, with where they came from. */
  evidence: { a: EvidenceLine[]; b: EvidenceLine[] };
}

export interface NodeDiff {
  differences: Difference[];
  /** Sections that could not be compared because one node (or both) lacks them. */
  notCompared: { section: string; missingOn: ('a' | 'b')[] }[];
  /** Differences that are high or medium: what decides the exit code. */
  relevantCount: number;
}
