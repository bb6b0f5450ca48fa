// NodeFacts: everything podpath knows about one node, the only input of rules.
// Every section is optional (absent = not collected, and `missing` says why) and names where it came from.
import { z } from 'zod';
import { ProbeEvidence } from './probe-evidence.js';
import { MissingEvidence } from './missing-reasons.js';
import { NODE_FACTS_SCHEMA_VERSION } from './node-facts-version.js';
import { SourceRef } from './evidence-line.js';

// The version and the quoted line live in small modules of their own: code that only needs them
// (the rule engine, the capture JSON) then does not build every schema below at start-up.
export { NODE_FACTS_SCHEMA_VERSION } from './node-facts-version.js';
export { SourceRef, EvidenceLine } from './evidence-line.js';

const Counters = z.record(z.string(), z.number());

export const KernelFacts = z.object({
  source: SourceRef,
  /** `uname -r`, e.g. 4.19.90-52.49.v2207.ky10.x86_64 */
  release: z.string(),
  /** `uname -v`, e.g. `#3 SMP Thu Jul 24 02:43:35 CST 2025` */
  version: z.string().optional(),
  arch: z.string().optional(),
  hostname: z.string().optional(),
  uname: z.string(),
  /**
   * Other kernels the same evidence shows (a transcript comparing a good and a bad node, or one
   * taken before and after a reboot): each with the line it came from.
   */
  others: z.array(z.object({ release: z.string(), uname: z.string(), source: SourceRef })).optional(),
});

export const OsFacts = z.object({
  source: SourceRef,
  id: z.string(),
  versionId: z.string().optional(),
  prettyName: z.string().optional(),
  idLike: z.array(z.string()).default([]),
});

export const PackageEvent = z.object({
  time: z.string().optional(),
  /** install, upgrade, upgraded (the old one replaced), erase */
  action: z.string(),
  name: z.string(),
  version: z.string().optional(),
  line: z.string(),
  source: SourceRef,
});

export const KernelPackages = z.object({
  /** Kernel-related package events from dnf/yum/apt logs, oldest first. */
  history: z.array(PackageEvent),
  /** Installed kernel packages (`rpm -qa 'kernel*'`, dpkg), name-version strings. */
  installed: z.array(z.string()),
  sources: z.array(SourceRef),
});

export const BootFacts = z.object({
  source: SourceRef,
  entries: z.array(z.object({ index: z.number(), title: z.string(), kernel: z.string().optional() })),
  defaultIndex: z.number().optional(),
  defaultKernel: z.string().optional(),
});

export const VxlanInfo = z.object({
  id: z.number(),
  port: z.number().optional(),
  local: z.string().optional(),
  dev: z.string().optional(),
  learning: z.boolean().optional(),
  /** `udpcsum` / `noudpcsum` as `ip -d link` prints it. */
  udpCsum: z.boolean().optional(),
});

/** Bytes are absent where the output counts packets only (`netstat -i`). */
export const LinkStats = z.object({
  rxBytes: z.number().optional(), rxPackets: z.number(), rxErrors: z.number(), rxDropped: z.number(),
  txBytes: z.number().optional(), txPackets: z.number(), txErrors: z.number(), txDropped: z.number(),
});

export const Address = z.object({ family: z.enum(['inet', 'inet6']), address: z.string(), prefixLen: z.number(), scope: z.string().optional() });

export const Link = z.object({
  name: z.string(),
  index: z.number().optional(),
  /** Kind from `ip -d link` (vxlan, bridge, veth, ...), or `device` for a plain NIC. */
  kind: z.string(),
  mtu: z.number(),
  mac: z.string().optional(),
  state: z.string().optional(),
  flags: z.array(z.string()).default([]),
  master: z.string().optional(),
  /** The peer/parent named after `@` (veth peer, vlan parent). */
  parent: z.string().optional(),
  netnsId: z.number().optional(),
  vxlan: VxlanInfo.optional(),
  stats: LinkStats.optional(),
  addresses: z.array(Address).default([]),
  source: SourceRef,
});

export const Route = z.object({
  /** `default`, or a prefix (`10.244.1.0/24`), or a host. */
  dst: z.string(),
  type: z.string().default('unicast'),
  via: z.string().optional(),
  dev: z.string().optional(),
  table: z.string().default('main'),
  proto: z.string().optional(),
  scope: z.string().optional(),
  src: z.string().optional(),
  metric: z.number().optional(),
  onlink: z.boolean().default(false),
  line: z.string(),
});

export const RouteGet = z.object({
  target: z.string(),
  /** `local`, `unicast`, `unreachable`, ... as `ip route get` prints it first */
  type: z.string(),
  dev: z.string().optional(),
  via: z.string().optional(),
  src: z.string().optional(),
  line: z.string(),
  source: SourceRef,
});

