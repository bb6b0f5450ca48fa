// A loopback HTTPS server with the Kubernetes API server's list/get/apply/delete behaviour, for
// podpath's client and for kubectl 1.20: discovery (/api, /apis, /api/v1), paging with
// limit/continue (tokens encoded as the apiserver does), Status bodies recorded from real
// servers (test/fixtures/kube/status) for 401, 403, 404 and 410, server-side apply (PATCH
// application/apply-patch+yaml), create, delete, label selectors. No API server can run here
// (none is in the npm or Debian registries), so this is the server side of the tests.
// The pod proxy (/api/v1/namespaces/NS/pods/[scheme:]NAME[:PORT]/proxy/PATH) forwards to the pod's
// IP as kube-apiserver does; see proxyToPod for which real behaviour each step imitates.
import { execFileSync } from 'node:child_process';
import http from 'node:http';
import https from 'node:https';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { parse as parseYaml } from 'yaml';

const STATUS_DIR = join(__dirname, '../fixtures/kube/status');
const status = (file: string) => JSON.parse(readFileSync(join(STATUS_DIR, file), 'utf8')) as Record<string, unknown>;

interface Resource { group: string; version: string; plural: string; kind: string; namespaced: boolean }
export const RESOURCES: Resource[] = [
  { group: '', version: 'v1', plural: 'namespaces', kind: 'Namespace', namespaced: false },
  { group: '', version: 'v1', plural: 'nodes', kind: 'Node', namespaced: false },
  { group: '', version: 'v1', plural: 'pods', kind: 'Pod', namespaced: true },
  { group: '', version: 'v1', plural: 'configmaps', kind: 'ConfigMap', namespaced: true },
  { group: '', version: 'v1', plural: 'secrets', kind: 'Secret', namespaced: true },
  { group: '', version: 'v1', plural: 'serviceaccounts', kind: 'ServiceAccount', namespaced: true },
  { group: '', version: 'v1', plural: 'services', kind: 'Service', namespaced: true },
  { group: '', version: 'v1', plural: 'endpoints', kind: 'Endpoints', namespaced: true },
  { group: 'apps', version: 'v1', plural: 'daemonsets', kind: 'DaemonSet', namespaced: true },
  { group: 'discovery.k8s.io', version: 'v1', plural: 'endpointslices', kind: 'EndpointSlice', namespaced: true },
  { group: 'projectcalico.org', version: 'v3', plural: 'ippools', kind: 'IPPool', namespaced: false },
  { group: 'projectcalico.org', version: 'v3', plural: 'felixconfigurations', kind: 'FelixConfiguration', namespaced: false },
  { group: 'crd.projectcalico.org', version: 'v1', plural: 'ippools', kind: 'IPPool', namespaced: false },
  { group: 'crd.projectcalico.org', version: 'v1', plural: 'felixconfigurations', kind: 'FelixConfiguration', namespaced: false },
];

type Obj = { apiVersion?: string; kind?: string; metadata: { name: string; namespace?: string; labels?: Record<string, string>; [k: string]: unknown }; [k: string]: unknown };

export interface FakeApiOptions {
  /** Bearer token the server accepts; others get the recorded 401. */
  token: string;
  /** API groups not served (404), e.g. 'projectcalico.org' for a cluster without Calico's API server. */
  disabledGroups?: string[];
  /** Paths (collection paths) that answer the recorded 403. */
  forbidden?: string[];
  /** The server's certificate (a self-signed one is its own CA); default: a CA and a certificate made by openssl. */
  tls?: { key: string; cert: string };
}

export interface RecordedRequest { method: string; path: string; query: Record<string, string>; auth?: string; contentType?: string }

/** A request the pod proxy sent on to a pod: where, and the headers the pod received. */
export interface ProxiedRequest { method: string; target: string; headers: http.IncomingHttpHeaders }

export interface FakeApiServer {
  url: string;
  caPem: string;
  dir: string;
  requests: RecordedRequest[];
  /** What the pod proxy forwarded, in order. */
  proxied: ProxiedRequest[];
  /** Expire the next n continue tokens (410 with the recorded inconsistent-continue Status). */
  expireContinues(n: number): void;
  put(obj: Obj): void;
  objects(): Obj[];
  kubeconfig(opts?: { token?: string; namespace?: string; name?: string }): string;
  close(): Promise<void>;
}

