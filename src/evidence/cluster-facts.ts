// What the cluster says about itself, as the API server (or a `kubectl get -o json` dump) holds
// it. Measuring only: no judgement here. Every fact carries where it came from (object kind,
// namespace/name, field path) so a rule can quote it, and a list cut short says so (partial):
// absence in a partial list is not a fact.
import { z } from 'zod';

/** 2: problems and notes are Issues (a code, its data and the English text; evidence/cluster-texts.ts), were strings. */
import { Issue } from './cluster-texts.js';

export const CLUSTER_FACTS_SCHEMA_VERSION = 2;

export const ObjectRef = z.object({
  kind: z.string(),
  name: z.string(),
  namespace: z.string().optional(),
  /** Field path inside the object, e.g. `metadata.annotations["flannel.alpha.coreos.com/public-ip"]`. */
  path: z.string(),
});
export type ObjectRef = z.infer<typeof ObjectRef>;

export function fact<T extends z.ZodTypeAny>(value: T) {
  return z.object({ value, from: ObjectRef });
}
export type Fact<T> = { value: T; from: ObjectRef };

const Condition = z.object({ type: z.string(), status: z.string(), reason: z.string().optional() });

export const FlannelNodeFacts = z.object({
  backendType: fact(z.string()).optional(),
  /** backend-data as written; `vtepMAC` when a MAC could be read from it (six shapes seen). */
  backendData: fact(z.string()).optional(),
  vtepMAC: fact(z.string()).optional(),
  vni: fact(z.number().int()).optional(),
  /** Why backend-data gave no MAC, e.g. "not JSON", "a JSON string (extension backend)". */
  backendDataProblem: Issue.optional(),
  publicIP: fact(z.string()).optional(),
  publicIPOverwrite: fact(z.string()).optional(),
  kubeSubnetManager: fact(z.boolean()).optional(),
  backendV6Data: fact(z.string()).optional(),
  vtepMACv6: fact(z.string()).optional(),
  publicIPv6: fact(z.string()).optional(),
});
export type FlannelNodeFacts = z.infer<typeof FlannelNodeFacts>;

export const CalicoNodeFacts = z.object({
  ipv4Address: fact(z.string()).optional(),
  ipv4VXLANTunnelAddr: fact(z.string()).optional(),
  /** Often absent (calico#9086): absence means unknown, not stale. */
  vxlanTunnelMACAddr: fact(z.string()).optional(),
  ipv4IPIPTunnelAddr: fact(z.string()).optional(),
  ipv6Address: fact(z.string()).optional(),
  ipv6VXLANTunnelAddr: fact(z.string()).optional(),
  vxlanTunnelMACAddrV6: fact(z.string()).optional(),
  asNumber: fact(z.string()).optional(),
});
export type CalicoNodeFacts = z.infer<typeof CalicoNodeFacts>;

export const ClusterNode = z.object({
  name: z.string(),
  internalIPs: fact(z.array(z.string())),
  externalIPs: fact(z.array(z.string())),
  podCIDRs: fact(z.array(z.string())),
  conditions: fact(z.array(Condition)),
  unschedulable: fact(z.boolean()),
  labels: fact(z.record(z.string())),
  kernelVersion: fact(z.string()).optional(),
  osImage: fact(z.string()).optional(),
  architecture: fact(z.string()).optional(),
  containerRuntimeVersion: fact(z.string()).optional(),
  kubeletVersion: fact(z.string()).optional(),
  kubeProxyVersion: fact(z.string()).optional(),
  flannel: FlannelNodeFacts.optional(),
  calico: CalicoNodeFacts.optional(),
});
export type ClusterNode = z.infer<typeof ClusterNode>;

export const FlannelNetConf = z.object({
  from: ObjectRef,
  network: z.string().optional(),
  ipv6Network: z.string().optional(),
  backendType: z.string().optional(),
  /** As configured; absent means flannel's default (8472 on Linux). */
  port: z.number().int().optional(),
  vni: z.number().int().optional(),
  mtu: z.number().int().optional(),
  directRouting: z.boolean().optional(),
  problem: Issue.optional(),
});

/** Absent in the object = `unset` (calico#6301: a crd-v1 pool made by hand has neither mode). */
const PoolMode = z.enum(['Always', 'CrossSubnet', 'Never', 'unset']).or(z.string());
export const IPPoolFacts = z.object({
  from: ObjectRef,
  apiVersion: z.string(),
  name: z.string(),
  cidr: z.string().optional(),
  vxlanMode: PoolMode,
  ipipMode: PoolMode,
  natOutgoing: z.boolean().optional(),
  disabled: z.boolean().optional(),
  blockSize: z.number().int().optional(),
  nodeSelector: z.string().optional(),
});

export const FelixFacts = z.object({
  from: ObjectRef,
  apiVersion: z.string(),
  name: z.string(),
  /** Absent: felix's defaults (4789, 4096, 0 = auto) apply. */
  vxlanPort: z.number().int().optional(),
  vxlanVNI: z.number().int().optional(),
  vxlanMTU: z.number().int().optional(),
  vxlanEnabled: z.boolean().optional(),
  featureDetectOverride: z.record(z.string()).optional(),
});

export const KubeProxyFacts = z.object({
  /** `mode: ""` means iptables on Linux (kube-proxy's own default). */
  mode: fact(z.string()),
  modeAsWritten: z.string(),
});

export const DnsFacts = z.object({
  service: z.object({ from: ObjectRef, namespace: z.string(), name: z.string(), clusterIPs: z.array(z.string()), ports: z.array(z.object({ name: z.string().optional(), port: z.number(), protocol: z.string() })) }),
  endpoints: z.array(z.object({ from: ObjectRef, ip: z.string(), nodeName: z.string().optional(), ready: z.boolean().optional() })),
});

export const Partial = z.object({
  resource: z.string(),
  code: z.string(),
  /** The API server's or kubectl's own words, or podpath's (then `says` holds them as a code). */
  message: z.string(),
  says: z.object({ code: z.string(), data: z.record(z.string(), z.union([z.string(), z.number()])).default({}) }).optional(),
});
export type PartialList = z.infer<typeof Partial>;

export const ClusterFacts = z.object({
  schemaVersion: z.literal(CLUSTER_FACTS_SCHEMA_VERSION),
  source: z.object({ kind: z.enum(['api', 'files']), server: z.string().optional(), context: z.string().optional(), files: z.array(z.string()).optional() }),
  /** How many objects of each resource were read: "3 nodes in the dump", not "the cluster has 3". */
  counts: z.record(z.number().int()),
  /** Lists cut short (403, 410 mid-pagination, a dump written after a kubectl error): their absence proves nothing. */
  partial: z.array(Partial),
  notes: z.array(Issue),
  nodes: z.array(ClusterNode),
  flannelNetConf: FlannelNetConf.optional(),
  calico: z.object({
    /** Which API the pools came from; `none` when neither answered. */
    ippoolsApi: z.string().optional(),
    ippools: z.array(IPPoolFacts),
    felixConfigurations: z.array(FelixFacts),
  }),
  kubeProxy: KubeProxyFacts.optional(),
  dns: DnsFacts.optional(),
});
export type ClusterFacts = z.infer<typeof ClusterFacts>;
