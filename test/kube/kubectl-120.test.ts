// A real client against the test API server: Debian's kubectl 1.20 lists the nodes (discovery,
// bearer token over https, paging) and its dumps, whole or cut by a 410, read back through
// podpath's dump reader; and it finds and runs `kubectl podpath` as a plugin.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { putFixture, startFakeApiServer, type FakeApiServer } from '../helpers/fake-apiserver.js';
import { kubectl120 } from '../helpers/kubectl120.js';
import { missingRequirement } from '../helpers/env.js';
import { parseDumpText } from '../../src/sources/kube/files.js';
import { buildClusterFacts } from '../../src/sources/kube/build.js';
import { collectFromApi } from '../../src/sources/kube/api.js';
import { connectKube } from '../../src/sources/kube/client.js';
// @ts-expect-error a plain .mjs script without types
import { esmBundleOptions, writePluginWrapper } from '../../scripts/bundle-options.mjs';

const root = join(__dirname, '../..');
const TOKEN = 'kubectl-token-0123456789abcdef012345';
const found = missingRequirement({ tools: ['openssl', 'apt-get', 'dpkg-deb'] }) ? { reason: 'needs openssl, apt-get, dpkg-deb' } : kubectl120();
if (found.reason) {
  if (process.env.CI) throw new Error(`CI must run every test, but kubectl 1.20: ${found.reason}`);
  console.warn(`[skipped] ${found.reason}`);
}

describe.skipIf(!found.bin)('kubectl 1.20 against the test API server', () => {
  let api: FakeApiServer;
  let home: string;
  // Asynchronous: the API server answers from this very process.
  const kubectl = (args: string[], env: Record<string, string> = {}) =>
    new Promise<{ status: number; stdout: string; stderr: string }>((resolve) => {
      execFile(found.bin!, args, { encoding: 'utf8', env: { HOME: home, PATH: `${env.PATH ?? ''}:/usr/bin:/bin`, ...env } }, (err, stdout, stderr) => {
        resolve({ status: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
      });
    });
  beforeAll(async () => {
    api = await startFakeApiServer({ token: TOKEN });
    putFixture(api, readFileSync(join(root, 'test/fixtures/kube/api/nodelist-flannel-composed-server.json'), 'utf8'));
    // Its own HOME: kubectl caches discovery under ~/.kube/cache.
    home = mkdtempSync(join(tmpdir(), 'podpath-kubectl-home-'));
  });
  afterAll(async () => {
    await api?.close();
    rmSync(home, { recursive: true, force: true });
  });

  it('`kubectl get nodes -o json`: discovery, token over https; its dump gives the facts the API gives', async () => {
    const r = await kubectl(['get', 'nodes', '-o', 'json', '--kubeconfig', api.kubeconfig()]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const paths = api.requests.map((q) => q.path);
    expect(paths).toEqual(expect.arrayContaining(['/api', '/apis', '/api/v1/nodes']));
    expect(api.requests.every((q) => q.auth === `Bearer ${TOKEN}`)).toBe(true);
    const dump = parseDumpText(r.stdout, 'nodes.json');
    expect(dump.partial).toEqual([]);
    const fromDump = buildClusterFacts({ source: { kind: 'files' }, ...dump });
    const fromApi = buildClusterFacts(await collectFromApi(connectKube({ kubeconfig: api.kubeconfig() })));
    expect(fromDump.nodes).toEqual(fromApi.nodes);
    expect(fromDump.nodes.map((n) => n.flannel?.vtepMAC?.value)).toEqual(['02:56:7c:28:3e:59', '92:d4:11:1f:95:9d']);
  });

  it('a 410 mid-list: kubectl exits 1 with a partial List; podpath reads 1 node and says the dump is partial', async () => {
    api.expireContinues(1);
    const r = await kubectl(['get', 'nodes', '-o', 'json', '--chunk-size=1', '--kubeconfig', api.kubeconfig()]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^Error from server \(Expired\): The provided continue parameter is too old/);
    // What `kubectl get nodes -o json > nodes.json 2>&1` leaves.
    const dump = parseDumpText(r.stdout + r.stderr, 'nodes.json');
    expect(dump.objects).toHaveLength(1);
    expect(dump.partial.map((p) => p.code)).toEqual(['E_KUBE_EXPIRED']);
  });

  describe('kubectl podpath (plugin)', () => {
    let bin: string;
    beforeAll(async () => {
      bin = mkdtempSync(join(tmpdir(), 'podpath-plugin-'));
      await build({ ...esmBundleOptions(join(bin, 'podpath.mjs')), absWorkingDir: root, logLevel: 'error' });
      writePluginWrapper(bin);
    }, 120_000);
    afterAll(() => rmSync(bin, { recursive: true, force: true }));
    const path = () => `${bin}:${process.env.PATH}`;

    it('`kubectl plugin list` finds kubectl-podpath on PATH', async () => {
      const r = await kubectl(['plugin', 'list'], { PATH: path() });
      expect(r.stdout).toContain(join(bin, 'kubectl-podpath'));
    });
    it('`kubectl podpath --help` prints the usage as `kubectl podpath`', async () => {
      const r = await kubectl(['podpath', '--help'], { PATH: path() });
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(/^Usage: kubectl podpath \[options\] \[command\]/);
    });
    it('flags after the plugin name reach it (--kubeconfig, --context, -n); KUBECONFIG is inherited', async () => {
      const kc = api.kubeconfig();
      const r = await kubectl(['podpath', 'cluster', 'status', '--kubeconfig', kc, '--context', 'other', '-n', 'kube-system'], { PATH: path() });
      expect(r.stderr).toBe('');
      expect(r.stdout).toMatch(/kube-system\/podpath-host\s+-\s+-\s+-\s+not installed/);
      const viaEnv = await kubectl(['podpath', 'cluster', 'facts', '-o', 'json'], { PATH: path(), KUBECONFIG: kc });
      expect((JSON.parse(viaEnv.stdout) as { nodes: unknown[] }).nodes).toHaveLength(2);
    });
    it('flags before the plugin name fail in kubectl itself (documented in the usage)', async () => {
      const r = await kubectl(['--context', 'other', 'podpath', 'cluster', 'status'], { PATH: path() });
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/flags cannot be placed before plugin name: --context/);
    });
  });
});
