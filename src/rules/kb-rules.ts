// The knowledge-base rules (kb/known-failures.md sections 5 and 6): what the registry picks up.
import type { Rule } from '../engine/types.js';
import brNetfilterMissing from './node/br-netfilter-missing.js';
import conntrackInsertFailed from './node/conntrack-insert-failed.js';
import conntrackNearFull from './node/conntrack-near-full.js';
import firewallVxlanPort from './node/firewall-vxlan-port.js';
import forwardPolicyDrop from './node/forward-policy-drop.js';
import ipForwardOff from './node/ip-forward-off.js';
import mtuMismatch from './node/mtu-mismatch.js';
import rpFilterStrict from './node/rp-filter-strict.js';
import staleVtepFdb from './node/stale-vtep-fdb.js';
import vxlanPortMismatch from './node/vxlan-port-mismatch.js';
import networkdManagesCni from './node/networkd-manages-cni.js';
import firewalldRejectsForward from './node/firewalld-rejects-forward.js';
import iptablesBackendSplit from './node/iptables-backend-split.js';
import vxlanEndpointAddress from './node/vxlan-endpoint-address.js';

export const kbRules: Rule[] = [
  mtuMismatch,
  forwardPolicyDrop,
  ipForwardOff,
  brNetfilterMissing,
  rpFilterStrict,
  vxlanPortMismatch,
  staleVtepFdb,
  conntrackNearFull,
  conntrackInsertFailed,
  firewallVxlanPort,
  // Issue 11: causes real threads established that had no rule.
  networkdManagesCni,
  firewalldRejectsForward,
  iptablesBackendSplit,
  vxlanEndpointAddress,
];
