// Knowledge-base rules (MTU, FORWARD policy, ip_forward, br_netfilter, rp_filter, VXLAN port, stale
// VtepMAC/FDB, conntrack): a stub until that work lands; it exports them as `kbRules`.
import type { Rule } from '../engine/types.js';

export const kbRules: Rule[] = [];
