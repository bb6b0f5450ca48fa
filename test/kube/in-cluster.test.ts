// In-cluster configuration (podpath run in a pod with a service account): the loader pointed at a
// temporary root holding var/run/secrets/kubernetes.io/serviceaccount/{token,ca.crt,namespace},
// KUBERNETES_SERVICE_HOST/PORT set, and the loopback API server (test/helpers/fake-apiserver.ts,
// recorded objects) behind a self-signed certificate made by podpath's own src/agent/self-signed.ts,
// that certificate being the ca.crt. The request must arrive with the token as a bearer token.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeSelfSigned } from '../../src/agent/self-signed.js';
import { collectFromApi } from '../../src/sources/kube/api.js';
import { buildClusterFacts } from '../../src/sources/kube/build.js';
import { connectKube, kubeconfigAvailable } from '../../src/sources/kube/client.js';
import { putFixture, startFakeApiServer, type FakeApiServer } from '../helpers/fake-apiserver.js';

const FX = join(__dirname, '../fixtures/kube/api');
const TOKEN = 'in-cluster-sa-token-0123456789abcdef0123';
const ENV = ['KUBECONFIG', 'HOME', 'KUBERNETES_SERVICE_HOST', 'KUBERNETES_SERVICE_PORT'] as const;

describe('in-cluster configuration (service account)', () => {
  let api: FakeApiServer;
  let root: string;
  let sa: string;
  const saved: Partial<Record<(typeof ENV)[number], string>> = {};
  beforeAll(async () => {
    const cert = makeSelfSigned(['127.0.0.1']);
    api = await startFakeApiServer({ token: TOKEN, tls: { key: cert.keyPem, cert: cert.certPem } });
    putFixture(api, readFileSync(join(FX, 'nodelist-eks-server.json'), 'utf8'));
    root = mkdtempSync(join(tmpdir(), 'podpath-in-cluster-'));
    sa = join(root, 'var/run/secrets/kubernetes.io/serviceaccount');
    mkdirSync(sa, { recursive: true });
    // As the kubelet projects them: the token without a newline, the namespace likewise.
    writeFileSync(join(sa, 'token'), TOKEN);
    writeFileSync(join(sa, 'ca.crt'), cert.certPem);
    writeFileSync(join(sa, 'namespace'), 'netops');
  });
  afterAll(async () => {
    await api?.close();
    rmSync(root, { recursive: true, force: true });
  });
  beforeEach(() => {
    for (const k of ENV) saved[k] = process.env[k];
    // No kubeconfig of the user's: $KUBECONFIG unset, a HOME without .kube/.
    delete process.env.KUBECONFIG;
    process.env.HOME = root;
    const u = new URL(api.url);
    process.env.KUBERNETES_SERVICE_HOST = u.hostname;
    process.env.KUBERNETES_SERVICE_PORT = u.port;
  });
  afterEach(() => {
    for (const k of ENV) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
  });

  it('reads the service account: server from the env, ca.crt trusted, the namespace as default; every request carries the token', async () => {
    expect(kubeconfigAvailable({ serviceAccountRoot: root })).toBe(true);
    const client = connectKube({ serviceAccountRoot: root });
    expect(client.server).toBe(api.url);
    expect(client.defaultNamespace).toBe('netops');
    const before = api.requests.length;
    const facts = buildClusterFacts(await collectFromApi(client));
    expect(facts.nodes.map((n) => n.name)).toEqual(['duckboat-01', 'duckboat-02']);
    const reqs = api.requests.slice(before);
    expect(reqs.length).toBeGreaterThan(3);
    expect(reqs.filter((r) => r.auth !== `Bearer ${TOKEN}`).map((r) => r.path)).toEqual([]);
  });

  it('a ca.crt that is not the server\'s: the TLS check refuses, a coded line, no token sent', async () => {
    const other = join(root, 'other');
    const otherSa = join(other, 'var/run/secrets/kubernetes.io/serviceaccount');
    mkdirSync(otherSa, { recursive: true });
    writeFileSync(join(otherSa, 'token'), TOKEN);
    writeFileSync(join(otherSa, 'ca.crt'), makeSelfSigned(['127.0.0.1']).certPem);
    const before = api.requests.length;
    await expect(connectKube({ serviceAccountRoot: other }).request('/api/v1/nodes')).rejects.toMatchObject({ code: 'E_KUBE_CONNECT' });
    expect(api.requests.length).toBe(before);
  });

  it('a token but no KUBERNETES_SERVICE_HOST/PORT: E_KUBE_CONFIG, not a request to https://undefined', () => {
    delete process.env.KUBERNETES_SERVICE_HOST;
    expect(() => connectKube({ serviceAccountRoot: root })).toThrow(expect.objectContaining({ code: 'E_KUBE_CONFIG', message: expect.stringContaining('KUBERNETES_SERVICE_HOST') }));
  });
});
