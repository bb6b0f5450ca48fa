// `podpath cluster install | status | uninstall | facts` end to end: the real CLI (the bundle built for the run)
// against the loopback HTTPS API server, with --kubeconfig, --context and -n honoured.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { putFixture, startFakeApiServer, type FakeApiServer } from '../helpers/fake-apiserver.js';
import { missingRequirement } from '../helpers/env.js';
import { parseToleration } from '../../src/cli/cluster.js';
import { podpathArgs } from '../helpers/podpath.js';

const root = join(__dirname, '../..');
const TOKEN = 'cli-token-0123456789abcdef0123456789';

/** The TypeScript sources through tsx: podpath is then no .mjs file, so it has no bundle of its own to deploy. */
const FROM_SOURCE = ['--import', 'tsx', 'src/cli/main.ts'];

function run(args: string[], env: Record<string, string> = {}, podpath: string[] = podpathArgs()): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [...podpath, ...args], { cwd: root, env: { ...process.env, KUBECONFIG: '/nonexistent', ...env } }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

type Obj = { kind?: string; metadata: { name: string; namespace?: string; labels?: Record<string, string> }; data?: Record<string, string>; binaryData?: Record<string, string> };

describe.skipIf(missingRequirement({ tools: ['openssl'] }))('podpath cluster (CLI) against the API server', () => {
  let api: FakeApiServer;
  let tmp: string;
  let bundle: string;
  beforeAll(async () => {
    api = await startFakeApiServer({ token: TOKEN });
    tmp = mkdtempSync(join(tmpdir(), 'podpath-cluster-cli-'));
    bundle = join(tmp, 'podpath.mjs');
    writeFileSync(bundle, '#!/usr/bin/env node\nconsole.log("podpath bundle")\n');
    // Something in the cluster that is not podpath's, with a podpath-like name: never touched.
    api.put({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'podpath-notes', namespace: 'podpath', labels: { team: 'net' } } });
    api.put({ apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'podpath-host', namespace: 'elsewhere', labels: { team: 'net' } } });
  });
  afterAll(async () => {
    await api?.close();
    rmSync(tmp, { recursive: true, force: true });
  });
  const ours = () => api.objects().filter((o) => o.metadata.labels?.['app.kubernetes.io/managed-by'] === 'podpath') as Obj[];

  it('install applies the six objects, each labelled, by server-side apply with a field manager', async () => {
    const r = await run(['cluster', 'install', '--kubeconfig', api.kubeconfig(), '--bundle', bundle]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n').filter(Boolean).map((l) => l.split(/\s+/).slice(0, 2).join(' '))).toEqual([
      'created Namespace/podpath', 'created ServiceAccount/podpath/podpath-agent', 'created Secret/podpath/podpath-secrets',
      'created ConfigMap/podpath/podpath-bundle', 'created DaemonSet/podpath/podpath-host', 'created DaemonSet/podpath/podpath-pod',
    ]);
    expect(ours().map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual([
      'ConfigMap/podpath-bundle', 'DaemonSet/podpath-host', 'DaemonSet/podpath-pod', 'Namespace/podpath', 'Secret/podpath-secrets', 'ServiceAccount/podpath-agent',
    ]);
    const applies = api.requests.filter((q) => q.method === 'PATCH');
    expect(applies.every((q) => q.contentType === 'application/apply-patch+yaml' && q.query.fieldManager === 'podpath')).toBe(true);
    const cm = ours().find((o) => o.kind === 'ConfigMap')!;
    expect(gunzipSync(Buffer.from(cm.binaryData!['podpath.mjs.gz']!, 'base64')).toString()).toBe(readFileSync(bundle, 'utf8'));
    const secret = ours().find((o) => o.kind === 'Secret')!;
    const key = Buffer.from(secret.data!['hmac-key']!, 'base64').toString();
    const token = Buffer.from(secret.data!['api-token']!, 'base64').toString();
    expect(key.length).toBeGreaterThanOrEqual(32);
    expect(token.length).toBeGreaterThanOrEqual(32);
    expect(key).not.toBe(token);
  });

  it('a second install reconfigures but keeps the Secret (running agents keep their key)', async () => {
    const before = JSON.stringify(ours().find((o) => o.kind === 'Secret'));
    const r = await run(['cluster', 'install', '--kubeconfig', api.kubeconfig(), '--bundle', bundle, '--image', 'registry.local/node:20']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/kept\s+Secret\/podpath\/podpath-secrets/);
    expect(r.stdout).toMatch(/configured DaemonSet\/podpath\/podpath-host/);
    expect(JSON.stringify(ours().find((o) => o.kind === 'Secret'))).toBe(before);
  });

  it('status lists the DaemonSets and each agent pod (node, ready, restarts)', async () => {
    api.put({ apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'podpath-host', namespace: 'podpath', labels: { 'app.kubernetes.io/managed-by': 'podpath' } }, status: { desiredNumberScheduled: 2, numberReady: 1, updatedNumberScheduled: 2, numberAvailable: 1 } } as never);
    for (const [i, node, ready, restarts] of [[0, 'node-b', 'True', 0], [1, 'node-a', 'False', 3]] as const) {
      api.put({
        apiVersion: 'v1', kind: 'Pod',
        metadata: { name: `podpath-host-${i}`, namespace: 'podpath', labels: { 'app.kubernetes.io/name': 'podpath', 'app.kubernetes.io/component': 'host-agent' } },
        spec: { nodeName: node }, status: { phase: 'Running', conditions: [{ type: 'Ready', status: ready }], containerStatuses: [{ name: 'agent', restartCount: restarts }] },
      } as never);
    }
    const r = await run(['cluster', 'status', '--kubeconfig', api.kubeconfig()]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/podpath\/podpath-host\s+2\s+1\s+2\s+1/);
    expect(r.stdout).toMatch(/node-a\s+host\s+podpath-host-1\s+no\s+3\s+Running/);
    expect(r.stdout).toMatch(/node-b\s+host\s+podpath-host-0\s+yes\s+0/);
    const j = JSON.parse((await run(['cluster', 'status', '--kubeconfig', api.kubeconfig(), '-o', 'json'])).stdout) as { pods: unknown[] };
    expect(j.pods).toHaveLength(2);
  });

  it('uninstall deletes exactly what install made: not the look-alikes, not a namespace holding things of others', async () => {
    const before = api.requests.length;
    const r = await run(['cluster', 'uninstall', '--kubeconfig', api.kubeconfig()]);
    // Whether the namespace holds others' objects is a consistent read: the watch cache
    // (resourceVersion=0) may not have an object made a moment ago.
    const nsLists = api.requests.slice(before).filter((q) => q.method === 'GET' && 'limit' in q.query && q.path.includes('/namespaces/podpath/'));
    expect(nsLists.length).toBeGreaterThan(5);
    expect(nsLists.filter((q) => q.query.resourceVersion !== undefined).map((q) => q.path)).toEqual([]);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n').filter((l) => l.startsWith('deleted')).length).toBe(5);
    expect(r.stdout).toMatch(/kept\s+Namespace\/podpath\s+\(it holds objects podpath did not make: configmaps\/podpath-notes/);
    expect(ours().map((o) => o.kind)).toEqual(['Namespace']);
    expect(api.objects().some((o) => o.metadata.name === 'podpath-notes')).toBe(true);
    // Once the namespace holds only what podpath made, uninstall removes it too.
    api.put({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'podpath-notes', namespace: 'elsewhere' } });
    const keep = api.objects().find((o) => o.metadata.name === 'podpath-notes' && o.metadata.namespace === 'podpath')!;
    keep.metadata.labels = { 'app.kubernetes.io/managed-by': 'podpath' };
    const again = await run(['cluster', 'uninstall', '--kubeconfig', api.kubeconfig()]);
    expect(again.stdout).toMatch(/deleted\s+Namespace\/podpath/);
    expect(ours()).toEqual([]);
    const deletes = api.requests.filter((q) => q.method === 'DELETE').map((q) => q.path);
    expect(deletes.every((p) => /\/(podpath|podpath-agent|podpath-secrets|podpath-bundle|podpath-host|podpath-pod)$/.test(p))).toBe(true);
    expect(deletes).not.toContain('/apis/apps/v1/namespaces/elsewhere/daemonsets/podpath-host');
    expect(api.objects().some((o) => o.metadata.namespace === 'elsewhere' && o.metadata.name === 'podpath-host')).toBe(true);
  });

  it('an existing namespace podpath did not make is used, never relabelled, and never deleted; -n and --context honoured', async () => {
    api.put({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'netops', labels: { owner: 'ops' } } });
    const kc = api.kubeconfig();
    const r = await run(['cluster', 'install', '--kubeconfig', kc, '--context', 'other', '-n', 'netops', '--bundle', bundle]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/kept\s+Namespace\/netops\s+\(not made by podpath/);
    expect(api.objects().find((o) => o.kind === 'Namespace' && o.metadata.name === 'netops')!.metadata.labels).toEqual({ owner: 'ops' });
    expect(ours().every((o) => o.metadata.namespace === 'netops')).toBe(true);
    const u = await run(['cluster', 'uninstall', '--kubeconfig', kc, '-n', 'netops']);
    expect(u.stdout).toMatch(/skipped\s+Namespace\/netops\s+\(not labelled/);
    expect(api.objects().some((o) => o.kind === 'Namespace' && o.metadata.name === 'netops')).toBe(true);
    expect(ours()).toEqual([]);
  });

  it('facts from the API and from dumps give the same nodes', async () => {
    putFixture(api, readFileSync(join(root, 'test/fixtures/kube/api/nodelist-flannel-composed-server.json'), 'utf8'));
    const fromApi = JSON.parse((await run(['cluster', 'facts', '--kubeconfig', api.kubeconfig(), '-o', 'json'])).stdout) as { nodes: unknown[] };
    const fromFile = JSON.parse((await run(['cluster', 'facts', '--from', 'test/fixtures/kube/api/nodelist-flannel-composed-server.json', '-o', 'json'])).stdout) as { nodes: unknown[] };
    expect(fromApi.nodes).toHaveLength(2);
    expect(fromApi.nodes).toEqual(fromFile.nodes);
    const text = await run(['cluster', 'facts', '--from', 'test/fixtures/kube/api/nodelist-flannel-composed-server.json']);
    expect(text.stdout).toMatch(/flannel VtepMAC 02:56:7c:28:3e:59/);
  });

  it('errors are one coded line: wrong token, no bundle, bad toleration, unknown context', async () => {
    const bad = await run(['cluster', 'status', '--kubeconfig', api.kubeconfig({ token: 'nope-nope-nope-nope-nope' })]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^podpath: E_KUBE_UNAUTHORIZED: .*Unauthorized\n$/);
    const nob = await run(['cluster', 'install', '--kubeconfig', api.kubeconfig()], {}, FROM_SOURCE);
    expect(nob.stderr).toMatch(/^podpath: E_USAGE: no bundle to deploy/);
    const ctx = await run(['cluster', 'status', '--kubeconfig', api.kubeconfig(), '--context', 'missing']);
    expect(ctx.stderr).toMatch(/^podpath: E_KUBE_CONFIG: no context "missing"/);
    expect(() => parseToleration('a b')).toThrow(/toleration/);
    expect(parseToleration('dedicated=infra:NoSchedule')).toEqual([{ key: 'dedicated', operator: 'Equal', value: 'infra', effect: 'NoSchedule' }]);
    expect(parseToleration('node-role.kubernetes.io/control-plane')).toEqual([{ key: 'node-role.kubernetes.io/control-plane', operator: 'Exists' }]);
  });
});