function makeCerts(dir: string): { key: string; cert: string; ca: string } {
  const run = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  run(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', '/CN=podpath-test-ca']);
  run(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1']);
  writeFileSync(join(dir, 'ext.cnf'), 'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n');
  run(['x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.crt', '-days', '2', '-extfile', 'ext.cnf']);
  return { key: readFileSync(join(dir, 'server.key'), 'utf8'), cert: readFileSync(join(dir, 'server.crt'), 'utf8'), ca: readFileSync(join(dir, 'ca.crt'), 'utf8') };
}

function matchesSelector(labels: Record<string, string> | undefined, selector: string | undefined): boolean {
  if (!selector) return true;
  return selector.split(',').every((term) => {
    const [k, v] = term.split('=');
    return v === undefined ? labels?.[k!] !== undefined : labels?.[k!] === v;
  });
}

export async function startFakeApiServer(o: FakeApiOptions): Promise<FakeApiServer> {
  const dir = mkdtempSync(join(tmpdir(), 'podpath-fakeapi-'));
  const { key, cert, ca } = o.tls ? { ...o.tls, ca: o.tls.cert } : makeCerts(dir);
  const store = new Map<string, Obj>();
  const requests: RecordedRequest[] = [];
  const proxied: ProxiedRequest[] = [];
  let rv = 1000;
  let expire = 0;
  const keyOf = (r: Resource, ns: string | undefined, name: string) => `${r.group}/${r.plural}/${ns ?? ''}/${name}`;
  const served = (r: Resource) => !(o.disabledGroups ?? []).includes(r.group);

  const parsePath = (p: string): { r: Resource; ns?: string; name?: string } | undefined => {
    const parts = p.split('/').filter(Boolean);
    let group = '';
    let version: string;
    let rest: string[];
    if (parts[0] === 'api') [version, rest] = [parts[1]!, parts.slice(2)];
    else if (parts[0] === 'apis') [group, version, rest] = [parts[1]!, parts[2]!, parts.slice(3)];
    else return undefined;
    let ns: string | undefined;
    if (rest[0] === 'namespaces' && rest.length >= 3) [ns, rest] = [rest[1], rest.slice(2)];
    const r = RESOURCES.find((x) => x.group === group && x.version === version && x.plural === rest[0]);
    if (!r || rest.length > 2) return undefined;
    return { r, ns, name: rest[1] };
  };

  const discovery = (path: string): unknown => {
    if (path === '/api') return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1:6443' }] };
    if (path === '/apis') {
      const groups = [...new Set(RESOURCES.filter((r) => r.group && served(r)).map((r) => r.group))];
      return {
        kind: 'APIGroupList', apiVersion: 'v1',
        groups: groups.map((g) => {
          const v = RESOURCES.find((r) => r.group === g)!.version;
          return { name: g, versions: [{ groupVersion: `${g}/${v}`, version: v }], preferredVersion: { groupVersion: `${g}/${v}`, version: v } };
        }),
      };
    }
    const m = /^\/(?:api\/(v1)|apis\/([^/]+)\/([^/]+))$/.exec(path);
    if (!m) return undefined;
    const group = m[2] ?? '';
    const version = m[1] ?? m[3]!;
    const rs = RESOURCES.filter((r) => r.group === group && r.version === version && served(r));
    if (!rs.length) return undefined;
    return {
      kind: 'APIResourceList', apiVersion: 'v1', groupVersion: group ? `${group}/${version}` : version,
      resources: rs.map((r) => ({ name: r.plural, singularName: r.kind.toLowerCase(), namespaced: r.namespaced, kind: r.kind, verbs: ['create', 'delete', 'get', 'list', 'patch', 'update'] })),
    };
  };

  const server = https.createServer({ key, cert }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'https://x');
      const query = Object.fromEntries(url.searchParams);
      requests.push({ method: req.method ?? 'GET', path: url.pathname, query, auth: req.headers.authorization, contentType: req.headers['content-type'] });
      const send = (code: number, body: unknown) => {
        res.writeHead(code, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      const sendStatus = (code: number, body: Record<string, unknown>) => send(code, body);
      if (req.headers.authorization !== `Bearer ${o.token}`) return sendStatus(401, status('401-unauthorized.json'));
      const proxy = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/proxy(\/.*)?$/.exec(url.pathname);
      if (proxy) {
        const pod = store.get(keyOf(RESOURCES.find((r) => r.plural === 'pods')!, decodeURIComponent(proxy[1]!), decodeURIComponent(proxy[2]!).replace(/^https?:/, '').replace(/:[^:]*$/, '')));
        return proxyToPod(req, res, Buffer.concat(chunks), decodeURIComponent(proxy[2]!), pod, `${proxy[3] ?? '/'}${url.search}`, proxied);
      }
      const disc = req.method === 'GET' ? discovery(url.pathname) : undefined;
      if (disc) return send(200, disc);
      const p = parsePath(url.pathname);
      if (!p || !served(p.r)) return sendStatus(404, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'the server could not find the requested resource', reason: 'NotFound', details: {}, code: 404 });
      const { r, ns, name } = p;
      const collection = url.pathname.replace(/\/[^/]+$/, name ? '' : '$&');
      if ((o.forbidden ?? []).includes(name ? collection : url.pathname)) return sendStatus(403, status('403-forbidden-list-nodes.json'));
      const apiVersion = r.group ? `${r.group}/${r.version}` : r.version;
      const notFound = () => sendStatus(404, { ...status('404-node-not-found.json'), message: `${r.plural} "${name}" not found`, details: { name, kind: r.plural } });
      const method = req.method ?? 'GET';
      if (method === 'GET' && name) {
        const obj = store.get(keyOf(r, ns, name));
        return obj ? send(200, obj) : notFound();
      }
      if (method === 'GET') {
        const all = [...store.entries()]
          .filter(([k]) => k.startsWith(`${r.group}/${r.plural}/${ns === undefined ? '' : `${ns}/`}`))
          .map(([, v]) => v)
          .filter((v) => matchesSelector(v.metadata.labels, query.labelSelector))
          .sort((a, b) => `${a.metadata.namespace ?? ''}/${a.metadata.name}`.localeCompare(`${b.metadata.namespace ?? ''}/${b.metadata.name}`));
        // kube-apiserver (etcd3 store): "specifying resource version is not allowed when using continue".
        if (query.continue && query.resourceVersion && query.resourceVersion !== '0') {
          return sendStatus(400, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'specifying resource version is not allowed when using continue', reason: 'BadRequest', code: 400 });
        }
        // resourceVersion=0 without continue is served by the watch cache, whole: limit ignored, no
        // continue token (kubernetes/kubernetes#70735, v1.14).
        const fromCache = query.resourceVersion === '0' && !query.continue;
        let start = 0;
        if (query.continue) {
          if (expire > 0) {
            expire--;
            return sendStatus(410, status('410-expired-continue-inconsistent.json'));
          }
          const tok = JSON.parse(Buffer.from(query.continue, 'base64url').toString()) as { start: number };
          start = tok.start;
        }
        const limit = query.limit && !fromCache ? Number(query.limit) : all.length;
        const page = all.slice(start, start + limit);
        const more = start + limit < all.length;
        // Items in server form: no apiVersion/kind (the list carries them).
        const items = page.map(({ apiVersion: _a, kind: _k, ...rest }) => rest);
        const metadata: Record<string, unknown> = { resourceVersion: String(rv) };
        if (more) {
          metadata.continue = Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv, start: start + limit })).toString('base64url');
          metadata.remainingItemCount = all.length - start - limit;
        }
        return send(200, { kind: `${r.kind}List`, apiVersion, metadata, items });
      }
      const body = chunks.length ? (parseYaml(Buffer.concat(chunks).toString('utf8')) as Obj) : undefined;
      if (method === 'PATCH' && name && req.headers['content-type'] === 'application/apply-patch+yaml') {
        if (!body || body.metadata?.name !== name) return sendStatus(400, { kind: 'Status', status: 'Failure', reason: 'BadRequest', message: 'name in body does not match', code: 400 });
        if (query.fieldManager === undefined) return sendStatus(400, { kind: 'Status', status: 'Failure', reason: 'BadRequest', message: 'PATCH, application/apply-patch+yaml requires fieldManager', code: 400 });
        const had = store.get(keyOf(r, ns, name));
        const obj: Obj = { ...body, apiVersion, kind: r.kind, metadata: { ...body.metadata, ...(ns ? { namespace: ns } : {}), uid: (had?.metadata.uid as string) ?? `uid-${rv}`, resourceVersion: String(++rv) } };
        store.set(keyOf(r, ns, name), obj);
        return send(had ? 200 : 201, obj);
      }
      if (method === 'POST' && !name && body) {
        const k = keyOf(r, ns, body.metadata.name);
        if (store.has(k)) return sendStatus(409, { kind: 'Status', status: 'Failure', reason: 'AlreadyExists', message: `${r.plural} "${body.metadata.name}" already exists`, code: 409 });
        const obj: Obj = { ...body, apiVersion, kind: r.kind, metadata: { ...body.metadata, ...(ns ? { namespace: ns } : {}), uid: `uid-${rv}`, resourceVersion: String(++rv) } };
        store.set(k, obj);
        return send(201, obj);
      }
      if (method === 'DELETE' && name) {
        const k = keyOf(r, ns, name);
        const had = store.get(k);
        if (!had) return notFound();
        store.delete(k);
        // A namespace takes everything in it along (what the namespace controller does).
        if (r.plural === 'namespaces') for (const key of [...store.keys()]) if (store.get(key)!.metadata.namespace === name) store.delete(key);
        return send(200, had);
      }
      return sendStatus(405, { kind: 'Status', status: 'Failure', reason: 'MethodNotAllowed', message: `${method} not allowed`, code: 405 });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    caPem: ca,
    dir,
    requests,
    proxied,
    expireContinues: (n) => {
      expire = n;
    },
    put(obj) {
      const apiVersion = obj.apiVersion ?? 'v1';
      const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
      const r = RESOURCES.find((x) => x.group === group && x.version === version && x.kind === obj.kind);
      if (!r) throw new Error(`fake apiserver: no resource for ${apiVersion} ${obj.kind}`);
      store.set(keyOf(r, r.namespaced ? obj.metadata.namespace ?? 'default' : undefined, obj.metadata.name), { ...obj, apiVersion, kind: obj.kind });
    },
    objects: () => [...store.values()],
    kubeconfig(k = {}) {
      const file = join(dir, `kubeconfig-${k.name ?? 'test'}-${requests.length}-${Math.random().toString(36).slice(2)}`);
      writeFileSync(file, [
        'apiVersion: v1', 'kind: Config', 'current-context: test',
        'clusters:', `- name: fake`, `  cluster:`, `    server: ${url}`, `    certificate-authority-data: ${Buffer.from(ca).toString('base64')}`,
        'users:', '- name: u', '  user:', `    token: ${k.token ?? o.token}`,
        'contexts:',
        '- name: test', '  context:', '    cluster: fake', '    user: u', ...(k.namespace ? [`    namespace: ${k.namespace}`] : []),
        '- name: other', '  context:', '    cluster: fake', '    user: u', '    namespace: other-ns',
        '',
      ].join('\n'));
      return file;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          rmSync(dir, { recursive: true, force: true });
          resolve();
        });
      }),
  };
}

