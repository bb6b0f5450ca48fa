// CNI configuration and what overlay the node runs: /etc/cni/net.d/*, /run/flannel/subnet.env,
// /etc/kube-flannel/net-conf.json, and process lists or container listings for versions.

export interface CniConfig {
  name?: string;
  type?: string;
  plugins: string[];
  mtu?: number;
}

/** A .conflist ({name, plugins:[{type, mtu}]}) or a .conf ({name, type, mtu}); undefined if not JSON. */
export function parseCniConfig(text: string): CniConfig | undefined {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!doc || typeof doc !== 'object') return undefined;
  const d = doc as Record<string, unknown>;
  const plugins = Array.isArray(d.plugins) ? (d.plugins as Record<string, unknown>[]) : [];
  const types = plugins.map((p) => (typeof p?.type === 'string' ? p.type : undefined)).filter((t): t is string => !!t);
  const mtus = [d, ...plugins, ...plugins.map((p) => (p?.delegate ?? {}) as Record<string, unknown>)]
    .map((o) => (typeof o?.mtu === 'number' ? o.mtu : undefined))
    .filter((m): m is number => m !== undefined);
  return {
    name: typeof d.name === 'string' ? d.name : undefined,
    type: typeof d.type === 'string' ? d.type : types[0],
    plugins: types,
    mtu: mtus[0],
  };
}

/** /run/flannel/subnet.env: FLANNEL_NETWORK, FLANNEL_SUBNET, FLANNEL_MTU, FLANNEL_IPMASQ. */
export function parseFlannelSubnetEnv(text: string): { network?: string; subnet?: string; mtu?: number; ipmasq?: boolean } {
  const env: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^\s*(FLANNEL_\w+)=(.*)$/.exec(line);
    if (m) env[m[1]!] = m[2]!.trim().replace(/^["']|["']$/g, '');
  }
  const mtu = env.FLANNEL_MTU === undefined ? undefined : Number(env.FLANNEL_MTU);
  return {
    network: env.FLANNEL_NETWORK,
    subnet: env.FLANNEL_SUBNET,
    mtu: mtu !== undefined && Number.isFinite(mtu) ? mtu : undefined,
    ipmasq: env.FLANNEL_IPMASQ === undefined ? undefined : env.FLANNEL_IPMASQ === 'true',
  };
}

/** flannel net-conf.json: {"Network": "...", "Backend": {"Type": "vxlan", "Port": 8472}}. */
export function parseFlannelNetConf(text: string): { network?: string; backendType?: string; port?: number } | undefined {
  try {
    const d = JSON.parse(text) as { Network?: unknown; Backend?: { Type?: unknown; Port?: unknown } };
    return {
      network: typeof d.Network === 'string' ? d.Network : undefined,
      backendType: typeof d.Backend?.Type === 'string' ? d.Backend.Type : undefined,
      port: typeof d.Backend?.Port === 'number' ? d.Backend.Port : undefined,
    };
  } catch {
    return undefined;
  }
}

export interface Workloads {
  /** flannel, calico, kube-proxy: versions from image tags (`flannel/flannel:v0.22.0`, `calico/node:v3.20.0`). */
  versions: Record<string, string>;
  seen: Set<'flannel' | 'calico' | 'kube-proxy'>;
  kubeProxyMode?: string;
}

const IMAGE_COMPONENTS: { component: 'flannel' | 'calico' | 'kube-proxy'; regex: RegExp }[] = [
  { component: 'flannel', regex: /(?:^|[\s/])(?:flannel|flanneld)(?:-[a-z0-9]+)?:v?(\d+\.\d+\.\d+[\w.-]*)/ },
  { component: 'calico', regex: /calico\/node(?:-[a-z0-9]+)?:v?(\d+\.\d+\.\d+[\w.-]*)/ },
  { component: 'kube-proxy', regex: /kube-proxy(?:-[a-z0-9]+)?:v?(\d+\.\d+\.\d+[\w.-]*)/ },
];

/**
 * Reads what runs from process lists (`ps auxwww`) and container listings (`crictl ps -a`,
 * `docker ps -a`, `crictl images`): image tags give versions; process names and container names
 * say which components run; `--proxy-mode=ipvs` on kube-proxy's command line gives its mode.
 */
export function scanWorkloads(texts: string[]): Workloads {
  const out: Workloads = { versions: {}, seen: new Set() };
  for (const text of texts) {
    for (const line of text.split('\n')) {
      for (const { component, regex } of IMAGE_COMPONENTS) {
        const m = regex.exec(line);
        if (m) {
          out.seen.add(component);
          out.versions[component] ??= m[1]!.replace(/-(amd64|arm64|arm|ppc64le|s390x)$/, '');
        }
      }
      // crictl images: `docker.io/flannel/flannel   v0.22.0   abc123   ...` (repository and tag in columns).
      const img = /^\S*?(flannel\/flannel|coreos\/flannel|calico\/node|kube-proxy)\s+v?(\d+\.\d+\.\d+(?:[a-zA-Z_.-][\w.-]*)?)\s/.exec(line);
      if (img) {
        const component = img[1]!.includes('flannel') ? 'flannel' : img[1] === 'calico/node' ? 'calico' : 'kube-proxy';
        out.seen.add(component);
        out.versions[component] ??= img[2]!.replace(/-(amd64|arm64|arm|ppc64le|s390x)$/, '');
      }
      if (/\bflanneld\b|k8s_kube-flannel|kube-flannel-ds/.test(line)) out.seen.add('flannel');
      if (/calico-node\b|k8s_calico-node|\bcalico-felix\b/.test(line)) out.seen.add('calico');
      if (/\bkube-proxy\b/.test(line)) {
        out.seen.add('kube-proxy');
        const mode = /--proxy-mode[= ](\w+)/.exec(line);
        if (mode) out.kubeProxyMode ??= mode[1];
      }
    }
  }
  return out;
}

/** flannel, calico, or canal (both), from configs and workloads. */
export function decidePlugin(configTypes: string[], seen: Set<string>, hasFlannelFiles: boolean): string | undefined {
  const flannel = hasFlannelFiles || seen.has('flannel') || configTypes.includes('flannel');
  const calico = seen.has('calico') || configTypes.includes('calico');
  if (flannel && calico) return 'canal';
  if (flannel) return 'flannel';
  if (calico) return 'calico';
  return configTypes.length > 0 ? 'unknown' : undefined;
}
