// The lab's plan: a pure function of the options. It says which namespaces, links, addresses,
// routes, neighbours and fdb entries exist, and produces the exact command lists that build them,
// so the plan can be unit-tested without root and `lab up` is only "run these lists".
import { PodpathError } from '../util/errors.js';
import {
  calicoVethName, labDir, nodeName, nodeNs, nodeRoot, podName, podNs, routerNs, stableMac, switchNs, validateLabName,
} from './names.js';
import { pushAll } from '../util/arrays.js';

export type Cni = 'flannel' | 'calico-vxlan';
export type Underlay = 'bridge' | 'veth';

export interface LabOptions {
  name: string;
  nodes: number;
  cni: Cni;
  underlay: Underlay;
  pods: number;
  mtu: number;
  service: boolean;
  /** 2: two L2 segments (192.168.77.0/24, 192.168.78.0/24) joined by a router namespace. */
  subnets?: number;
}

export const DEFAULT_OPTIONS: LabOptions = {
  name: 'lab', nodes: 3, cni: 'flannel', underlay: 'bridge', pods: 1, mtu: 1500, service: false, subnets: 1,
};

export interface PodPlan {
  name: string;
  ns: string;
  ip: string;
  /** 24 for flannel (on cni0), 32 for Calico (routed veth). */
  prefixLen: number;
  gateway: string;
  mtu: number;
  /** The host-side veth in the node namespace. */
  hostVeth: string;
}

export interface NodePlan {
  name: string;
  index: number;
  ns: string;
  eth0Ip: string;
  /** Which underlay segment (0: 192.168.77.0/24, 1: 192.168.78.0/24); absent in labs of one subnet. */
  subnet?: number;
  /** The node's default gateway: the router's leg on its segment (absent: 192.168.77.1, nobody). */
  gateway?: string;
  /** Name of the switch-side port (bridge underlay) or undefined (veth underlay). */
  switchPort?: string;
  podCidr: string;
  vtep: VtepPlan;
  /** Directory standing for the node's `/`: run/flannel/subnet.env, etc/cni/net.d, ... */
  root: string;
  pods: PodPlan[];
}

export interface VtepPlan {
  dev: string;
  vni: number;
  port: number;
  mac: string;
  mtu: number;
  ip: string;
  /** The outer source: the node's eth0 address. */
  local: string;
  udpcsum: boolean;
}

export interface ServicePlan {
  clusterIp: string;
  /** ports the ClusterIP serves, all DNATed to the backend pod's same port */
  ports: { proto: 'udp' | 'tcp'; port: number }[];
  backend: { node: string; pod: string; ip: string };
}

/** One leg of the router: an interface on one segment, its address the segment's gateway. */
export interface RouterLeg { dev: string; ip: string; cidr: string; bridge: string; switchPort: string }

export interface RouterPlan { ns: string; legs: RouterLeg[] }

export interface LabPlan {
  name: string;
  options: LabOptions;
  dir: string;
  underlayCidr: string;
  /** Every underlay segment (one CIDR unless --subnets 2). */
  subnets?: string[];
  /** The router between the segments (--subnets 2). */
  router?: RouterPlan;
  clusterCidr: string;
  serviceCidr: string;
  switchNs?: string;
  nodes: NodePlan[];
  service?: ServicePlan;
}

export const UNDERLAY_PREFIX = '192.168.77';
/** Segment s of the underlay: 192.168.77 for s = 0, 192.168.78 for s = 1. */
export const segmentPrefix = (s: number): string => `192.168.${77 + s}`;
export const CLUSTER_CIDR = '10.244.0.0/16';
export const SERVICE_CIDR = '10.96.0.0/12';

export function validateOptions(o: LabOptions): LabOptions {
  validateLabName(o.name);
  const bad = (msg: string): never => {
    throw new PodpathError('E_LAB_OPTION', msg);
  };
  if (!Number.isInteger(o.nodes) || o.nodes < 2 || o.nodes > 50) bad(`--nodes must be 2..50, got ${o.nodes}`);
  if (!Number.isInteger(o.pods) || o.pods < 0 || o.pods > 20) bad(`--pods must be 0..20, got ${o.pods}`);
  if (!Number.isInteger(o.mtu) || o.mtu < 1280 || o.mtu > 9000) bad(`--mtu must be 1280..9000, got ${o.mtu}`);
  if (o.cni !== 'flannel' && o.cni !== 'calico-vxlan') bad(`--cni must be flannel or calico-vxlan, got ${String(o.cni)}`);
  if (o.underlay !== 'bridge' && o.underlay !== 'veth') bad(`--underlay must be bridge or veth, got ${String(o.underlay)}`);
  if (o.underlay === 'veth' && o.nodes !== 2) bad('--underlay veth joins exactly two nodes (use --nodes 2, or --underlay bridge)');
  if (o.service && o.pods < 1) bad('--service needs at least one pod per node (--pods >= 1)');
  const subnets = o.subnets ?? 1;
  if (subnets !== 1 && subnets !== 2) bad(`--subnets must be 1 or 2, got ${String(o.subnets)}`);
  if (subnets === 2 && o.underlay !== 'bridge') bad('--subnets 2 joins two bridged segments with a router: use --underlay bridge');
  return o;
}