export const Neighbour = z.object({ address: z.string(), dev: z.string(), lladdr: z.string().optional(), states: z.array(z.string()), line: z.string() });
export const FdbEntry = z.object({ mac: z.string(), dev: z.string(), dst: z.string().optional(), self: z.boolean(), permanent: z.boolean(), line: z.string() });

export const Feature = z.object({ on: z.boolean(), fixed: z.boolean(), requested: z.boolean().optional() });
export const Nic = z.object({
  name: z.string(),
  driver: z.string().optional(),
  driverVersion: z.string().optional(),
  firmwareVersion: z.string().optional(),
  busInfo: z.string().optional(),
  /** `ethtool -k` features by their long name (`large-receive-offload`, `tx-checksum-ip-generic`). */
  features: z.record(z.string(), Feature).default({}),
  /** `ethtool -S` counters by the driver's own names (rx_crc_errors, rx_missed_errors, rx_csum_offload_errors...). */
  stats: z.record(z.string(), z.number()).optional(),
  sources: z.array(SourceRef),
});

export const KernelLogMatch = z.object({
  /** Pattern id from the kernel-log pattern table (`skb-warn-bad-offload`, `udp-bad-checksum`, ...). */
  pattern: z.string(),
  line: z.string(),
  source: SourceRef,
});

export const NetworkManagerFacts = z.object({
  running: z.boolean().optional(),
  /** `nmcli -t device`: DEVICE:TYPE:STATE:CONNECTION */
  devices: z.array(z.object({ device: z.string(), type: z.string(), state: z.string(), connection: z.string().optional(), source: SourceRef.optional() })).default([]),
  /** `nmcli connection show`: profiles, and the device each is bound to (a profile on flannel.1 means NM holds it). */
  connections: z.array(z.object({ name: z.string(), uuid: z.string().optional(), type: z.string().optional(), device: z.string().optional(), source: SourceRef })).optional(),
  /** NetworkManager's own log lines about configuring a device (activation, DHCP, state changes), by device. */
  activity: z.array(z.object({ device: z.string(), line: z.string(), source: SourceRef })).optional(),
  /** unmanaged-devices specs from NetworkManager.conf and conf.d, e.g. `interface-name:flannel*`. */
  unmanagedSpecs: z.array(z.object({ spec: z.string(), source: SourceRef })).default([]),
  sources: z.array(SourceRef),
});

/** systemd-networkd: the links it lists and the .network/.link files that may match them. */
export const NetworkdFacts = z.object({
  /** `networkctl list` / `networkctl status`: SETUP `unmanaged` means networkd leaves the link alone. */
  links: z.array(z.object({
    name: z.string(),
    type: z.string().optional(),
    operational: z.string().optional(),
    setup: z.string().optional(),
    networkFile: z.string().optional(),
    linkFile: z.string().optional(),
    driver: z.string().optional(),
    source: SourceRef,
  })).default([]),
  /** .network / .link files: their sections as key -> values (a key may repeat), and where they came from. */
  files: z.array(z.object({
    path: z.string().optional(),
    kind: z.enum(['network', 'link', 'netdev']),
    sections: z.record(z.string(), z.record(z.string(), z.array(z.string()))),
    source: SourceRef,
  })).default([]),
  sources: z.array(SourceRef),
});

/** firewalld: whether it runs, its zones, and interface moves between zones seen in the evidence. */
export const FirewalldFacts = z.object({
  running: z.boolean().optional(),
  zones: z.array(z.object({
    name: z.string(),
    interfaces: z.array(z.string()).default([]),
    sources: z.array(z.string()).default([]),
    target: z.string().optional(),
    forward: z.boolean().optional(),
    line: z.string(),
    source: SourceRef,
  })).default([]),
  /** `firewall-cmd --zone=Z --add-interface=I` / `--remove-interface=I` commands, in order. */
  changes: z.array(z.object({ zone: z.string().optional(), iface: z.string(), action: z.enum(['add', 'remove', 'change']), line: z.string(), source: SourceRef })).default([]),
  sources: z.array(SourceRef),
});

/** ufw's status: its defaults decide what the filter chains do (`deny (routed)` is FORWARD DROP). */
export const UfwFacts = z.object({
  active: z.boolean(),
  defaults: z.object({ incoming: z.string().optional(), outgoing: z.string().optional(), routed: z.string().optional() }).default({}),
  line: z.string().optional(),
  source: SourceRef,
});

