// How the coordinator reaches an agent: at its node's address (direct), or through the API
// server's pod proxy where node addresses cannot be reached from where podpath runs (a laptop
// outside the cluster's network, a bastion): `--via-apiserver`, or as a fallback once a direct
// connection fails. The fallback is remembered per agent (one failed connect, not one per request)
// and said once, so a user knows which agents were reached which way.
import type { KubeClient } from '../sources/kube/client.js';

/** The agent's pod, for the API server's pod proxy. */
export interface AgentPod {
  kube: KubeClient;
  namespace: string;
  name: string;
}

export type ReachMode = 'direct' | 'proxy' | 'fallback';

export interface AgentReach {
  pod?: AgentPod;
  /** direct (default): the address only; proxy: the pod proxy only; fallback: direct, then the pod proxy if no connection can be made. */
  mode?: ReachMode;
  /** Shared by every client of one run: which agents already went over to the proxy. */
  memo?: FallbackMemo;
}

export interface FallbackEvent {
  /** The agent's direct address, http(s)://host:port. */
  direct: string;
  pod: string;
  /** Why the direct connection failed (one line). */
  why: string;
}

export class FallbackMemo {
  private readonly switched = new Map<string, FallbackEvent>();

  constructor(private readonly onSwitch?: (e: FallbackEvent) => void) {}

  isSwitched(direct: string): boolean {
    return this.switched.has(direct);
  }

  switchToProxy(direct: string, pod: AgentPod, why: string): void {
    if (this.switched.has(direct)) return;
    const e = { direct, pod: `${pod.namespace}/${pod.name}`, why };
    this.switched.set(direct, e);
    this.onSwitch?.(e);
  }

  /** The agents reached through the API server after a failed direct connection. */
  get events(): FallbackEvent[] {
    return [...this.switched.values()];
  }
}

/**
 * `/api/v1/namespaces/NS/pods/[https:]NAME:PORT/proxy/ROUTE`: the form kube-apiserver's pod proxy
 * takes ("podname", "podname:port" or "scheme:podname:port", pkg/registry/core/pod/strategy.go
 * ResourceLocation). The port is always given: without it the API server takes the first
 * container port, which is the probe port, not the API's.
 */
export function proxyPath(pod: Pick<AgentPod, 'namespace' | 'name'>, tls: boolean, port: number, route: string): string {
  return `/api/v1/namespaces/${encodeURIComponent(pod.namespace)}/pods/${tls ? 'https:' : ''}${encodeURIComponent(pod.name)}:${port}/proxy${route}`;
}
