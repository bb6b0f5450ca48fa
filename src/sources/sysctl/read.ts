import type { EvidenceSource, FactsPart } from '../types.js';
import { whyMissing } from '../host/types.js';
import { commandLine } from '../host/sos-names.js';
import { missingBecause } from '../../evidence/missing-reasons.js';
import { isInterestingSysctl, parseSysctlA, procPathToName } from './parse.js';

const CONF_DIR = '/proc/sys/net/ipv4/conf';
const PER_INTERFACE = ['rp_filter', 'log_martians', 'forwarding'];
const FIXED = [
  '/proc/sys/net/ipv4/ip_forward',
  '/proc/sys/net/bridge/bridge-nf-call-iptables',
  '/proc/sys/net/bridge/bridge-nf-call-ip6tables',
  '/proc/sys/net/netfilter/nf_conntrack_max',
  '/proc/sys/net/netfilter/nf_conntrack_count',
  '/proc/sys/net/ipv4/neigh/default/gc_thresh3',
];
const SYSCTL_A = { argv: ['sysctl', '-a'], plugin: 'kernel' };

export const sysctlSource: EvidenceSource = {
  id: 'sysctl',
  provides: ['sysctls'],
  reads: [],
  commands: [SYSCTL_A],
  files: [...FIXED, ...PER_INTERFACE.map((k) => `${CONF_DIR}/*/${k}`)],
  async read(host): Promise<FactsPart> {
    const values: Record<string, string> = {};
    const sources: string[] = [];
    const paths = [...FIXED];
    for (const dir of await host.listDir(CONF_DIR)) for (const k of PER_INTERFACE) paths.push(`${dir}/${k}`);
    for (const p of paths) {
      const f = await host.readFile(p);
      if (!f) continue;
      values[procPathToName(p)] = f.text.trim();
      sources.push(f.source);
    }
    // A sosreport has no /proc/sys/net copy, but it has `sysctl -a`. A live host has /proc/sys:
    // there `sysctl -a` would only repeat it (and, under --root, describe the wrong node).
    if (!('net.ipv4.ip_forward' in values)) {
      const all = await host.run(SYSCTL_A);
      if (all) {
        for (const [k, v] of Object.entries(parseSysctlA(all.stdout, isInterestingSysctl))) values[k] ??= v;
        sources.push(all.source);
      }
    }
    if (sources.length === 0) {
      return { missing: missingBecause('sysctls', whyMissing(host, FIXED[0]!), whyMissing(host, commandLine(SYSCTL_A.argv))) };
    }
    // net.bridge.* absent from `values` is itself the fact that br_netfilter is not loaded.
    return { sysctls: { values: sortKeys(values), sources: [...new Set(sources)] } };
  },
};

function sortKeys(o: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