const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'proxy-authorization', 'proxy-authenticate'];

/** kube-apiserver's Status for a proxy error (apimachinery errors.NewServiceUnavailable / NewBadRequest / NewNotFound). */
function proxyStatus(res: http.ServerResponse, code: number, reason: string, message: string, details?: Record<string, unknown>): void {
  res.writeHead(code, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, ...(details ? { details } : {}), code }));
}

/**
 * The pod proxy, step by step as kube-apiserver does it:
 * - `[scheme:]name[:port]` is split as pkg/registry/core/pod/strategy.go ResourceLocation does
 *   (utilnet.SplitSchemeNamePort); no port: the first container port; a missing pod is the
 *   NotFound Status `pods "NAME" not found`; a pod without an IP is BadRequest "address not
 *   allowed" (the real one also refuses a non-global-unicast IP such as 127.0.0.1: this server
 *   does not, because its pods are agents on loopback).
 * - The request reaches the proxy without Authorization: the authentication filter deletes it
 *   after authenticating (staging/src/k8s.io/apiserver/pkg/endpoints/filters/authentication.go,
 *   "authorization header is not required anymore in case of a successful authentication");
 *   other headers pass, hop-by-hop ones are dropped and X-Forwarded-For is added, as
 *   k8s.io/apimachinery/pkg/util/proxy's UpgradeAwareHandler (over httputil.ReverseProxy) does.
 * - https: talks TLS to the pod without verifying its certificate (the API server's proxy
 *   transport skips verification); a pod that cannot be dialled is 503 ServiceUnavailable
 *   "error trying to reach service: dial tcp IP:PORT: connect: connection refused"
 *   (apimachinery pkg/util/proxy/transport.go). The pod's status and body pass through unchanged.
 */
