// A small Kubernetes API client: @kubernetes/client-node reads the kubeconfig (contexts, exec and
// OIDC plugins, client certificates) or the in-cluster service account and sets up TLS and
// credentials; the requests themselves are plain node:https, so podpath controls paging, sizes,
// time-outs and error codes. Every response is untrusted JSON.
import { existsSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node/dist/config.js';
import { LIMITS } from '../../util/limits.js';
import { PodpathError } from '../../util/errors.js';
import { clip, oneLine } from '../../util/terminal-safe.js';
import { get, str } from './objects.js';

export interface KubeConnectOptions {
  /** A kubeconfig file; absent: $KUBECONFIG, ~/.kube/config, then the in-cluster service account. */
  kubeconfig?: string;
  context?: string;
  /** Prefixed to the service account's paths (/var/run/secrets/kubernetes.io/serviceaccount/...): '' in a pod, a directory in tests. */
  serviceAccountRoot?: string;
}

const SERVICE_ACCOUNT = '/var/run/secrets/kubernetes.io/serviceaccount';

/** A kubeconfig the user has: $KUBECONFIG or ~/.kube/config (client-node's order: these before the service account). */
function userKubeconfig(): boolean {
  return (process.env.KUBECONFIG ?? '') !== '' || existsSync(join(homedir(), '.kube', 'config'));
}

export interface KubeResponse {
  status: number;
  body: unknown;
}

export interface KubeRequest {
  method?: string;
  query?: Record<string, string | undefined>;
  body?: unknown;
  contentType?: string;
}

/** API Status reasons to podpath's stable codes. */
const CODE_BY_STATUS: Record<number, string> = {
  401: 'E_KUBE_UNAUTHORIZED',
  403: 'E_KUBE_FORBIDDEN',
  404: 'E_KUBE_NOT_FOUND',
  409: 'E_KUBE_CONFLICT',
  410: 'E_KUBE_EXPIRED',
  422: 'E_KUBE_INVALID',
};

export function statusCode(status: number): string {
  return CODE_BY_STATUS[status] ?? 'E_KUBE_HTTP';
}

/** One line from an API error response: the Status message when there is one. */
export function statusMessage(res: KubeResponse): string {
  const msg = str(get(res.body, 'message'));
  const reason = str(get(res.body, 'reason'));
  return clip(oneLine(msg ? `${reason ? `${reason}: ` : ''}${msg}` : `HTTP ${res.status}`), 400);
}

export function statusError(res: KubeResponse, what: string): PodpathError {
  return new PodpathError(statusCode(res.status), `${what}: ${statusMessage(res)}`);
}

export class KubeClient {
  readonly server: string;
  readonly context: string;
  readonly defaultNamespace: string;
  private readonly kc: KubeConfig;

  constructor(kc: KubeConfig) {
    const cluster = kc.getCurrentCluster();
    if (!cluster) throw new PodpathError('E_KUBE_CONFIG', 'no cluster in the kubeconfig for the current context');
    this.kc = kc;
    this.server = cluster.server;
    this.context = kc.getCurrentContext();
    this.defaultNamespace = kc.getContextObject(this.context)?.namespace ?? 'default';
  }

  /** The URL of an API path on this server (a server URL with a path prefix keeps it). */
  url(path: string): URL {
    let base = this.server;
    while (base.endsWith('/')) base = base.slice(0, -1);
    return new URL(base + path);
  }

  /**
   * TLS settings and credentials for a request to `url` on this server (for callers that make
   * their own request, e.g. through the pod proxy with their own limits).
   */
  async requestOptions(url: URL, method = 'GET'): Promise<https.RequestOptions & { headers: Record<string, string> }> {
    const opts: https.RequestOptions = { method, headers: { Accept: 'application/json' } };
    try {
      await this.kc.applyToHTTPSOptions(opts);
    } catch (e) {
      // client-node refuses an http:// server unless insecure-skip-tls-verify is set, and an
      // exec/OIDC credential plugin can fail: both are configuration problems.
      throw new PodpathError('E_KUBE_CONFIG', `${oneLine(this.server)}: ${clip(oneLine((e as Error).message), 300)}`);
    }
    const headers = { ...(opts.headers ?? {}) } as Record<string, string>;
    // As kubectl does: credentials never go over plain http.
    if (url.protocol === 'http:') delete headers.Authorization;
    return { ...opts, headers };
  }

  async request(path: string, req: KubeRequest = {}): Promise<KubeResponse> {
    const url = this.url(path);
    for (const [k, v] of Object.entries(req.query ?? {})) if (v !== undefined) url.searchParams.set(k, v);
    const { headers, ...opts } = await this.requestOptions(url, req.method ?? 'GET');
    const payload = req.body === undefined ? undefined : Buffer.from(typeof req.body === 'string' ? req.body : JSON.stringify(req.body));
    if (payload) {
      headers['Content-Type'] = req.contentType ?? 'application/json';
      headers['Content-Length'] = String(payload.length);
    }
    const mod = url.protocol === 'http:' ? http : https;
    return new Promise<KubeResponse>((resolve, reject) => {
      const r = mod.request(url, { ...opts, headers }, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > LIMITS.kubeResponseBytes.value) {
            r.destroy(new PodpathError(LIMITS.kubeResponseBytes.code, `${url.pathname}: response over ${LIMITS.kubeResponseBytes.value} bytes`));
            return;
          }
          chunks.push(c);
        });
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown = text;
          try {
            body = text ? JSON.parse(text) : undefined;
          } catch {
            // Not JSON (a proxy's HTML page): kept as text, the caller sees the status.
          }
          resolve({ status: res.statusCode ?? 0, body });
        });
        res.on('error', reject);
      });
      r.setTimeout(LIMITS.kubeRequestSeconds.value * 1000, () => {
        r.destroy(new PodpathError(LIMITS.kubeRequestSeconds.code, `${url.pathname}: no answer from ${this.server} in ${LIMITS.kubeRequestSeconds.value} s`));
      });
      r.on('error', (e: NodeJS.ErrnoException) => {
        if (e instanceof PodpathError) return reject(e);
        reject(new PodpathError('E_KUBE_CONNECT', `cannot reach ${oneLine(this.server)}: ${e.code ?? ''} ${clip(oneLine(e.message), 200)}`.trim()));
      });
      if (payload) r.write(payload);
      r.end();
    });
  }

  /** GET that must succeed (2xx), else a coded error. */
  async getJson(path: string, what: string, query?: Record<string, string | undefined>): Promise<unknown> {
    const res = await this.request(path, { query });
    if (res.status < 200 || res.status > 299) throw statusError(res, what);
    return res.body;
  }
}

