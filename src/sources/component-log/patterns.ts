// Lines of the CNI agents', kube-proxy's and kubelet's logs whose meaning is certain, as data (like
// the kernel-log table): an id rules refer to, a regex over one line, and what it means.

export interface ComponentLogPattern {
  id: string;
  regex: RegExp;
  reason: string;
}

export const COMPONENT_LOG_PATTERNS: readonly ComponentLogPattern[] = [
  {
    id: 'br-netfilter-missing',
    // flannel: `Failed to check br_netfilter: stat /proc/sys/net/bridge/bridge-nf-call-iptables: no such file or directory`;
    // sysctl: `sysctl: cannot stat /proc/sys/net/bridge/bridge-nf-call-iptables: No such file or directory`.
    regex: /(?:Failed to check br_netfilter|cannot stat \/proc\/sys\/net\/bridge\/bridge-nf-call-ip6?tables|stat \/proc\/sys\/net\/bridge\/bridge-nf-call-ip6?tables: no such file)/i,
    reason: 'The br_netfilter module is not loaded: /proc/sys/net/bridge does not exist, bridged pod traffic bypasses iptables, and flannel refuses to start.',
  },
  {
    id: 'flannel-interface',
    // flannel: `Using interface with name enp0s3 and address 10.0.2.15`.
    regex: /Using interface with name (\S{1,64}) and address (\S{1,64})/,
    reason: 'The interface and address flannel chose for its VXLAN endpoint (its public-ip).',
  },
  {
    id: 'flannel-external-address',
    // flannel: `Defaulting external address to interface address (10.0.2.15)`, `Using 10.0.2.15 as external address`.
    regex: /(?:Defaulting external address to interface address \((\S{1,64})\)|Using (\S{1,64}) as external address)/,
    reason: 'The address flannel publishes as this node\'s public-ip: peers send VXLAN to it.',
  },
  {
    id: 'iptables-legacy-no-table',
    // kube-proxy's image with legacy iptables 1.6 on a host whose tables are nf_tables.
    regex: /iptables v1\.[0-7]\.\d{1,3}: can't initialize iptables table/,
    reason: 'A legacy iptables (1.6/1.7) found no table: the host keeps its rules in the nf_tables backend, which it cannot see.',
  },
  {
    id: 'iptables-legacy-tables-present',
    regex: /iptables-legacy tables present/,
    reason: 'iptables-nft says the legacy backend holds tables too: two rule sets are in force.',
  },
  {
    id: 'kube-proxy-conntrack-max',
    // kube-proxy: `Setting nf_conntrack_max to 786432`.
    regex: /Setting nf_conntrack_max to (\d{1,12})/,
    reason: 'The conntrack table size kube-proxy set.',
  },
  {
    id: 'calico-rpf-loose',
    // Felix: `Kernel's RPF check is set to 'loose'. ... Calico requires net.ipv4.conf.all.rp_filter to be set to 0 or 1.`
    regex: /RPF check is set to 'loose'/,
    reason: "Calico's Felix refuses to run with loose reverse-path filtering (rp_filter=2).",
  },
  {
    id: 'flannel-subnet-env-missing',
    regex: /open \/run\/flannel\/subnet\.env: no such file/,
    reason: 'The CNI plugin found no subnet.env: flannel is not running (or not yet) on this node.',
  },
  {
    id: 'host-unreachable',
    // firewalld's reject (icmp-host-prohibited) as clients print it.
    regex: /(?:No route to host|Host is unreachable|EHOSTUNREACH)/,
    reason: 'An ICMP host-unreachable/host-prohibited came back: a route is missing, or a firewall rejects (firewalld\'s default REJECT uses icmp-host-prohibited).',
  },
];

/** The lines of `text` that match a pattern, each once (the first pattern wins). */
export function scanComponentLog(text: string): { pattern: string; line: string }[] {
  const out: { pattern: string; line: string }[] = [];
  for (const raw of text.split('\n')) {
    if (raw.length > 16_384) continue;
    const p = COMPONENT_LOG_PATTERNS.find((x) => x.regex.test(raw));
    if (p) out.push({ pattern: p.id, line: raw.trim() });
  }
  return out;
}
