// Sysctls: per-interface keys compared by the interface's role; counters and per-boot values left out.
import type { NodeContext } from '../context.js';
import type { NodeDiffSink } from '../sink.js';
import type { Relevance } from '../../../evidence/node-diff.js';

/** Values that change by themselves (counters, random seeds, per-boot ids): never a difference. */
const NOISE = /(^net\.netfilter\.nf_conntrack_count$|^kernel\.random\.|stable_secret$|^kernel\.(hostname|domainname|ns_last_pid|pty\.nr|tainted)$|^fs\.(dentry-state|file-nr|inode-nr|inode-state|quota\.)|^net\.ipv4\.route\.gc_|^kernel\.sched_domain|^vm\.stat_|^kernel\.core_pattern$)/;

/** Known to decide whether overlay packets are forwarded, filtered or dropped. */
const HIGH = /(^net\.ipv4\.ip_forward$|\.forwarding$|\.rp_filter$|^net\.bridge\.bridge-nf-call-|^net\.ipv4\.conf\.[^.]+\.accept_local$|^net\.ipv4\.ip_local_reserved_ports$|^net\.netfilter\.nf_conntrack_max$|^net\.ipv4\.udp_|^net\.core\.(rmem|wmem)_max$|^net\.ipv4\.conf\.[^.]+\.arp_(filter|ignore|announce)$|^net\.ipv4\.conf\.[^.]+\.log_martians$)/;
const MEDIUM = /^(net\.|kernel\.unprivileged_bpf|vm\.overcommit)/;

/** `net.ipv4.conf.eth0.rp_filter` -> `net.ipv4.conf.<underlay>.rp_filter`; undefined for pod veths. */
function normaliseKey(ctx: NodeContext, key: string): string | undefined {
  // `[^.]+` already takes a `/` (eth0/100 for eth0.100); `s`: `(\..+)$` cannot fail and backtrack.
  const m = /^(net\.ipv[46]\.(?:conf|neigh)\.)([^.]+)(\..+)$/s.exec(key);
  if (!m) return key;
  const iface = (m[2] ?? '').replace(/\//g, '.');
  if (['all', 'default'].includes(iface)) return key;
  const role = ctx.roleOf(iface);
  return role === undefined ? undefined : `${m[1] ?? ''}${role}${m[3] ?? ''}`;
}

function normalised(ctx: NodeContext): Map<string, { value: string; raw: string }> {
  const out = new Map<string, { value: string; raw: string }>();
  for (const [k, v] of Object.entries(ctx.facts.sysctls?.values ?? {})) {
    if (NOISE.test(k)) continue;
    const nk = normaliseKey(ctx, k);
    if (nk !== undefined) out.set(nk, { value: v.trim().replace(/\s+/g, ' '), raw: k });
  }
  return out;
}

export function compareSysctls(sink: NodeDiffSink, a: NodeContext, b: NodeContext): void {
  const sa = a.facts.sysctls;
  const sb = b.facts.sysctls;
  if (!sa || !sb) return;
  const na = normalised(a);
  const nb = normalised(b);
  // net.ipv4.ip_forward sets every interface's forwarding: when it differs, those follow it.
  const fwdA = na.get('net.ipv4.ip_forward')?.value;
  const fwdB = nb.get('net.ipv4.ip_forward')?.value;
  const followsIpForward = (key: string, x?: string, y?: string) => fwdA !== fwdB && /^net\.ipv4\.conf\.[^.]+(\.[^.]+)*\.forwarding$/.test(key) && x === fwdA && y === fwdB;
  const srcA = sa.sources[0] ?? 'sysctl';
  const srcB = sb.sources[0] ?? 'sysctl';
  for (const key of [...new Set([...na.keys(), ...nb.keys()])].sort()) {
    const x = na.get(key);
    const y = nb.get(key);
    // A key collected on one node only is usually a collection difference, except the bridge keys:
    // they exist only while br_netfilter is loaded.
    const oneSided = x === undefined || y === undefined;
    if (oneSided && !/^net\.bridge\./.test(key)) {
      if (key.includes('<underlay>') || /\.(flannel|vxlan|cni)/.test(key)) sink.value('sysctl', key, x?.value, y?.value, 'low', { note: { code: 'sysctlOneSided' } });
      continue;
    }
    const follows = followsIpForward(key, x?.value, y?.value);
    const relevance: Relevance = follows ? 'low' : HIGH.test(key) ? 'high' : MEDIUM.test(key) ? 'medium' : 'low';
    sink.value('sysctl', key, x?.value, y?.value, relevance, {
      note: oneSided ? { code: 'bridgeSysctls' } : follows ? { code: 'followsIpForward' } : undefined,
      evA: x ? [{ source: srcA, text: `${x.raw} = ${x.value}` }] : [],
      evB: y ? [{ source: srcB, text: `${y.raw} = ${y.value}` }] : [],
    });
  }
}
