// The overlay's nodes as people print them: flannel's node annotations (`kubectl get node -o yaml |
// grep -A3 Vtep`: backend-data with the VtepMAC, public-ip), Calico's (projectcalico.org/IPv4Address),
// and the CNI DaemonSet's pods in `kubectl get pods -o wide` (hostNetwork: the pod IP is the node's).
// Pure: lines in, one entry per node found.

export interface PeerEntry {
  node?: string;
  publicIp?: string;
  vtepMac?: string;
  how: 'annotation' | 'pod';
  line: string;
}

const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}$/;

/** Annotation lines, grouped per node: a `--` separator (grep -A), a `name:` line or a repeated key starts a new node. */
export function parseNodeAnnotations(text: string): PeerEntry[] {
  const out: PeerEntry[] = [];
  let cur: PeerEntry | undefined;
  let keys = new Set<string>();
  let name: string | undefined;
  const start = (): PeerEntry => {
    cur = { how: 'annotation', line: '', ...(name ? { node: name } : {}) };
    keys = new Set();
    out.push(cur);
    return cur;
  };
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '--') {
      cur = undefined;
      name = undefined;
      continue;
    }
    const nm = /^"?name"?: "?([\w.-]{1,253})"?,?$/.exec(line);
    if (nm && /^ {0,4}"?name/.test(raw)) {
      name = nm[1];
      if (cur && !cur.node) cur.node = name;
      continue;
    }
    const kv = /^"?(flannel\.alpha\.coreos\.com\/[\w-]{1,64}|projectcalico\.org\/[\w]{1,64})"?\s*:\s*(.{0,1000})$/.exec(line);
    if (!kv) continue;
    const key = kv[1]!;
    const value = kv[2]!.replace(/,$/, '').trim().replace(/^'(.*)'$/s, '$1').replace(/^"(.*)"$/s, '$1').replace(/\\"/g, '"');
    const e = !cur || keys.has(key) ? start() : cur;
    keys.add(key);
    if (key === 'flannel.alpha.coreos.com/public-ip' || key === 'flannel.alpha.coreos.com/public-ip-overwrite') {
      if (IPV4.test(value)) {
        e.publicIp = value;
        e.line = line;
      }
    } else if (key === 'flannel.alpha.coreos.com/backend-data') {
      const mac = /"VtepMAC"\s*:\s*"([0-9a-fA-F:]{17})"/.exec(value)?.[1];
      if (mac) {
        e.vtepMac = mac.toLowerCase();
        if (!e.line) e.line = line;
      }
    } else if (key === 'projectcalico.org/IPv4Address') {
      const ip = value.split('/')[0]!;
      if (IPV4.test(ip)) {
        e.publicIp = ip;
        e.line = line;
      }
    }
  }
  return out.filter((e) => e.publicIp !== undefined || e.vtepMac !== undefined);
}

/** CNI agent pods (flannel, calico-node, canal) in `kubectl get pods -o wide`: their IP is their node's. */
export function parseCniPods(text: string): PeerEntry[] {
  const out: PeerEntry[] = [];
  for (const raw of text.split('\n')) {
    const w = raw.trim().split(/\s+/);
    const nameAt = w.findIndex((x) => /^(?:kube-flannel|flannel|calico-node|canal|rke2-canal)[\w-]{0,64}$/.test(x));
    if (nameAt < 0 || nameAt > 1) continue;
    const ipAt = w.findIndex((x, i) => i > nameAt && IPV4.test(x));
    if (ipAt < 0) continue;
    const node = w[ipAt + 1];
    out.push({ how: 'pod', publicIp: w[ipAt]!, ...(node && node !== '<none>' ? { node } : {}), line: raw.trim() });
  }
  return out;
}
