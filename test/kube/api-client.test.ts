// podpath's Kubernetes client against a loopback HTTPS API server serving the recorded objects,
// with the real server's list, get and error behaviour (see test/helpers/fake-apiserver.ts).
import http from 'node:http';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectKube } from '../../src/sources/kube/client.js';
import { collectFromApi } from '../../src/sources/kube/api.js';
import { listAll } from '../../src/sources/kube/list.js';
import { buildClusterFacts } from '../../src/sources/kube/build.js';
import { putFixture, startFakeApiServer, type FakeApiServer } from '../helpers/fake-apiserver.js';
import { missingRequirement } from '../helpers/env.js';

const FX = join(__dirname, '../fixtures/kube/api');
const fixture = (f: string) => readFileSync(join(FX, f), 'utf8');
const TOKEN = 'test-token-0123456789abcdef0123456789';
const skip = missingRequirement({ tools: ['openssl'] });

describe.skipIf(skip)('kube client against a recorded-object API server', () => {
  let api: FakeApiServer;
  beforeAll(async () => {
    api = await startFakeApiServer({ token: TOKEN, disabledGroups: ['projectcalico.org'] });
    for (const f of ['nodelist-flannel-composed-server.json', 'configmap-kube-flannel-cfg.yaml', 'configmap-kube-proxy.yaml', 'service-kube-dns.yaml',
      'endpoints-kube-dns.json', 'endpointslice-kube-dns.json', 'ippoollist-default-crosssubnet-crd-v1.json', 'felixconfiguration-crd-v1-checksum-override.yaml']) putFixture(api, fixture(f));
  });
  afterAll(() => api?.close());

  it('collects the cluster facts: nodes, net-conf, kube-proxy, DNS, crd-v1 pools after v3 404s', async () => {
    const client = connectKube({ kubeconfig: api.kubeconfig() });
    const facts = buildClusterFacts(await collectFromApi(client));
    expect(facts.source).toEqual({ kind: 'api', server: api.url, context: 'test' });
    expect(facts.nodes.map((n) => n.flannel?.vtepMAC?.value)).toEqual(['02:56:7c:28:3e:59', '92:d4:11:1f:95:9d']);
    expect(facts.flannelNetConf?.backendType).toBe('vxlan');
    expect(facts.kubeProxy?.mode.value).toBe('iptables');
    expect(facts.dns?.endpoints.map((e) => e.ip).sort()).toEqual(['10.244.0.2', '10.244.0.3', '10.244.0.4']);
    expect(facts.calico.ippoolsApi).toBe('crd.projectcalico.org/v1');
    expect(facts.calico.ippools[0]!.vxlanMode).toBe('CrossSubnet');
    expect(facts.calico.felixConfigurations[0]!.featureDetectOverride).toEqual({ ChecksumOffloadBroken: 'true' });
    expect(facts.partial).toEqual([]);
    // The v3 group was tried first, and the token went with every request (https).
    const paths = api.requests.map((r) => r.path);
    expect(paths.indexOf('/apis/projectcalico.org/v3/ippools')).toBeLessThan(paths.indexOf('/apis/crd.projectcalico.org/v1/ippools'));
    expect(api.requests.every((r) => r.auth === `Bearer ${TOKEN}`)).toBe(true);
    // Lists are paged as kubectl pages them; nothing watches.
    expect(api.requests.filter((r) => r.path === '/api/v1/nodes').every((r) => r.query.limit === '500')).toBe(true);
    expect(api.requests.some((r) => 'watch' in r.query)).toBe(false);
  });

  it('every list of the facts asks for resourceVersion=0 (the watch cache, not a quorum read of etcd); gets do not', async () => {
    const client = connectKube({ kubeconfig: api.kubeconfig() });
    const before = api.requests.length;
    await collectFromApi(client);
    const reqs = api.requests.slice(before);
    const lists = reqs.filter((r) => 'limit' in r.query);
    expect(lists.map((r) => r.path)).toEqual(expect.arrayContaining(['/api/v1/nodes', '/api/v1/services', '/apis/crd.projectcalico.org/v1/ippools', '/apis/crd.projectcalico.org/v1/felixconfigurations']));
    expect(lists.filter((r) => r.query.resourceVersion !== '0').map((r) => r.path)).toEqual([]);
    expect(reqs.filter((r) => !('limit' in r.query)).every((r) => r.query.resourceVersion === undefined)).toBe(true);
  });

  it('resourceVersion=0 with a small limit: the cache answers whole, in one request, as kube-apiserver does since v1.14', async () => {
    const client = connectKube({ kubeconfig: api.kubeconfig() });
    const before = api.requests.length;
    const r = await listAll(client, '/api/v1/nodes', { kind: 'Node', apiVersion: 'v1', limit: 1 });
    expect(r.objects).toHaveLength(2);
    expect(api.requests.slice(before).map((q) => q.query)).toEqual([{ limit: '1', resourceVersion: '0' }]);
  });

  it('pages with limit/continue until the server stops giving a token', async () => {
    const client = connectKube({ kubeconfig: api.kubeconfig() });
    const before = api.requests.length;
    // A consistent read pages (the cache would answer whole); no resourceVersion on either page.
    const r = await listAll(client, '/api/v1/nodes', { kind: 'Node', apiVersion: 'v1', limit: 1, consistent: true });
    expect(r.objects.map((o) => o.metadata.name)).toHaveLength(2);
    const reqs = api.requests.slice(before);
    expect(reqs).toHaveLength(2);
    expect(reqs[0]!.query.continue).toBeUndefined();
    expect(reqs[1]!.query.continue).toBeDefined();
    expect(reqs.map((q) => q.query.resourceVersion)).toEqual([undefined, undefined]);
  });

  it('a 410 mid-pagination restarts the list from scratch, once', async () => {
    const client = connectKube({ kubeconfig: api.kubeconfig() });
    api.expireContinues(1);
    const before = api.requests.length;
    const r = await listAll(client, '/api/v1/nodes', { kind: 'Node', apiVersion: 'v1', limit: 1, consistent: true });
    expect(r.partial).toBeUndefined();
    expect(r.objects.map((o) => o.metadata.name).sort()).toEqual(['ip-192-168-4-135.eu-central-1.compute.internal', 'ip-192-168-47-102.eu-central-1.compute.internal']);
    expect(api.requests.slice(before).map((q) => q.query.continue === undefined ? 'first' : 'next')).toEqual(['first', 'next', 'first', 'next']);
  });

  it('a second 410 gives a partial list that says so', async () => {
    const client = connectKube({ kubeconfig: api.kubeconfig() });
    api.expireContinues(2);
    const r = await listAll(client, '/api/v1/nodes', { kind: 'Node', apiVersion: 'v1', limit: 1, consistent: true });
    expect(r.objects).toHaveLength(1);
    expect(r.partial).toMatchObject({ resource: '/api/v1/nodes', code: 'E_KUBE_EXPIRED' });
    expect(r.partial!.message).toMatch(/1 read before: Expired: The provided continue parameter is too old/);
  });

  it('a wrong token: the recorded 401, one coded line', async () => {
    const client = connectKube({ kubeconfig: api.kubeconfig({ token: 'wrong-token-000000000000000000' }) });
    await expect(collectFromApi(client)).rejects.toThrow(expect.objectContaining({ code: 'E_KUBE_UNAUTHORIZED', message: expect.stringMatching(/Unauthorized/) }));
  });

  it('--context picks another context; an unknown one is a coded error', () => {
    expect(connectKube({ kubeconfig: api.kubeconfig(), context: 'other' }).defaultNamespace).toBe('other-ns');
    expect(() => connectKube({ kubeconfig: api.kubeconfig(), context: 'nope' })).toThrow(expect.objectContaining({ code: 'E_KUBE_CONFIG' }));
  });
});

