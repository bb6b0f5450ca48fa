// The node's network as the overlay sees it, derived once from its facts: which links are VXLAN
// devices (flannel, Calico, other) with their port, VNI, VTEP address and MTU, the NIC each runs over,
// the pod network and this node's pod subnet, the CNI, and whether this is a Kubernetes node at all.
// Pure. Rules, the node diff, `doctor --peer` and the sources read it instead of working it out again;
// every answer says where it came from, because the facts of a broken node often disagree.
import type { Link, NodeFacts, Route } from './node-facts.js';
import { networkPrefix, parseCidr, parsedContains } from '../util/ipv4.js';

/** The names flannel and Calico give their VXLAN devices. */
const CNI_VXLAN_NAME = /^(flannel\.\d+|flannel-v6\.\d+|vxlan\.calico|vxlan-v6\.calico)$/;
const CNI_BRIDGE = /^(cni\d*|cbr\d+)$/;

/** The vxlan module's default port (udp_port): what `dstport 0` and flannel's default mean. */
export const KERNEL_VXLAN_PORT = 8472;
/** Calico's vxlanPort default (a FelixConfiguration, not visible on the node, may change it). */
export const CALICO_VXLAN_PORT = 4789;

/** How many FDB destinations are looked up in the routes, over all devices: the cost is routes x this. */
const MAX_PEER_LOOKUPS = 16;

export type Flavour = 'flannel' | 'calico' | 'other';

/**
 * Where a port came from: the device's `dstport`; `dstport 0` (old iproute2: the kernel default);
 * flannel's net-conf.json Backend.Port, or net-conf.json without one (the kernel default); Calico's
 * default; or nothing (the kernel default).
 */
export type PortFrom = 'dstport' | 'dstport-0' | 'net-conf' | 'net-conf-default' | 'calico-default' | 'kernel-default';
export interface VxlanPort {
  value: number;
  from: PortFrom;
}

/** How the underlay NIC was found: the VXLAN device's `dev`, the link holding its `local` address, the route to a peer, the default route. */
export type UnderlayFrom = 'vxlan-dev' | 'vxlan-local' | 'peer-route' | 'default-route';
export interface Underlay {
  link: Link;
  /** Its address the overlay is sent from: the VXLAN `local` when it holds it, else its first address of the family. */
  address?: string;
  from: UnderlayFrom;
  /** The same, as evidence text: `dev eth0`, `holds local 10.0.0.1`, `route to peer 10.0.0.2`, `default route`. */
  how: string;
}

export interface VxlanDevice {
  link: Link;
  name: string;
  /** Which CNI it belongs to, by its name (flannel.1, vxlan.calico). */
  flavour: Flavour;
  /** Named as flannel or Calico name their devices: found by name even when old iproute2 shows no kind. */
  cniName: boolean;
  family: 'inet' | 'inet6';
  vni?: number;
  /** `dstport` as `ip -d link` printed it (0 on old iproute2 for the kernel default); undefined when not shown. */
  dstport?: number;
  /** The port it sends to: dstport, else what the CNI configures, else the kernel default (`from` says which). */
  port: VxlanPort;
  /** The local VTEP address (`local`), when set. */
  local?: string;
  /** Its own IPv4 address on the overlay (flannel.1's 10.244.1.0). */
  overlayAddress?: string;
  mtu: number;
  underlay?: Underlay;
}

export interface NetworkView {
  /** The VXLAN devices, in link order. */
  vxlan: VxlanDevice[];
  /** The device `doctor --peer` and the node diff speak of: the first with VXLAN details, else the first. */
  primary?: VxlanDevice;
  /** The NIC the overlay runs over: the primary device's, else the route to peers' pod subnets, else the default route. */
  underlay?: Underlay;
  /** The cluster's pod network (flannel's FLANNEL_NETWORK, or net-conf.json's Network). */
  podNetwork?: { cidr: string; from: 'subnet.env' | 'net-conf' };
  /** This node's own pod subnet, as a network prefix. */
  podSubnet?: { cidr: string; from: 'subnet.env' | 'cni-bridge' };
  /** Other nodes' pod subnets this node routes to (through a VXLAN device, or inside the pod network). */
  peerPodSubnets: string[];
  /** The CNI: as the cni source decided it, else from the VXLAN devices' names. */
  cni: { plugin?: string; from?: 'cni-facts' | 'devices' };
  /** Whether this looks like a Kubernetes node: a CNI config or flannel file, or a CNI device; `why` names it. */
  kubernetesNode: { value: boolean; why: string };
}

