// The knowledge-base rules (kb/known-failures.md sections 5 and 6): what the registry picks up.
import type { Rule } from '../engine/types.js';
import brNetfilterMissing from './br-netfilter-missing.js';
import conntrackInsertFailed from './conntrack-insert-failed.js';
import conntrackNearFull from './conntrack-near-full.js';
import firewallVxlanPort from './firewall-vxlan-port.js';
import forwardPolicyDrop from './forward-policy-drop.js';
import ipForwardOff from './ip-forward-off.js';
import mtuMismatch from './mtu-mismatch.js';
import rpFilterStrict from './rp-filter-strict.js';
import staleVtepFdb from './stale-vtep-fdb.js';
import vxlanPortMismatch from './vxlan-port-mismatch.js';

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
];
