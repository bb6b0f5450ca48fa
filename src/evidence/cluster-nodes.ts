// The `nodes` part of the bag: the facts of many nodes at once, each under its Kubernetes node name,
// with how it was tied to that name (so a rule, and the reader, can tell a sure match from a guess).
// Measuring only: the app fills it (agents' /v1/facts, bundles, facts files), cluster rules read it.
import type { NodeFacts } from './node-facts.js';

/**
 * How a node's facts were tied to a Kubernetes node: its hostname (or the name it was given) is the
 * node's name; else one of its addresses is the node's InternalIP; `none`: no cluster node matched
 * (facts of a host the cluster does not list, or a cluster read without nodes).
 */
export type NodeMatch = 'name' | 'internalIP' | 'none';

export interface ClusterNodeEvidence {
  /** The Kubernetes node name when matched, else the name the facts came with (hostname, file name). */
  name: string;
  matchedBy: NodeMatch;
  /** The address that matched, for `internalIP`. */
  matchedAddress?: string;
  /** Where the facts came from: an agent URL, a bundle path, a facts file. */
  from: string;
  facts: NodeFacts;
  /**
   * The node rules' verdict on this node, when they ran before the cluster rules: what splits
   * the failing nodes from the healthy ones is judged against it.
   */
  health?: { failing: boolean; ruleIds: string[] };
}