export function planLab(input: LabOptions): LabPlan {
  const o = validateOptions({ ...input });
  const flannel = o.cni === 'flannel';
  const two = (o.subnets ?? 1) === 2;
  const nodes: NodePlan[] = [];
  // With two subnets the first half of the nodes (rounded up) sits on the first segment.
  const firstSegment = Math.ceil(o.nodes / 2);
  for (let i = 1; i <= o.nodes; i++) {
    const ns = nodeNs(o.name, i);
    const segment = two && i > firstSegment ? 1 : 0;
    const eth0Ip = `${segmentPrefix(segment)}.${10 + i}`;
    const overlayMtu = o.mtu - 50;
    const vtep: VtepPlan = flannel
      ? { dev: 'flannel.1', vni: 1, port: 8472, mac: stableMac(`${ns}/flannel.1`), mtu: overlayMtu, ip: `10.244.${i}.0`, local: eth0Ip, udpcsum: false }
      : { dev: 'vxlan.calico', vni: 4096, port: 4789, mac: stableMac(`${ns}/vxlan.calico`), mtu: overlayMtu, ip: `10.244.${i}.0`, local: eth0Ip, udpcsum: false };
    const pods: PodPlan[] = [];
    for (let k = 1; k <= o.pods; k++) {
      const pns = podNs(o.name, i, k);
      pods.push(flannel
        ? { name: podName(i, k), ns: pns, ip: `10.244.${i}.${1 + k}`, prefixLen: 24, gateway: `10.244.${i}.1`, mtu: overlayMtu, hostVeth: `veth${podName(i, k)}` }
        : { name: podName(i, k), ns: pns, ip: `10.244.${i}.${k}`, prefixLen: 32, gateway: '169.254.1.1', mtu: overlayMtu, hostVeth: calicoVethName(pns) });
    }
    nodes.push({
      name: nodeName(i), index: i, ns, eth0Ip,
      ...(two ? { subnet: segment, gateway: `${segmentPrefix(segment)}.1` } : {}),
      switchPort: o.underlay === 'bridge' ? `port${nodeName(i)}` : undefined,
      podCidr: flannel ? `10.244.${i}.0/24` : `10.244.${i}.0/26`,
      vtep, root: nodeRoot(o.name, i), pods,
    });
  }
  const plan: LabPlan = {
    name: o.name, options: o, dir: labDir(o.name), underlayCidr: `${UNDERLAY_PREFIX}.0/24`,
    clusterCidr: CLUSTER_CIDR, serviceCidr: SERVICE_CIDR,
    switchNs: o.underlay === 'bridge' ? switchNs(o.name) : undefined, nodes,
  };
  if (two) {
    plan.subnets = [0, 1].map((s) => `${segmentPrefix(s)}.0/24`);
    plan.router = {
      ns: routerNs(o.name),
      legs: [0, 1].map((s) => ({ dev: `rt${s}`, ip: `${segmentPrefix(s)}.1`, cidr: `${segmentPrefix(s)}.0/24`, bridge: `br${s}`, switchPort: `portrt${s}` })),
    };
  }
  if (o.service) {
    // The backend sits on the last node, so from n1 the service path crosses the overlay.
    const last = nodes[nodes.length - 1]!;
    const pod = last.pods[0]!;
    plan.service = {
      clusterIp: '10.96.0.10',
      ports: [{ proto: 'udp', port: 53 }, { proto: 'tcp', port: 53 }, { proto: 'tcp', port: 80 }],
      backend: { node: last.name, pod: pod.name, ip: pod.ip },
    };
  }
  return plan;
}

/** One command to run: argv, in a namespace or not, with optional stdin. */
export interface Step {
  ns?: string;
  argv: string[];
  stdin?: string;
}