/** What the view reads: a node's facts, or the part collected so far (the sources). */
export type ViewInput = Partial<Pick<NodeFacts, 'links' | 'routes' | 'fdb' | 'cni'>>;

export function isCniVxlanName(name: string): boolean {
  return CNI_VXLAN_NAME.test(name);
}

/** A VXLAN device: kind vxlan, VXLAN details, or a CNI's VXLAN name (old iproute2 may show neither). */
export function isVxlanLink(l: Link): boolean {
  return l.kind === 'vxlan' || l.vxlan !== undefined || CNI_VXLAN_NAME.test(l.name);
}

export function flavourOf(name: string): Flavour {
  if (/^flannel/.test(name)) return 'flannel';
  if (/calico/.test(name)) return 'calico';
  return 'other';
}

/** The port the node's CNI configuration sets for devices of a flavour, when the node shows it. */
export function cniVxlanPort(facts: ViewInput, flavour: Flavour): VxlanPort | undefined {
  if (flavour === 'calico') return { value: CALICO_VXLAN_PORT, from: 'calico-default' };
  if (flavour !== 'flannel') return undefined;
  const conf = facts.cni?.flannelNetConf;
  if (!conf) return undefined;
  return conf.port !== undefined && conf.port !== 0 ? { value: conf.port, from: 'net-conf' } : { value: KERNEL_VXLAN_PORT, from: 'net-conf-default' };
}

function portOf(facts: ViewInput, l: Link, flavour: Flavour): VxlanPort {
  const p = l.vxlan?.port;
  if (p !== undefined && p !== 0) return { value: p, from: 'dstport' };
  if (p === 0) return { value: KERNEL_VXLAN_PORT, from: 'dstport-0' };
  return cniVxlanPort(facts, flavour) ?? { value: KERNEL_VXLAN_PORT, from: 'kernel-default' };
}

const isV6Route = (r: Route): boolean => (r.via ?? r.dst).includes(':');

function defaultRouteLink(facts: ViewInput, s: Scratch, family: 'inet' | 'inet6'): Link | undefined {
  if (!(family in s.defaultLink)) {
    const r = (facts.routes?.items ?? []).find((x) => x.dst === 'default' && x.table === 'main' && x.dev !== undefined && isV6Route(x) === (family === 'inet6'));
    s.defaultLink[family] = named(s, r?.dev);
  }
  return s.defaultLink[family];
}

type Prefix = { base: number; len: number };
type ParsedRoute = { route: Route; dst: Prefix };

/** What one derivation reads more than once: the main table's IPv4 unicast routes, parsed once; the lookups left. */
interface Scratch {
  /** Links by name, and the links holding each address (first one wins, as a lookup in link order). */
  byName: Map<string, Link>;
  byAddress: Map<string, Link[]>;
  routes?: ParsedRoute[];
  defaultLink: Partial<Record<'inet' | 'inet6', Link | undefined>>;
  lookups: number;
}

function scratch(facts: ViewInput): Scratch {
  const byName = new Map<string, Link>();
  const byAddress = new Map<string, Link[]>();
  for (const l of facts.links?.items ?? []) {
    if (!byName.has(l.name)) byName.set(l.name, l);
    for (const a of l.addresses) {
      const holders = byAddress.get(a.address);
      if (!holders) byAddress.set(a.address, [l]);
      else if (holders.length < 2 && holders[0] !== l) holders.push(l);
    }
  }
  return { byName, byAddress, lookups: MAX_PEER_LOOKUPS, defaultLink: {} };
}

const named = (s: Scratch, name: string | undefined): Link | undefined => (name === undefined ? undefined : s.byName.get(name));

function mainRoutes(facts: ViewInput, s: Scratch): ParsedRoute[] {
  if (!s.routes) {
    s.routes = [];
    for (const r of facts.routes?.items ?? []) {
      if (r.table !== 'main' || r.type !== 'unicast' || r.dst === 'default' || !r.dev) continue;
      const dst = parseCidr(r.dst);
      if (dst) s.routes.push({ route: r, dst });
    }
  }
  return s.routes;
}