export const IptablesChain = z.object({ name: z.string(), policy: z.string().optional(), rules: z.array(z.string()) });
export const PacketFilterFacts = z.object({
  /** iptables-save, by table name, then chain name. */
  iptables: z.record(z.string(), z.record(z.string(), IptablesChain)).optional(),
  /** nft list ruleset: tables with their chains and the rule lines. */
  nft: z.array(z.object({
    family: z.string(), name: z.string(),
    chains: z.array(z.object({ name: z.string(), hook: z.string().optional(), policy: z.string().optional(), rules: z.array(z.string()) })),
  })).optional(),
  sources: z.array(SourceRef),
});

/** Which iptables backends hold rules: versions with their mode, what iptables-save says it is, and the legacy tables. */
export const IptablesBackendsFacts = z.object({
  /** `iptables --version`: `iptables v1.8.4 (nf_tables)`; several when the evidence shows several hosts or binaries. */
  versions: z.array(z.object({ version: z.string(), backend: z.enum(['nf_tables', 'legacy']).optional(), line: z.string(), source: SourceRef })).default([]),
  /** The header of iptables-save (`# Generated by iptables-nft-save v1.8.4`, `xtables-save v1.8.2`). */
  saveHeader: z.object({ backend: z.enum(['nf_tables', 'legacy']).optional(), line: z.string(), source: SourceRef }).optional(),
  /** Rules of the legacy backend when iptables itself is the nf_tables one (iptables-legacy-save, iptables-legacy -L). */
  legacy: z.record(z.string(), z.record(z.string(), z.lazy(() => IptablesChain))).optional(),
  legacySource: SourceRef.optional(),
  /** iptables-nft's own warning that the legacy backend holds tables too (`# Warning: iptables-legacy tables present`). */
  legacyWarning: z.object({ line: z.string(), source: SourceRef }).optional(),
  sources: z.array(SourceRef),
});

/** Lines of the CNI's, kube-proxy's and kubelet's logs that podpath knows the meaning of. */
export const ComponentLogFacts = z.object({
  matches: z.array(z.object({ pattern: z.string(), component: z.string().optional(), line: z.string(), source: SourceRef })),
  sources: z.array(SourceRef),
});

/** What the evidence says about the overlay's nodes: each node's public (VTEP) address and VTEP MAC, as published or as its CNI pod shows it. */
export const OverlayPeersFacts = z.object({
  items: z.array(z.object({
    node: z.string().optional(),
    publicIp: z.string().optional(),
    vtepMac: z.string().optional(),
    /** `annotation`, `pod` (a hostNetwork CNI pod's IP), `log` (the CNI's own log). */
    how: z.string(),
    line: z.string(),
    source: SourceRef,
  })),
  sources: z.array(SourceRef),
});

export const CniFacts = z.object({
  configs: z.array(z.object({ file: z.string(), name: z.string().optional(), type: z.string().optional(), plugins: z.array(z.string()).default([]), mtu: z.number().optional() })).default([]),
  /** /run/flannel/subnet.env */
  flannelSubnetEnv: z.object({ network: z.string().optional(), subnet: z.string().optional(), mtu: z.number().optional(), ipmasq: z.boolean().optional(), source: SourceRef }).optional(),
  /** flannel net-conf.json when visible (Backend.Type, Backend.Port). */
  flannelNetConf: z.object({ network: z.string().optional(), backendType: z.string().optional(), port: z.number().optional(), source: SourceRef }).optional(),
  /** What the node runs: flannel, calico, canal, unknown; versions when visible. */
  plugin: z.string().optional(),
  versions: z.record(z.string(), z.string()).default({}),
  kubeProxyMode: z.string().optional(),
  sources: z.array(SourceRef),
});

/**
 * How the evidence was read, when the reader must know it: a file cut at a size limit, a bundle
 * cut short (E_BUNDLE_TRUNCATED), a bundle with nothing podpath reads (E_BUNDLE_EMPTY).
 */
export const ReadNote = z.object({
  code: z.string(),
  /** In English. */
  message: z.string(),
  /** The same as catalogue codes with data (evidence/read-notes.ts), said in a report's language. */
  parts: z.array(z.object({ code: z.string(), data: z.record(z.string(), z.union([z.string(), z.number()])).optional() })).optional(),
});
export type ReadNote = z.infer<typeof ReadNote>;