/** The lab's build, in phases; steps inside a phase touch different namespaces and may run in parallel. */
/** Every namespace of the plan: the switch, the router, the nodes, the pods. */
export function labNamespaces(plan: LabPlan): string[] {
  return [
    ...(plan.switchNs ? [plan.switchNs] : []), ...(plan.router ? [plan.router.ns] : []),
    ...plan.nodes.flatMap((n) => [n.ns, ...n.pods.map((p) => p.ns)]),
  ];
}

export function buildPhases(plan: LabPlan): Step[][] {
  const phases: Step[][] = [];
  const allNs = labNamespaces(plan);
  phases.push([{ argv: ['ip', '-batch', '-'], stdin: allNs.map((ns) => `netns add ${ns}`).join('\n') + '\n' }]);
  // sysctls before any link exists, so every new interface inherits them from `default`.
  phases.push(allNs.map((ns) => ({ ns, argv: ['sysctl', '-q', '-w', ...baseSysctls(plan, ns)] })));
  phases.push([underlayStep(plan)]);
  phases.push([
    ...plan.nodes.map((n) => ({ ns: n.ns, argv: ['ip', '-batch', '-'], stdin: nodeIpBatch(plan, n).join('\n') + '\n' })),
    ...(plan.router ? [{ ns: plan.router.ns, argv: ['ip', '-batch', '-'], stdin: routerIpBatch(plan.router).join('\n') + '\n' }] : []),
  ]);
  const late: Step[] = [];
  for (const n of plan.nodes) {
    late.push({ ns: n.ns, argv: ['bridge', '-batch', '-'], stdin: nodeFdbBatch(plan, n).join('\n') + '\n' });
    for (const p of n.pods) late.push({ ns: p.ns, argv: ['ip', '-batch', '-'], stdin: podIpBatch(p).join('\n') + '\n' });
    if (plan.options.cni === 'calico-vxlan' && n.pods.length > 0) {
      // felix: proxy ARP on the workload veth, answered at once (proxy_delay 0, not the 0.8 s default)
      late.push({ ns: n.ns, argv: ['sysctl', '-q', '-w', ...n.pods.flatMap((p) => [`net.ipv4.conf.${p.hostVeth}.proxy_arp=1`, `net.ipv4.neigh.${p.hostVeth}.proxy_delay=0`])] });
    }
    if (plan.service) late.push({ ns: n.ns, argv: ['iptables-restore', '--noflush'], stdin: kubeProxyRules(plan, 'fixed') });
  }
  phases.push(late);
  return phases;
}

function baseSysctls(plan: LabPlan, ns: string): string[] {
  // Nodes forward for their pods; the router between the segments.
  const isNode = plan.nodes.some((n) => n.ns === ns) || plan.router?.ns === ns;
  const common = [
    // IPv6 off: no router solicitations or MLD reports in captures and counters.
    'net.ipv6.conf.all.disable_ipv6=1', 'net.ipv6.conf.default.disable_ipv6=1',
    // IPv4 conf is inherited from the host's namespace: pin what the lab depends on.
    'net.ipv4.conf.all.rp_filter=0', 'net.ipv4.conf.default.rp_filter=0',
  ];
  return isNode ? [...common, 'net.ipv4.ip_forward=1'] : common;
}

function underlayStep(plan: LabPlan): Step {
  const mtu = plan.options.mtu;
  if (!plan.switchNs) {
    const [a, b] = plan.nodes as [NodePlan, NodePlan];
    return { ns: a.ns, argv: ['ip', 'link', 'add', 'eth0', 'mtu', String(mtu), 'type', 'veth', 'peer', 'name', 'eth0', 'mtu', String(mtu), 'netns', b.ns] };
  }
  // One bridge per segment; with two, each also has a port to the router's leg on it.
  const bridges = plan.router ? plan.router.legs.map((l) => l.bridge) : ['br0'];
  const lines = bridges.flatMap((b) => [`link add ${b} type bridge`, `link set ${b} up`]);
  for (const n of plan.nodes) {
    const br = bridges[n.subnet ?? 0]!;
    lines.push(`link add ${n.switchPort} mtu ${mtu} type veth peer name eth0 mtu ${mtu} netns ${n.ns}`);
    lines.push(`link set ${n.switchPort} master ${br}`, `link set ${n.switchPort} up`);
  }
  for (const l of plan.router?.legs ?? []) {
    lines.push(`link add ${l.switchPort} mtu ${mtu} type veth peer name ${l.dev} mtu ${mtu} netns ${plan.router!.ns}`);
    lines.push(`link set ${l.switchPort} master ${l.bridge}`, `link set ${l.switchPort} up`);
  }
  return { ns: plan.switchNs, argv: ['ip', '-batch', '-'], stdin: lines.join('\n') + '\n' };
}