function proxyToPod(req: http.IncomingMessage, res: http.ServerResponse, body: Buffer, id: string, pod: Obj | undefined, path: string, log: ProxiedRequest[]): void {
  const m = /^(?:(https?):)?([^:]+)(?::(\d+))?$/.exec(id);
  if (!m) return proxyStatus(res, 400, 'BadRequest', `invalid pod request "${id}"`);
  const [, scheme = 'http', name, portGiven] = m;
  if (!pod) return proxyStatus(res, 404, 'NotFound', `pods "${name}" not found`, { name, kind: 'pods' });
  const spec = pod.spec as { containers?: { ports?: { containerPort: number }[] }[] } | undefined;
  const st = pod.status as { podIP?: string; podIPs?: { ip: string }[] } | undefined;
  const port = portGiven ?? spec?.containers?.find((c) => c.ports?.length)?.ports?.[0]?.containerPort;
  const ip = st?.podIPs?.[0]?.ip ?? st?.podIP;
  if (!ip) return proxyStatus(res, 400, 'BadRequest', 'address not allowed');
  const headers: http.OutgoingHttpHeaders = {};
  for (const [k, v] of Object.entries(req.headers)) if (k !== 'authorization' && !HOP_BY_HOP.includes(k) && v !== undefined) headers[k] = v;
  headers['x-forwarded-for'] = req.socket.remoteAddress ?? '127.0.0.1';
  headers.host = `${ip}:${port}`;
  const target = `${scheme}://${ip.includes(':') ? `[${ip}]` : ip}:${port}${path}`;
  log.push({ method: req.method ?? 'GET', target, headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, typeof v === 'number' ? String(v) : v])) as http.IncomingHttpHeaders });
  const mod = scheme === 'https' ? https : http;
  const out = mod.request(target, { method: req.method, headers, rejectUnauthorized: false, agent: false }, (up) => {
    const back: http.OutgoingHttpHeaders = {};
    for (const [k, v] of Object.entries(up.headers)) if (!HOP_BY_HOP.includes(k) && v !== undefined) back[k] = v;
    res.writeHead(up.statusCode ?? 502, back);
    up.pipe(res);
    up.on('error', () => res.destroy());
  });
  out.on('error', (e: NodeJS.ErrnoException) => {
    if (res.headersSent) return void res.destroy();
    const why = e.code === 'ECONNREFUSED' ? 'connect: connection refused' : e.code ?? e.message;
    proxyStatus(res, 503, 'ServiceUnavailable', `error trying to reach service: dial tcp ${ip}:${port}: ${why}`);
  });
  // The client going away ends the pod's request too.
  res.on('close', () => out.destroy());
  out.end(body);
}

/** Loads a fixture file (JSON or YAML, object or list) into the server, items in full form. */
export function putFixture(api: FakeApiServer, text: string): void {
  const doc = (text.trimStart().startsWith('{') ? JSON.parse(text) : parseYaml(text)) as { kind?: string; apiVersion?: string; items?: Obj[] } & Obj;
  if (Array.isArray(doc.items)) {
    const kind = doc.kind && doc.kind !== 'List' ? doc.kind.replace(/List$/, '') : undefined;
    for (const item of doc.items) api.put({ ...item, kind: item.kind ?? kind, apiVersion: item.apiVersion ?? doc.apiVersion });
  } else api.put(doc);
}
