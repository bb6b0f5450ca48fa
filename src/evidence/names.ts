// What users read for an evidence section: NodeFacts keys (routeGets, packetFilter) are names in
// the code and the JSON, never in a sentence. Every key has a name in both languages (the Record
// type makes a new key without one a compile error); sub-keys of `missing` (packetFilter.nft) too.
import type { EvidenceKey } from './node-facts.js';

type Name = { en: string; zh: string };

export const EVIDENCE_NAMES: Record<EvidenceKey, Name> = {
  kernel: { en: 'kernel version', zh: '内核版本' },
  os: { en: 'OS release', zh: '操作系统版本' },
  kernelPackages: { en: 'kernel package history', zh: '内核软件包历史' },
  boot: { en: 'boot entries', zh: '启动项' },
  links: { en: 'links', zh: '网络接口' },
  routes: { en: 'routes', zh: '路由' },
  routeGets: { en: '`ip route get` answers', zh: '`ip route get` 结果' },
  neighbours: { en: 'neighbours', zh: '邻居表' },
  fdb: { en: 'FDB entries', zh: 'FDB 表' },
  nics: { en: 'NIC offload features', zh: '网卡卸载特性' },
  snmp: { en: 'SNMP counters', zh: 'SNMP 计数' },
  netstat: { en: 'netstat counters', zh: 'netstat 计数' },
  netdev: { en: 'interface counters', zh: '接口计数' },
  conntrack: { en: 'conntrack state', zh: 'conntrack 状态' },
  sysctls: { en: 'sysctls', zh: 'sysctl 参数' },
  kernelLog: { en: 'kernel log', zh: '内核日志' },
  modules: { en: 'kernel modules', zh: '内核模块' },
  networkManager: { en: 'NetworkManager state', zh: 'NetworkManager 状态' },
  packetFilter: { en: 'packet filter rules', zh: '包过滤规则' },
  cni: { en: 'CNI configuration', zh: 'CNI 配置' },
  probes: { en: 'probes', zh: '探测结果' },
};

/** Parts of a section that a source can miss on its own (`missing[].evidence` such as `nics.partial`). */
export const PART_NAMES: Record<string, Name> = {
  'packetFilter.iptables': { en: 'iptables rules', zh: 'iptables 规则' },
  drops: { en: 'kernel drop traces around the probes (--trace)', zh: '探测期间的内核丢包跟踪(--trace)' },
  'packetFilter.nft': { en: 'nft ruleset', zh: 'nft 规则集' },
  'nics.partial': { en: 'offload features of some NICs', zh: '部分网卡的卸载特性' },
  'links.addresses': { en: 'interface addresses', zh: '接口地址' },
  'conntrack.stats': { en: 'conntrack statistics', zh: 'conntrack 统计' },
  'conntrack.max': { en: 'conntrack maximum', zh: 'conntrack 上限' },
  mesh: { en: 'the all-pairs matrix (podpath mesh)', zh: '全节点对矩阵(podpath mesh)' },
  // Parts of the evidence bag besides the node's facts.
  captures: { en: 'packet captures', zh: '抓包' },
  captureDiffs: { en: 'a sender and a receiver capture (pcap diff)', zh: '发送端与接收端的抓包（pcap diff）' },
};

/** The name of an evidence key (or a `section.part` of one) in the user's language; never a camelCase key. */
export function evidenceName(key: string, lang: 'en' | 'zh' = 'en'): string {
  const known = (EVIDENCE_NAMES as Record<string, Name>)[key] ?? PART_NAMES[key];
  if (known) return known[lang];
  // A key added without a name still reads as words: packetFilter.foo -> "packet filter rules: foo".
  const [head, ...rest] = key.split('.');
  const base = (EVIDENCE_NAMES as Record<string, Name>)[head ?? '']?.[lang] ?? (head ?? '').replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  return rest.length > 0 ? `${base}: ${rest.join('.').replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase()}` : base;
}

/** What each kind of rule judges, as `podpath rules` and the docs index head their groups. */
export const RULE_KIND_NAMES: Record<import('./evidence.js').RuleKind, Name> = {
  node: { en: 'the node (its facts: live, a bundle or a transcript)', zh: '节点(其事实:现场、采集包或文字记录)' },
  probe: { en: 'probes between nodes (underlay and overlay)', zh: '节点间探测(底层网络与覆盖网络)' },
  capture: { en: 'packet captures (pcap analyze, pcap diff, tcpdump text)', zh: '抓包(pcap analyze、pcap diff、tcpdump 文本)' },
  cluster: { en: "the cluster's own facts against the nodes'", zh: '集群自身的事实与各节点的对照' },
  mesh: { en: 'the all-pairs matrix', zh: '全节点对矩阵' },
  drops: { en: "the kernel's drop reasons", zh: '内核丢包原因' },
};