describe.skipIf(skip)('kube client: 403 and the v3 API', () => {
  let api: FakeApiServer;
  beforeAll(async () => {
    api = await startFakeApiServer({ token: TOKEN, forbidden: ['/api/v1/nodes'] });
    putFixture(api, fixture('nodelist-eks-server.json'));
    putFixture(api, fixture('ippool-default-always-v3.yaml'));
    putFixture(api, fixture('felixconfiguration-v3-vxlan.yaml'));
  });
  afterAll(() => api?.close());
  it('403 on nodes: no nodes, a partial entry with the recorded message, the rest still read', async () => {
    const facts = buildClusterFacts(await collectFromApi(connectKube({ kubeconfig: api.kubeconfig() })));
    expect(facts.nodes).toEqual([]);
    expect(facts.partial).toEqual([expect.objectContaining({ resource: '/api/v1/nodes', code: 'E_KUBE_FORBIDDEN', message: expect.stringMatching(/cannot list resource "nodes"/) })]);
    expect(facts.calico.ippoolsApi).toBe('projectcalico.org/v3');
    expect(facts.calico.ippools[0]!.vxlanMode).toBe('Always');
    expect(facts.calico.felixConfigurations[0]!.vxlanMTU).toBe(1450);
  });
});

describe('kube client: no credentials over plain http (as kubectl)', () => {
  let server: http.Server;
  const seen: (string | undefined)[] = [];
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      seen.push(req.headers.authorization);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"kind":"NodeList","apiVersion":"v1","metadata":{},"items":[]}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  });
  // The kubeconfigs written below are removed with the server: a test leaves nothing in /tmp.
  const written: string[] = [];
  afterAll(() => {
    for (const f of written) rmSync(f, { force: true });
    return new Promise<void>((r) => server.close(() => r()));
  });
  const kubeconfig = (skipVerify: boolean) => {
    const file = join(tmpdir(), `podpath-kc-http-${process.pid}-${skipVerify}`);
    written.push(file);
    writeFileSync(file, `apiVersion: v1\nkind: Config\ncurrent-context: c\nclusters:\n- name: k\n  cluster: {server: "http://127.0.0.1:${(server.address() as AddressInfo).port}", insecure-skip-tls-verify: ${skipVerify}}\nusers:\n- name: u\n  user: {token: secret-token-123456789}\ncontexts:\n- name: c\n  context: {cluster: k, user: u}\n`);
    return file;
  };
  it('an http:// server without insecure-skip-tls-verify: a coded configuration error, nothing sent', async () => {
    await expect(listAll(connectKube({ kubeconfig: kubeconfig(false) }), '/api/v1/nodes', { kind: 'Node', apiVersion: 'v1' })).rejects.toThrow(expect.objectContaining({ code: 'E_KUBE_CONFIG' }));
    expect(seen).toEqual([]);
  });
  it('with it: the request goes, but without the token', async () => {
    const r = await listAll(connectKube({ kubeconfig: kubeconfig(true) }), '/api/v1/nodes', { kind: 'Node', apiVersion: 'v1' });
    expect(r.objects).toEqual([]);
    expect(seen).toEqual([undefined]);
  });
});
