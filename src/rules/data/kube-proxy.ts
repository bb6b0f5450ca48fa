// kube-proxy releases against seed 004's VXLAN/NAT checksum bug: Kubernetes PR #92035 made
// KUBE-POSTROUTING return unmarked packets and clear mark 0x4000 before MASQUERADE, so the mark no
// longer survives VXLAN encapsulation into a masquerade of the outer packet. It shipped in
// v1.19.0 and was cherry-picked to v1.18.6 and v1.17.9 (knowledge base #1); older lines never got it.

/** First release of each line with the fix; a line below the lowest listed has none. */
export const KUBE_PROXY_UNMARK_FIXED: readonly { minor: number; fromPatch: number }[] = [
  { minor: 18, fromPatch: 6 },
  { minor: 17, fromPatch: 9 },
];
export const KUBE_PROXY_UNMARK_MAINLINE = 19;

/** `v1.14.8-eks-b8860f` -> [1, 14, 8]; undefined when it is not a Kubernetes version. */
export function parseKubeVersion(v: string): [number, number, number] | undefined {
  const m = /^v?(\d+)\.(\d+)\.(\d+)/.exec(v.trim());
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
}

/** Whether this kube-proxy clears mark 0x4000 before masquerading, with the comparison that says so. */
export function kubeProxyUnmarks(version: string): { fixed: boolean | undefined; basis: string } {
  const v = parseKubeVersion(version);
  if (!v || v[0] !== 1) return { fixed: undefined, basis: `cannot read kube-proxy version "${version}"` };
  const [, minor, patch] = v;
  const at = `1.${minor}.${patch}`;
  if (minor >= KUBE_PROXY_UNMARK_MAINLINE) return { fixed: true, basis: `${at} >= 1.${KUBE_PROXY_UNMARK_MAINLINE}.0` };
  const line = KUBE_PROXY_UNMARK_FIXED.find((l) => l.minor === minor);
  if (line) return patch >= line.fromPatch ? { fixed: true, basis: `${at} >= 1.${minor}.${line.fromPatch}` } : { fixed: false, basis: `${at} < 1.${minor}.${line.fromPatch}` };
  return { fixed: false, basis: `${at} < 1.17.9` };
}
