// sysctls: `/proc/sys/net/ipv4/ip_forward` <-> `net.ipv4.ip_forward`, and `sysctl -a` output.

/** `/proc/sys/net/ipv4/conf/eth0/rp_filter` -> `net.ipv4.conf.eth0.rp_filter` (a `.` in a name, as in `eth0.100`, becomes `/` as sysctl(8) prints it). */
export function procPathToName(p: string): string {
  return p.replace(/^\/proc\/sys\//, '').split('/').map((part) => part.replace(/\./g, '/')).join('.');
}

/** `sysctl -a` lines `name = value`; names of interest only when a filter is given. */
export function parseSysctlA(text: string, keep: (name: string) => boolean = () => true): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^([\w./-]+)\s*=\s*(.*)$/s.exec(line);
    if (m && keep(m[1]!)) out[m[1]!] = m[2]!.trim().replace(/\s+/g, ' ');
  }
  return out;
}

/** The sysctls overlay rules read. */
export function isInterestingSysctl(name: string): boolean {
  return (
    name === 'net.ipv4.ip_forward' ||
    /^net\.ipv4\.conf\.[^.]+\.(rp_filter|log_martians|forwarding)$/.test(name) ||
    /^net\.bridge\.bridge-nf-call-(iptables|ip6tables|arptables)$/.test(name) ||
    /^net\.netfilter\.nf_conntrack_(max|count|buckets|udp_timeout|udp_timeout_stream)$/.test(name) ||
    /^net\.ipv4\.neigh\.default\.gc_thresh[123]$/.test(name) ||
    name === 'net.core.rmem_max' || name === 'net.core.wmem_max' || name === 'net.ipv4.udp_mem'
  );
}
