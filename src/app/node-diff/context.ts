// What is node-specific on each side (its own addresses, its pod subnet, which NIC is the underlay)
// so that values can be compared by their role instead of their literal text.
import type { Link, NodeFacts } from '../../evidence/node-facts.js';
import { networkView, type NetworkView } from '../../evidence/network-view.js';
import { cidrContains } from '../../util/ipv4.js';

export interface NodeContext {
  facts: NodeFacts;
  /** This node's own IPv4/IPv6 addresses (all links). */
  ownAddresses: Set<string>;
  /** This node's pod subnet (`10.244.1.0/24`) when visible (subnet.env, or cni0's network). */
  ownPodSubnet?: string;
  podNetwork?: string;
  underlay?: Link;
  overlays: Link[];
  /** The node's network view: the VXLAN devices with their ports, the underlay, the pod subnets. */
  view: NetworkView;
  /** Interface name -> role name used in keys (`<underlay>`, `flannel.1`, `cni0`); undefined = not compared by name. */
  roleOf(name: string): string | undefined;
}

/** Per-pod and per-endpoint interfaces: compared as a group (their MTUs), never by name. */
export const EPHEMERAL_IFACE = /^(veth|cali|lxc|tap|vnet|docker\d|br-|kube-ipvs|nodelocaldns|dummy)/;

export function nodeContext(facts: NodeFacts): NodeContext {
  const links = facts.links?.items ?? [];
  const ownAddresses = new Set<string>();
  for (const l of links) for (const a of l.addresses) ownAddresses.add(a.address);
  const view = networkView(facts);
  const overlays = view.vxlan.map((d) => d.link);
  const underlayLink = view.underlay?.link;
  const overlayNames = new Set(overlays.map((o) => o.name));
  return {
    facts,
    ownAddresses,
    ownPodSubnet: view.podSubnet?.cidr,
    podNetwork: view.podNetwork?.cidr,
    underlay: underlayLink,
    overlays,
    view,
    roleOf(name: string) {
      if (underlayLink && name === underlayLink.name) return '<underlay>';
      if (overlayNames.has(name)) return name;
      if (EPHEMERAL_IFACE.test(name)) return undefined;
      return name;
    },
  };
}

/**
 * Replaces what is node-specific in a line of text: the node's own addresses, its pod subnet and the
 * addresses inside it, the underlay's name; so `-s 10.244.1.0/24` on A and `-s 10.244.2.0/24` on B
 * read the same.
 */
export function maskText(ctx: NodeContext, text: string): string {
  let out = text.replace(/\b(\d{1,3}(?:\.\d{1,3}){3})(\/\d{1,2})?\b/g, (whole, ip: string, len: string | undefined) => {
    if (ctx.ownAddresses.has(ip) && !len) return '<node-ip>';
    if (ctx.ownPodSubnet && cidrContains(ctx.ownPodSubnet, `${ip}${len ?? ''}`)) {
      return len && `${ip}${len}` === ctx.ownPodSubnet ? '<own-pod-subnet>' : '<own-pod-ip>';
    }
    return whole;
  });
  out = out.replace(/\b([0-9a-f]{2}(:[0-9a-f]{2}){5})\b/gi, '<mac>');
  if (ctx.underlay) out = out.replace(new RegExp(`(?<![\\w.-])${escapeRe(ctx.underlay.name)}(?![\\w.-])`, 'g'), '<underlay>');
  return out;
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Whether an address lies in the cluster's pod network but outside this node's own pod subnet. */
export function isPeerPodAddress(ctx: NodeContext, cidr: string): boolean {
  if (!ctx.podNetwork || !cidrContains(ctx.podNetwork, cidr)) return false;
  return !(ctx.ownPodSubnet && cidrContains(ctx.ownPodSubnet, cidr));
}