export const NodeFacts = z.object({
  /** Schemas 1 and 2 are accepted and read as 3 (`upgradeNodeFacts`, then ProbeEvidence for probes). */
  schemaVersion: z.union([z.literal(1), z.literal(2), z.literal(NODE_FACTS_SCHEMA_VERSION)]).transform((): typeof NODE_FACTS_SCHEMA_VERSION => NODE_FACTS_SCHEMA_VERSION),
  collectedAt: z.string(),
  origin: z.object({ kind: z.enum(['live', 'bundle', 'fixture', 'transcript']), path: z.string().optional() }),
  /**
   * Evidence that could not be had, and why (not installed, not permitted, absent from the bundle):
   * one entry per reason, as a code with data (evidence/missing-reasons.ts) and its English text.
   */
  missing: z.array(MissingEvidence).default([]),
  /** Absent when there is nothing to say. */
  notes: z.array(ReadNote).optional(),
  kernel: KernelFacts.optional(),
  os: OsFacts.optional(),
  kernelPackages: KernelPackages.optional(),
  boot: BootFacts.optional(),
  links: z.object({ items: z.array(Link), source: SourceRef }).optional(),
  routes: z.object({ items: z.array(Route), source: SourceRef }).optional(),
  /** `ip route get` for the local overlay address and each peer's pod subnet. */
  routeGets: z.array(RouteGet).optional(),
  neighbours: z.object({ items: z.array(Neighbour), source: SourceRef }).optional(),
  fdb: z.object({ items: z.array(FdbEntry), source: SourceRef }).optional(),
  nics: z.array(Nic).optional(),
  /** /proc/net/snmp as `{ Udp: { InErrors: n, ... }, Ip: {...} }`. */
  snmp: z.object({ tables: z.record(z.string(), Counters), source: SourceRef }).optional(),
  /** nstat -zas / /proc/net/netstat counters by name (IPReversePathFilter, TcpExt*, ...). */
  netstat: z.object({ counters: Counters, source: SourceRef }).optional(),
  /** /proc/net/dev counters by interface. */
  netdev: z.object({ interfaces: z.record(z.string(), LinkStats), source: SourceRef }).optional(),
  conntrack: z.object({
    count: z.number().optional(), max: z.number().optional(),
    /** conntrack -S summed over CPUs: found, invalid, insert_failed, drop, early_drop, ... */
    stats: Counters.default({}),
    sources: z.array(SourceRef),
  }).optional(),
  /** sysctl values by dotted name (net.ipv4.ip_forward, net.ipv4.conf.eth0.rp_filter, ...). */
  sysctls: z.object({ values: z.record(z.string(), z.string()), sources: z.array(SourceRef) }).optional(),
  kernelLog: z.object({ matches: z.array(KernelLogMatch), linesScanned: z.number(), sources: z.array(SourceRef) }).optional(),
  modules: z.object({ loaded: z.array(z.string()), source: SourceRef }).optional(),
  networkManager: NetworkManagerFacts.optional(),
  packetFilter: PacketFilterFacts.optional(),
  cni: CniFacts.optional(),
  networkd: NetworkdFacts.optional(),
  firewalld: FirewalldFacts.optional(),
  ufw: UfwFacts.optional(),
  iptablesBackends: IptablesBackendsFacts.optional(),
  componentLog: ComponentLogFacts.optional(),
  overlayPeers: OverlayPeersFacts.optional(),
  /** Results of probes to peers (issue: probes); rules read them like any other evidence. */
  probes: z.array(ProbeEvidence).optional(),
});

export type NodeFacts = z.infer<typeof NodeFacts>;
export type Link = z.infer<typeof Link>;
export type Route = z.infer<typeof Route>;
export type Nic = z.infer<typeof Nic>;

/** The names of NodeFacts sections: what a rule declares it needs. */
export type EvidenceKey = Exclude<keyof NodeFacts, 'schemaVersion' | 'collectedAt' | 'origin' | 'missing' | 'notes'>;

/**
 * A facts document of an older schema, brought to this one before it is validated: schema 1's and
 * 2's `missing: [{ evidence, reason }]` (free English text) becomes `{ evidence, code:
 * 'recordedText', data: { text }, reason }`. Anything else is returned as it is, for the schema to
 * judge (probe entries of schema 1 are upgraded by ProbeEvidence).
 */
export function upgradeNodeFacts(doc: unknown): unknown {
  const version = typeof doc === 'object' && doc !== null ? (doc as { schemaVersion?: unknown }).schemaVersion : undefined;
  if (version !== 1 && version !== 2) return doc;
  const v1 = doc as { missing?: unknown };
  const missing = Array.isArray(v1.missing)
    ? v1.missing.map((m: unknown) => {
        const e = m as { evidence?: unknown; reason?: unknown };
        return typeof e === 'object' && e !== null && typeof e.reason === 'string'
          ? { evidence: e.evidence, code: 'recordedText', data: { text: e.reason }, reason: e.reason }
          : m;
      })
    : v1.missing;
  return { ...(doc as object), schemaVersion: NODE_FACTS_SCHEMA_VERSION, ...(missing !== undefined ? { missing } : {}) };
}
