// The objects `podpath cluster install` applies and deploy/ ships: a namespace, the agents'
// service account, the Secret, the bundle ConfigMap and the two DaemonSets (host plane and pod
// plane). Pure: the same options give the same objects; randomness comes in through `secrets`.
// Types are kubernetes-models' (type-only, erased at build): object literals get TypeScript's
// excess-property check, so a misspelt field does not compile.
import type { INamespace } from 'kubernetes-models/v1/Namespace';
import type { IServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import type { ISecret } from 'kubernetes-models/v1/Secret';
import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import type { IDaemonSet } from 'kubernetes-models/apps/v1/DaemonSet';
import type { IToleration } from 'kubernetes-models/v1/Toleration';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IVolume } from 'kubernetes-models/v1/Volume';
import type { IEnvVar } from 'kubernetes-models/v1/EnvVar';
import { PodpathError } from '../../util/errors.js';

export type Toleration = IToleration;
export type ManagedObject = INamespace | IServiceAccount | ISecret | IConfigMap | IDaemonSet;

export const DEFAULT_NAMESPACE = 'podpath';
/** A stock Node image, so air-gapped sites need no image of ours (`--image` for a local mirror). */
export const DEFAULT_IMAGE = 'docker.io/library/node:20-bookworm-slim';
export const NAMES = {
  serviceAccount: 'podpath-agent',
  secret: 'podpath-secrets',
  bundle: 'podpath-bundle',
  hostDaemonSet: 'podpath-host',
  podDaemonSet: 'podpath-pod',
} as const;
/** The label every object carries; `uninstall` deletes only what has it (and one of NAMES). */
export const MANAGED_BY = { 'app.kubernetes.io/managed-by': 'podpath' } as const;
export const BUNDLE_KEY = 'podpath.mjs.gz';
export const SECRET_KEYS = { hmacKey: 'hmac-key', apiToken: 'api-token' } as const;
/** Every node, tainted or not: a diagnosis must reach the broken node too. */
export const DEFAULT_TOLERATIONS: Toleration[] = [{ operator: 'Exists' }];
/** Host paths the node sources read, mounted read-only under /host (the agent's --root). */
export const HOST_PATHS = ['/proc', '/sys', '/etc/NetworkManager', '/etc/systemd/network', '/run/flannel', '/etc/cni', '/var/log'] as const;
/** What a running pod sees: each plane has its own ports so both can run on one node. */
export const DEFAULT_PORTS = { hostProbe: 7946, hostApi: 7947, podProbe: 7946, podApi: 7947 } as const;