/** The most specific main-table route (not the default) to one of `targets`, leaving through a link other than `exclude`. */
function routeToAny(facts: ViewInput, s: Scratch, targets: string[], exclude: string): { route: Route; target: string } | undefined {
  for (const target of targets) {
    const t = parseCidr(target);
    if (!t || s.lookups <= 0) continue;
    s.lookups--;
    let best: ParsedRoute | undefined;
    for (const r of mainRoutes(facts, s)) {
      if (r.route.dev === exclude || !parsedContains(r.dst, t)) continue;
      if (!best || r.dst.len > best.dst.len) best = r;
    }
    if (best) return { route: best.route, target };
  }
  return undefined;
}

function addressOn(link: Link, local: string | undefined, family: 'inet' | 'inet6'): string | undefined {
  if (local && link.addresses.some((a) => a.address === local)) return local;
  return link.addresses.find((a) => a.family === family)?.address;
}

function underlayOfDevice(facts: ViewInput, s: Scratch, vx: Link, family: 'inet' | 'inet6'): Underlay | undefined {
  const local = vx.vxlan?.local;
  const byDev = named(s, vx.vxlan?.dev);
  if (byDev) return { link: byDev, address: addressOn(byDev, local, family), from: 'vxlan-dev', how: `dev ${byDev.name}` };
  if (local) {
    const holder = s.byAddress.get(local)?.find((l) => l.name !== vx.name);
    if (holder) return { link: holder, address: local, from: 'vxlan-local', how: `holds local ${local}` };
  }
  // Where this device sends encapsulated packets: the FDB's peer VTEPs, as the routes reach them.
  const dsts = s.lookups > 0 ? [...new Set((facts.fdb?.items ?? []).filter((f) => f.dev === vx.name && f.dst !== undefined).map((f) => f.dst!))].slice(0, s.lookups) : [];
  const toPeer = routeToAny(facts, s, dsts, vx.name);
  const peerLink = named(s, toPeer?.route.dev);
  if (toPeer && peerLink) return { link: peerLink, address: addressOn(peerLink, local, family), from: 'peer-route', how: `route to peer ${toPeer.target}` };
  const viaDefault = defaultRouteLink(facts, s, family);
  if (viaDefault && viaDefault.name !== vx.name) return { link: viaDefault, address: addressOn(viaDefault, local, family), from: 'default-route', how: 'default route' };
  return undefined;
}

function deviceOf(facts: ViewInput, s: Scratch, l: Link): VxlanDevice {
  const flavour = flavourOf(l.name);
  const family = l.vxlan?.local?.includes(':') || /-v6\./.test(l.name) ? 'inet6' : 'inet';
  return {
    link: l,
    name: l.name,
    flavour,
    cniName: CNI_VXLAN_NAME.test(l.name),
    family,
    vni: l.vxlan?.id,
    dstport: l.vxlan?.port,
    port: portOf(facts, l, flavour),
    local: l.vxlan?.local,
    overlayAddress: l.addresses.find((a) => a.family === 'inet')?.address,
    mtu: l.mtu,
    underlay: underlayOfDevice(facts, s, l, family),
  };
}

export function podNetworkOf(facts: ViewInput): NetworkView['podNetwork'] {
  const env = facts.cni?.flannelSubnetEnv?.network;
  if (env) return { cidr: env, from: 'subnet.env' };
  const conf = facts.cni?.flannelNetConf?.network;
  return conf ? { cidr: conf, from: 'net-conf' } : undefined;
}

function podSubnetOf(facts: ViewInput): NetworkView['podSubnet'] {
  const env = facts.cni?.flannelSubnetEnv?.subnet;
  if (env) {
    const [ip, len] = env.split('/');
    return { cidr: networkPrefix(ip ?? '', Number(len)) ?? env, from: 'subnet.env' };
  }
  const bridge = (facts.links?.items ?? []).find((l) => l.kind === 'bridge' && CNI_BRIDGE.test(l.name));
  const a = bridge?.addresses.find((x) => x.family === 'inet');
  const cidr = a ? networkPrefix(a.address, a.prefixLen) : undefined;
  return cidr ? { cidr, from: 'cni-bridge' } : undefined;
}