/** The router: one leg on each segment, forwarding between them (no NAT, no filter). */
export function routerIpBatch(r: RouterPlan): string[] {
  return ['link set lo up', ...r.legs.flatMap((l) => [`addr add ${l.ip}/24 dev ${l.dev}`, `link set ${l.dev} up`])];
}

/** The VXLAN device exactly as flanneld / felix create it (nolearning, local <eth0 ip> dev eth0). */
export function vtepCreateLines(v: VtepPlan): string[] {
  return [
    `link add ${v.dev} address ${v.mac} mtu ${v.mtu} type vxlan id ${v.vni} local ${v.local} dev eth0 dstport ${v.port} nolearning ${v.udpcsum ? 'udpcsum' : 'noudpcsum'}`,
    `addr add ${v.ip}/32 dev ${v.dev}`,
    `link set ${v.dev} up`,
  ];
}

/** Routes and permanent neighbours to every peer, as flanneld's handleSubnetEvents programs them. */
export function peerRouteLines(plan: LabPlan, n: NodePlan): string[] {
  const lines: string[] = [];
  for (const p of plan.nodes) {
    if (p === n) continue;
    lines.push(`neigh replace ${p.vtep.ip} lladdr ${p.vtep.mac} dev ${n.vtep.dev} nud permanent`);
    lines.push(`route replace ${p.podCidr} via ${p.vtep.ip} dev ${n.vtep.dev} onlink`);
  }
  return lines;
}

export function nodeIpBatch(plan: LabPlan, n: NodePlan): string[] {
  const lines = [
    'link set lo up',
    `link set eth0 up`,
    `addr add ${n.eth0Ip}/24 dev eth0`,
    // Node-originated traffic to a ClusterIP needs a route before DNAT; real nodes have a default.
    `route add default via ${n.gateway ?? `${UNDERLAY_PREFIX}.1`} dev eth0`,
    ...vtepCreateLines(n.vtep),
  ];
  if (plan.options.cni === 'flannel') {
    const gw = `10.244.${n.index}.1`;
    lines.push(`link add cni0 mtu ${n.vtep.mtu} type bridge`, `addr add ${gw}/24 dev cni0`, 'link set cni0 up');
    for (const p of n.pods) {
      lines.push(`link add ${p.hostVeth} mtu ${p.mtu} type veth peer name eth0 mtu ${p.mtu} netns ${p.ns}`);
      lines.push(`link set ${p.hostVeth} master cni0`, `link set ${p.hostVeth} up`);
    }
  } else {
    // Calico: routed veths (no bridge), host side ee:ee:ee:ee:ee:ee answering ARP by proxy, a /32
    // route per workload, and a blackhole for the node's own block as BIRD installs it.
    lines.push(`route add blackhole ${n.podCidr}`);
    for (const p of n.pods) {
      lines.push(`link add ${p.hostVeth} address ee:ee:ee:ee:ee:ee mtu ${p.mtu} type veth peer name eth0 mtu ${p.mtu} netns ${p.ns}`);
      lines.push(`link set ${p.hostVeth} up`, `route add ${p.ip}/32 dev ${p.hostVeth} scope link`);
    }
  }
  pushAll(lines, peerRouteLines(plan, n));
  return lines;
}

/** `bridge fdb` entries: the peer VTEP MAC lives behind the peer's eth0 address. */
export function fdbLines(plan: LabPlan, n: NodePlan): string[] {
  return plan.nodes.filter((p) => p !== n).map((p) => `fdb replace ${p.vtep.mac} dev ${n.vtep.dev} dst ${p.eth0Ip} self permanent`);
}

export function nodeFdbBatch(plan: LabPlan, n: NodePlan): string[] {
  return fdbLines(plan, n);
}

export function podIpBatch(p: PodPlan): string[] {
  const lines = ['link set lo up', 'link set eth0 up', `addr add ${p.ip}/${p.prefixLen} dev eth0`];
  if (p.prefixLen === 32) lines.push(`route add ${p.gateway} dev eth0 scope link`);
  lines.push(`route add default via ${p.gateway} dev eth0`);
  return lines;
}

/**
 * kube-proxy's iptables rules for one ClusterIP, in `iptables-restore` form. `fixed` is the form of
 * kube-proxy >= 1.17.9/1.18.6 (clears mark 0x4000 before MASQUERADE, so the outer VXLAN packet is
 * not NATed again); `prefix` is the older form that masquerades everything still marked, outer
 * VXLAN headers included (knowledge base entry 1).
 */