export interface ManifestOptions {
  namespace?: string;
  image?: string;
  tolerations?: Toleration[];
  ports?: Partial<Record<keyof typeof DEFAULT_PORTS, number>>;
  /** podpath's version, for the app.kubernetes.io/version label. */
  version: string;
  /** gzip of dist/podpath.mjs; absent: no ConfigMap (deploy/ generates it with kustomize). */
  bundleGz?: Buffer;
  /** Made at install; absent: no Secret (deploy/ generates it from files the user makes). */
  secrets?: { hmacKey: string; apiToken: string };
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

function checkOptions(o: ManifestOptions): void {
  const ns = o.namespace ?? DEFAULT_NAMESPACE;
  if (!DNS_LABEL.test(ns)) throw new PodpathError('E_USAGE', `not a namespace name (RFC 1123 label): ${JSON.stringify(ns)}`);
  const image = o.image ?? DEFAULT_IMAGE;
  if (!/^[A-Za-z0-9][A-Za-z0-9._:/@-]{0,254}$/.test(image)) throw new PodpathError('E_USAGE', `not an image reference: ${JSON.stringify(image)}`);
  for (const [k, v] of Object.entries(o.ports ?? {})) {
    if (!Number.isInteger(v) || v < 1 || v > 65535) throw new PodpathError('E_USAGE', `not a port for ${k}: ${String(v)}`);
  }
  if (o.secrets) {
    const { hmacKey, apiToken } = o.secrets;
    if (hmacKey.length < 32 || apiToken.length < 32) throw new PodpathError('E_WEAK_KEY', 'the HMAC key and the API token must be at least 32 characters');
    if (hmacKey === apiToken) throw new PodpathError('E_WEAK_KEY', 'the HMAC key and the API token must differ');
  }
}

function labels(version: string, component?: string): Record<string, string> {
  return {
    'app.kubernetes.io/name': 'podpath',
    'app.kubernetes.io/instance': 'podpath',
    ...(component ? { 'app.kubernetes.io/component': component } : {}),
    'app.kubernetes.io/part-of': 'podpath',
    'app.kubernetes.io/version': version,
    ...MANAGED_BY,
  };
}

const DOWNWARD_ENV: IEnvVar[] = [
  { name: 'NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
  { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
  { name: 'HOST_IP', valueFrom: { fieldRef: { fieldPath: 'status.hostIP' } } },
  { name: 'POD_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
];

/** Unpacks the bundle from the ConfigMap into an emptyDir, with only what the stock image has. */
const UNPACK = [
  "const z=require('node:zlib'),f=require('node:fs');",
  `f.writeFileSync('/podpath/podpath.mjs',z.gunzipSync(f.readFileSync('/bundle/${BUNDLE_KEY}')),{mode:0o444});`,
].join('');

function unpackContainer(image: string, securityContext: IContainer['securityContext']): IContainer {
  return {
    name: 'unpack',
    image,
    command: ['node', '-e', UNPACK],
    volumeMounts: [
      { name: 'bundle', mountPath: '/bundle', readOnly: true },
      { name: 'podpath', mountPath: '/podpath' },
    ],
    resources: { requests: { cpu: '10m', memory: '32Mi' }, limits: { memory: '128Mi' } },
    securityContext,
  };
}

function agentContainer(image: string, listenVar: 'HOST_IP' | 'POD_IP', probePort: number, apiPort: number, extraArgs: string[], securityContext: IContainer['securityContext'], extraMounts: NonNullable<IContainer['volumeMounts']>): IContainer {
  return {
    name: 'agent',
    image,
    command: ['node'],
    args: [
      '/podpath/podpath.mjs', 'agent',
      '--listen', `$(${listenVar})`,
      '--port', String(probePort),
      '--api-port', String(apiPort),
      '--key-file', `/etc/podpath/secrets/${SECRET_KEYS.hmacKey}`,
      '--token-file', `/etc/podpath/secrets/${SECRET_KEYS.apiToken}`,
      ...extraArgs,
    ],
    env: DOWNWARD_ENV,
    ports: [
      { name: 'probe-udp', containerPort: probePort, protocol: 'UDP' },
      { name: 'probe-tcp', containerPort: probePort, protocol: 'TCP' },
      { name: 'api', containerPort: apiPort, protocol: 'TCP' },
    ],
    readinessProbe: { httpGet: { path: '/healthz', port: apiPort }, periodSeconds: 10, timeoutSeconds: 2, failureThreshold: 3 },
    // Small requests, a memory limit, and no CPU limit: throttling would show as probe loss.
    resources: { requests: { cpu: '10m', memory: '64Mi' }, limits: { memory: '256Mi' } },
    volumeMounts: [
      { name: 'podpath', mountPath: '/podpath', readOnly: true },
      { name: 'secrets', mountPath: '/etc/podpath/secrets', readOnly: true },
      ...extraMounts,
    ],
    securityContext,
  };
}

function commonVolumes(secretMode: number): IVolume[] {
  return [
    { name: 'bundle', configMap: { name: NAMES.bundle } },
    { name: 'podpath', emptyDir: { sizeLimit: '32Mi' } },
    { name: 'secrets', secret: { secretName: NAMES.secret, defaultMode: secretMode } },
  ];
}

function daemonSet(ns: string, name: string, component: string, version: string, apiPort: number, tolerations: Toleration[], podSpec: NonNullable<NonNullable<IDaemonSet['spec']>['template']['spec']>): IDaemonSet {
  const selector = { 'app.kubernetes.io/name': 'podpath', 'app.kubernetes.io/component': component };
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name, namespace: ns, labels: labels(version, component) },
    spec: {
      selector: { matchLabels: selector },
      // All at once: an agent is stateless, and a half-updated fleet would probe with two versions.
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '100%' } },
      template: {
        metadata: {
          labels: labels(version, component),
          annotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': String(apiPort), 'prometheus.io/path': '/metrics' },
        },
        spec: { ...podSpec, tolerations },
      },
    },
  };
}

