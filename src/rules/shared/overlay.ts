// What the seed rules share about the node's overlay: its VXLAN devices and the CNI bridge.
import type { Link, NodeFacts } from '../../evidence/node-facts.js';

const OVERLAY_NAME = /^(flannel\.\d+|flannel-v6\.\d+|vxlan\.calico|vxlan-v6\.calico)$/;

/** The CNI's VXLAN devices: flannel.N and vxlan.calico (by name, so a kind missing from old iproute2 does not hide them). */
export function overlayDevices(facts: NodeFacts): Link[] {
  return (facts.links?.items ?? []).filter((l) => OVERLAY_NAME.test(l.name));
}

export function isOverlayName(name: string): boolean {
  return OVERLAY_NAME.test(name);
}

/** IPv4 addresses of a link. */
export function inetAddresses(l: Link): { address: string; prefixLen: number }[] {
  return l.addresses.filter((a) => a.family === 'inet');
}

export function linkNamed(facts: NodeFacts, name: string): Link | undefined {
  return facts.links?.items.find((l) => l.name === name);
}

/** Whether the node looks like a Kubernetes node: a CNI config, an overlay device, or a CNI bridge. */
export function looksLikeKubernetesNode(facts: NodeFacts): boolean {
  if ((facts.cni?.configs.length ?? 0) > 0 || facts.cni?.flannelSubnetEnv || facts.cni?.flannelNetConf) return true;
  return (facts.links?.items ?? []).some((l) => isOverlayName(l.name) || l.name === 'cni0' || /^cali[0-9a-f]/.test(l.name) || l.name === 'tunl0');
}
