// The rule registry: the seed rules (one file each), the knowledge-base rules (kb-rules.ts), the
// probe and capture rules, sorted by id. `doctor`, `rules`, the docs generator and the docs test all read this list.
import type { Rule, RuleKind } from '../engine/types.js';
import { compareIds } from '../util/arrays.js';
import { kbRules } from './kb-rules.js';
import { probeRules } from './probe-rules.js';
import { clusterRules } from './cluster-rules.js';
import { dropRules } from './drop-rules.js';
import { captureRules } from './capture-rules.js';
import { meshRules } from './mesh-rules.js';
import kernelBadUdpChecksum from './node/kernel-bad-udp-checksum.js';
import kernelLogBadOffload from './node/kernel-log-bad-offload.js';
import lroOnForwardingHost from './node/lro-on-forwarding-host.js';
import networkmanagerManagesCni from './node/networkmanager-manages-cni.js';
import overlayAddressMisrouted from './node/overlay-address-misrouted.js';
import overlayRxZero from './node/overlay-rx-zero.js';
import peerPodRoutesMissing from './node/peer-pod-routes-missing.js';
import udpCsumErrors from './node/udp-csum-errors.js';
import vxlanNatChecksum from './node/vxlan-nat-checksum.js';

/** Rules for the five field reports in shared/seeds. */
export const seedRules: Rule[] = [
  kernelBadUdpChecksum,
  vxlanNatChecksum,
  udpCsumErrors,
  overlayRxZero,
  networkmanagerManagesCni,
  overlayAddressMisrouted,
  peerPodRoutesMissing,
  lroOnForwardingHost,
  kernelLogBadOffload,
];

function sortedUnique(rules: Rule[]): Rule[] {
  const seen = new Set<string>();
  for (const r of rules) {
    if (seen.has(r.meta.id)) throw new Error(`two rules share the id ${r.meta.id}`);
    seen.add(r.meta.id);
  }
  return [...rules].sort((a, b) => compareIds(a.meta.id, b.meta.id));
}

export const allRules: readonly Rule[] = sortedUnique([...seedRules, ...kbRules, ...probeRules, ...captureRules, ...clusterRules, ...dropRules, ...meshRules]);

/** The rules of some kinds: what a command judges (doctor: the node and probes; pcap: captures). */
export function rulesOfKind(...kinds: RuleKind[]): Rule[] {
  return allRules.filter((r) => kinds.includes(r.meta.kind));
}

/** What one node's doctor runs: the node and probe rules (the cluster's need many nodes and the cluster's facts). */
export const nodeRules: readonly Rule[] = rulesOfKind('node', 'probe');

export function ruleById(id: string): Rule | undefined {
  return allRules.find((r) => r.meta.id === id);
}