export function hostDaemonSet(o: ManifestOptions): IDaemonSet {
  const ns = o.namespace ?? DEFAULT_NAMESPACE;
  const image = o.image ?? DEFAULT_IMAGE;
  const ports = { ...DEFAULT_PORTS, ...o.ports };
  // Root for reading /proc and /sys, but only the two network capabilities, nothing else.
  const sc: IContainer['securityContext'] = {
    privileged: false,
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    capabilities: { drop: ['ALL'], add: ['NET_RAW', 'NET_ADMIN'] },
    seccompProfile: { type: 'RuntimeDefault' },
  };
  const unpackSc: IContainer['securityContext'] = { ...sc, capabilities: { drop: ['ALL'] } };
  const hostMounts = HOST_PATHS.map((p, i) => ({ name: `host-${i}`, mountPath: `/host${p}`, readOnly: true }));
  const hostVolumes: IVolume[] = HOST_PATHS.map((p, i) => ({ name: `host-${i}`, hostPath: { path: p } }));
  return daemonSet(ns, NAMES.hostDaemonSet, 'host-agent', o.version, ports.hostApi, o.tolerations ?? DEFAULT_TOLERATIONS, {
    serviceAccountName: NAMES.serviceAccount,
    // The agents take their plan from the coordinator, never from the API server.
    automountServiceAccountToken: false,
    hostNetwork: true,
    dnsPolicy: 'ClusterFirstWithHostNet',
    terminationGracePeriodSeconds: 5,
    initContainers: [unpackContainer(image, unpackSc)],
    containers: [agentContainer(image, 'HOST_IP', ports.hostProbe, ports.hostApi, ['--root', '/host'], sc, hostMounts)],
    volumes: [...commonVolumes(0o400), ...hostVolumes],
  });
}

/** Pod Security "restricted", field by field (checked so by the tests). */
export function podDaemonSet(o: ManifestOptions): IDaemonSet {
  const ns = o.namespace ?? DEFAULT_NAMESPACE;
  const image = o.image ?? DEFAULT_IMAGE;
  const ports = { ...DEFAULT_PORTS, ...o.ports };
  const sc: IContainer['securityContext'] = {
    runAsNonRoot: true,
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' },
  };
  return daemonSet(ns, NAMES.podDaemonSet, 'pod-agent', o.version, ports.podApi, o.tolerations ?? DEFAULT_TOLERATIONS, {
    serviceAccountName: NAMES.serviceAccount,
    automountServiceAccountToken: false,
    terminationGracePeriodSeconds: 5,
    // nobody: the stock image's root user would fail runAsNonRoot; fsGroup lets it read the Secret.
    securityContext: { runAsNonRoot: true, runAsUser: 65534, runAsGroup: 65534, fsGroup: 65534, seccompProfile: { type: 'RuntimeDefault' } },
    initContainers: [unpackContainer(image, sc)],
    containers: [agentContainer(image, 'POD_IP', ports.podProbe, ports.podApi, [], sc, [])],
    volumes: commonVolumes(0o440),
  });
}

/** Every object, in the order they are applied (namespace first, DaemonSets last). */
export function buildManifests(o: ManifestOptions): ManagedObject[] {
  checkOptions(o);
  const ns = o.namespace ?? DEFAULT_NAMESPACE;
  const out: ManagedObject[] = [
    {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name: ns,
        labels: {
          ...labels(o.version),
          // The host plane needs hostNetwork, hostPath and NET_ADMIN: the namespace must allow it.
          'pod-security.kubernetes.io/enforce': 'privileged',
          'pod-security.kubernetes.io/warn': 'privileged',
          'pod-security.kubernetes.io/audit': 'privileged',
        },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: NAMES.serviceAccount, namespace: ns, labels: labels(o.version, 'agent') },
      automountServiceAccountToken: false,
    },
  ];
  if (o.secrets) {
    out.push({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: NAMES.secret, namespace: ns, labels: labels(o.version, 'agent') },
      type: 'Opaque',
      data: {
        [SECRET_KEYS.hmacKey]: Buffer.from(o.secrets.hmacKey).toString('base64'),
        [SECRET_KEYS.apiToken]: Buffer.from(o.secrets.apiToken).toString('base64'),
      },
    });
  }
  if (o.bundleGz) {
    out.push({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: NAMES.bundle, namespace: ns, labels: labels(o.version, 'agent') },
      binaryData: { [BUNDLE_KEY]: o.bundleGz.toString('base64') },
    });
  }
  out.push(hostDaemonSet(o), podDaemonSet(o));
  return out;
}