function peerPodRoutes(facts: ViewInput, s: Scratch, vxNames: Set<string>, network: string | undefined, own: string | undefined): Route[] {
  const bridges = new Set((facts.links?.items ?? []).filter((l) => l.kind === 'bridge').map((l) => l.name));
  const net = network === undefined ? undefined : parseCidr(network);
  const mine = own === undefined ? undefined : parseCidr(own);
  const out: Route[] = [];
  for (const { route: r, dst } of mainRoutes(facts, s)) {
    if (mine && parsedContains(mine, dst)) continue;
    if (vxNames.has(r.dev!) || (net && !bridges.has(r.dev!) && parsedContains(net, dst))) out.push(r);
  }
  return out;
}

function cniOf(facts: ViewInput, vxlan: VxlanDevice[]): NetworkView['cni'] {
  const plugin = facts.cni?.plugin;
  if (plugin && plugin !== 'unknown') return { plugin, from: 'cni-facts' };
  const flavours = new Set(vxlan.filter((d) => d.cniName).map((d) => d.flavour));
  if (flavours.size > 0) return { plugin: flavours.has('flannel') && flavours.has('calico') ? 'canal' : [...flavours][0], from: 'devices' };
  return plugin ? { plugin, from: 'cni-facts' } : {};
}

function kubernetesNodeOf(facts: ViewInput): NetworkView['kubernetesNode'] {
  const conf = facts.cni?.configs[0];
  if (conf) return { value: true, why: `CNI config ${conf.file}` };
  if (facts.cni?.flannelSubnetEnv) return { value: true, why: `flannel ${facts.cni.flannelSubnetEnv.source}` };
  if (facts.cni?.flannelNetConf) return { value: true, why: `flannel ${facts.cni.flannelNetConf.source}` };
  const dev = (facts.links?.items ?? []).find((l) => CNI_VXLAN_NAME.test(l.name) || l.name === 'cni0' || /^cali[0-9a-f]/.test(l.name) || l.name === 'tunl0');
  if (dev) return { value: true, why: `device ${dev.name}` };
  return { value: false, why: 'no CNI config, no flannel/calico device' };
}

/**
 * Each facts object's view, with the sections it was derived from: every rule asks, and a view is
 * derived again only when a section was replaced (the collector fills one facts object section by section).
 */
const views = new WeakMap<object, { from: unknown[]; view: NetworkView }>();

/** The node's network view. */
export function networkView(facts: ViewInput): NetworkView {
  const from = [facts.links, facts.routes, facts.fdb, facts.cni];
  const known = views.get(facts);
  if (known && known.from.every((x, i) => x === from[i])) return known.view;
  const s = scratch(facts);
  const vxlan = (facts.links?.items ?? []).filter(isVxlanLink).map((l) => deviceOf(facts, s, l));
  const primary = vxlan.find((d) => d.link.vxlan !== undefined) ?? vxlan[0];
  const podNetwork = podNetworkOf(facts);
  const podSubnet = podSubnetOf(facts);
  const peerRoutes = peerPodRoutes(facts, s, new Set(vxlan.map((d) => d.name)), podNetwork?.cidr, podSubnet?.cidr);
  const view: NetworkView = {
    vxlan,
    primary,
    underlay: primary?.underlay ?? nodeUnderlay(facts, s, peerRoutes, new Set(vxlan.map((d) => d.name))),
    podNetwork,
    podSubnet,
    peerPodSubnets: [...new Set(peerRoutes.map((r) => r.dst))],
    cni: cniOf(facts, vxlan),
    kubernetesNode: kubernetesNodeOf(facts),
  };
  views.set(facts, { from, view });
  return view;
}

/** Without a VXLAN device: the NIC that routes to peers' pod subnets through a gateway (host-gw), else the default route's. */
function nodeUnderlay(facts: ViewInput, s: Scratch, peerRoutes: Route[], vxNames: Set<string>): Underlay | undefined {
  const viaGateway = peerRoutes.find((r) => r.via !== undefined && r.dev !== undefined && !vxNames.has(r.dev));
  const link = named(s, viaGateway?.dev);
  if (viaGateway && link) return { link, address: addressOn(link, undefined, 'inet'), from: 'peer-route', how: `route to peer ${viaGateway.via}` };
  const viaDefault = defaultRouteLink(facts, s, 'inet');
  return viaDefault ? { link: viaDefault, address: addressOn(viaDefault, undefined, 'inet'), from: 'default-route', how: 'default route' } : undefined;
}