export function kubeProxyRules(plan: LabPlan, form: 'fixed' | 'prefix'): string {
  const s = plan.service;
  if (!s) return '';
  const lines = [
    '*nat',
    ':KUBE-SERVICES - [0:0]', ':KUBE-POSTROUTING - [0:0]', ':KUBE-MARK-MASQ - [0:0]',
    '-A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES',
    '-A OUTPUT -m comment --comment "kubernetes service portals" -j KUBE-SERVICES',
    '-A POSTROUTING -m comment --comment "kubernetes postrouting rules" -j KUBE-POSTROUTING',
    ...kubePostroutingRules(form),
    '-A KUBE-MARK-MASQ -j MARK --set-xmark 0x4000/0x4000',
  ];
  for (const p of s.ports) {
    const id = `${p.proto.toUpperCase()}${p.port}`;
    const svc = `KUBE-SVC-PPLAB${id}`;
    const sep = `KUBE-SEP-PPLAB${id}`;
    lines.splice(1, 0, `:${svc} - [0:0]`, `:${sep} - [0:0]`);
    lines.push(
      `-A KUBE-SERVICES -d ${s.clusterIp}/32 -p ${p.proto} -m ${p.proto} --dport ${p.port} -j ${svc}`,
      `-A ${svc} ! -s ${plan.clusterCidr} -d ${s.clusterIp}/32 -p ${p.proto} -m ${p.proto} --dport ${p.port} -j KUBE-MARK-MASQ`,
      `-A ${svc} -j ${sep}`,
      `-A ${sep} -s ${s.backend.ip}/32 -j KUBE-MARK-MASQ`,
      `-A ${sep} -p ${p.proto} -m ${p.proto} -j DNAT --to-destination ${s.backend.ip}:${p.port}`,
    );
  }
  lines.push('COMMIT');
  return lines.join('\n') + '\n';
}

export function kubePostroutingRules(form: 'fixed' | 'prefix'): string[] {
  return form === 'fixed'
    ? [
        '-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN',
        '-A KUBE-POSTROUTING -j MARK --set-xmark 0x4000/0x0',
        '-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE --random-fully',
      ]
    : ['-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -m mark --mark 0x4000/0x4000 -j MASQUERADE --random-fully'];
}

/** Files flanneld / Calico leave on a node, relative to the node root. */
export function nodeFiles(plan: LabPlan, n: NodePlan): Record<string, string> {
  if (plan.options.cni === 'flannel') {
    return {
      'run/flannel/subnet.env': [
        `FLANNEL_NETWORK=${plan.clusterCidr}`, `FLANNEL_SUBNET=10.244.${n.index}.1/24`,
        `FLANNEL_MTU=${n.vtep.mtu}`, 'FLANNEL_IPMASQ=true', '',
      ].join('\n'),
      'etc/kube-flannel/net-conf.json': JSON.stringify({ Network: plan.clusterCidr, Backend: { Type: 'vxlan' } }, null, 2) + '\n',
      'etc/cni/net.d/10-flannel.conflist': JSON.stringify({
        name: 'cbr0', cniVersion: '0.3.1',
        plugins: [
          { type: 'flannel', delegate: { hairpinMode: true, isDefaultGateway: true } },
          { type: 'portmap', capabilities: { portMappings: true } },
        ],
      }, null, 2) + '\n',
      'etc/hostname': `${n.name}\n`,
    };
  }
  return {
    'etc/cni/net.d/10-calico.conflist': JSON.stringify({
      name: 'k8s-pod-network', cniVersion: '0.3.1',
      plugins: [
        { type: 'calico', datastore_type: 'kubernetes', mtu: n.vtep.mtu, nodename: n.name, ipam: { type: 'calico-ipam' }, policy: { type: 'k8s' } },
        { type: 'portmap', snat: true, capabilities: { portMappings: true } },
      ],
    }, null, 2) + '\n',
    'var/lib/calico/nodename': n.name,
    'etc/hostname': `${n.name}\n`,
  };
}

export function findNode(plan: LabPlan, name: string): NodePlan {
  const n = plan.nodes.find((x) => x.name === name || x.ns === name);
  if (!n) throw new PodpathError('E_LAB_NODE', `no node "${name}" in lab ${plan.name} (nodes: ${plan.nodes.map((x) => x.name).join(', ')})`);
  return n;
}