/**
 * Whether a kubeconfig can be found the way loadKubeConfig looks ($KUBECONFIG, ~/.kube/config, the
 * in-cluster service account): without one client-node falls back to http://localhost:8080, which
 * is never what a user meant.
 */
export function kubeconfigAvailable(o: KubeConnectOptions): boolean {
  return Boolean(o.kubeconfig) || userKubeconfig() || existsSync(`${o.serviceAccountRoot ?? ''}${SERVICE_ACCOUNT}/token`);
}

export function loadKubeConfig(o: KubeConnectOptions): KubeConfig {
  const kc = new KubeConfig();
  const root = o.serviceAccountRoot ?? '';
  // In a pod: the service account's token, ca.crt and namespace with KUBERNETES_SERVICE_HOST/PORT,
  // after $KUBECONFIG and ~/.kube/config (loadFromDefault's order, with the root movable for tests).
  const inCluster = !o.kubeconfig && !userKubeconfig() && existsSync(`${root}${SERVICE_ACCOUNT}/token`);
  if (inCluster && (!process.env.KUBERNETES_SERVICE_HOST || !process.env.KUBERNETES_SERVICE_PORT)) {
    throw new PodpathError('E_KUBE_CONFIG', `a service account token is at ${SERVICE_ACCOUNT}, but KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set: no API server to reach (give --kubeconfig)`);
  }
  try {
    if (o.kubeconfig) kc.loadFromFile(o.kubeconfig);
    else if (inCluster) kc.loadFromCluster(root);
    else kc.loadFromDefault();
  } catch (e) {
    throw new PodpathError('E_KUBE_CONFIG', `cannot load the kubeconfig${o.kubeconfig ? ` ${oneLine(o.kubeconfig)}` : ''}: ${clip(oneLine((e as Error).message), 200)}`);
  }
  if (o.context) {
    if (!kc.getContextObject(o.context)) throw new PodpathError('E_KUBE_CONFIG', `no context ${JSON.stringify(o.context)} in the kubeconfig`);
    kc.setCurrentContext(o.context);
  }
  return kc;
}

export function connectKube(o: KubeConnectOptions): KubeClient {
  return new KubeClient(loadKubeConfig(o));
}
