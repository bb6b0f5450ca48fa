// The interfaces a CNI creates and programs itself (flannel.1, cni0, cali*, vxlan.calico, tunl0,
// veth*): what a host network manager must leave alone. Also: where in a transcript a fact sits.
import type { NodeFacts } from '../../evidence/node-facts.js';

export const CNI_DEVICE = /^(flannel[.-].*|cni\d+|cbr\d+|cali[0-9a-f].*|vxlan\.calico|vxlan-v6\.calico|tunl\d+|wireguard\.cali|wg-v6\.cali|veth[0-9a-f].*|cilium_\w+|weave|vxlan\.\w+)$/;

/** One name of each kind a CNI creates, for testing whether a glob or [Match] would take them. */
export const CNI_SAMPLES = ['cali1f9aa2cfd91', 'veth1a2b3c4d', 'flannel.1', 'cni0', 'vxlan.calico', 'tunl0'];

/** The CNI devices the evidence names (links, networkd's and NetworkManager's lists). */
export function cniDevicesSeen(facts: NodeFacts): string[] {
  const names = [
    ...(facts.links?.items ?? []).map((l) => l.name),
    ...(facts.networkd?.links ?? []).map((l) => l.name),
    ...(facts.networkManager?.devices ?? []).map((d) => d.device),
  ];
  return [...new Set(names.filter((n) => CNI_DEVICE.test(n)))];
}

/** The line of a transcript source (`transcript.txt:123`), for ordering facts in time; undefined elsewhere. */
export function lineNo(source: string): number | undefined {
  const m = /:(\d+)$/.exec(source);
  return m ? Number(m[1]) : undefined;
}
