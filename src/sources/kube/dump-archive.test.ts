// `--from dump.tar.gz`: recorded kubectl dumps (test/fixtures/kube, see SOURCES.md) in tarballs the
// test builds (test/helpers/tar-craft.ts), read through the bundle reader's limits, nothing on disk.
// Before the fix a tarball was read as YAML text: a .tar.gz was one parse error, and a node bundle
// given as dumps read as 0 objects, on which every cluster rule "passed".
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { gzip, minimalBundle, tarOf, xz, type RawEntry } from '../../../test/helpers/tar-craft.js';
import { missingRequirement } from '../../../test/helpers/env.js';
import { buildClusterFacts } from './build.js';
import { readKubeDumps } from './files.js';

const FX = join(__dirname, '../../../test/fixtures/kube');
const read = (p: string) => readFileSync(join(FX, p), 'utf8');
const tmp = mkdtempSync(join(tmpdir(), 'podpath-dump-archive-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const write = (name: string, data: Buffer | string) => {
  const f = join(tmp, name);
  writeFileSync(f, data);
  return f;
};

/** What `kubectl get nodes -o json > nodes.json; kubectl -n kube-flannel get cm kube-flannel-cfg -o yaml > ...; tar czf` gives. */
const DUMPS: RawEntry[] = [
  { name: 'dump/', type: '5' },
  { name: 'dump/nodes.json', data: read('api/nodelist-flannel-composed-server.json') },
  { name: 'dump/kube-system/', type: '5' },
  { name: 'dump/kube-system/kube-flannel-cfg.yaml', data: read('api/configmap-kube-flannel-cfg.yaml') },
  { name: 'dump/README.txt', data: 'not a dump: not kept' },
];

describe('kubectl dumps in a tarball', () => {
  it('.tar.gz, .tgz and .tar: every .json/.yaml member read, named archive:member', async () => {
    for (const [name, data] of [['dump.tar.gz', gzip(tarOf(DUMPS))], ['dump.tgz', gzip(tarOf(DUMPS))], ['dump.tar', tarOf(DUMPS)]] as const) {
      const file = write(name, data);
      const inv = await readKubeDumps([file]);
      const facts = buildClusterFacts(inv);
      expect(facts.nodes.map((n) => n.name)).toEqual(['ip-192-168-4-135.eu-central-1.compute.internal', 'ip-192-168-47-102.eu-central-1.compute.internal']);
      expect(facts.flannelNetConf?.backendType).toBe('vxlan');
      expect(inv.source.files).toEqual([`${file}:dump/kube-system/kube-flannel-cfg.yaml`, `${file}:dump/nodes.json`]);
    }
  });

  it.skipIf(missingRequirement({ tools: ['xz'] }))('.tar.xz, and a tarball inside a directory given to --from', async () => {
    const dir = join(tmp, 'dir');
    mkdirSync(dir);
    writeFileSync(join(dir, 'cluster.tar.xz'), xz(tarOf(DUMPS)));
    const facts = buildClusterFacts(await readKubeDumps([dir]));
    expect(facts.nodes).toHaveLength(2);
  });

  it('a tarball cut short keeps the dumps before the cut and says the rest is partial', async () => {
    const whole = tarOf([{ name: 'a/nodes.json', data: read('api/nodelist-flannel-composed-server.json') }, { name: 'b/proxy.yaml', data: read('api/configmap-kube-proxy.yaml') }]);
    // Cut inside the second member's data: the first is whole.
    const cut = whole.subarray(0, whole.indexOf(Buffer.from('b/proxy.yaml')) + 512 + 100);
    const inv = await readKubeDumps([write('cut.tar', cut)]);
    expect(buildClusterFacts(inv).nodes).toHaveLength(2);
    expect(inv.partial.map((p) => p.code)).toEqual(['E_BUNDLE_TRUNCATED']);
    expect(inv.source.files).toEqual([`${join(tmp, 'cut.tar')}:a/nodes.json`]);
  });

  it('the bundle reader\'s rules hold: a path climbing out is left out, gzip holding no tar is refused', async () => {
    const climbing = gzip(tarOf([{ name: '../../etc/nodes.json', data: read('api/node-minikube.json') }, { name: 'ok/nodes.json', data: read('api/nodelist-eks-server.json') }]));
    const inv = await readKubeDumps([write('climb.tar.gz', climbing)]);
    expect(inv.source.files).toEqual([`${join(tmp, 'climb.tar.gz')}:ok/nodes.json`]);
    await expect(readKubeDumps([write('junk.tar.gz', gzip(Buffer.from('not a tar at all, just gzip')))])).rejects.toMatchObject({ code: 'E_BUNDLE_FORMAT' });
  });

  it('in a directory, a tarball that cannot be read is noted with its code and the dumps beside it are read', async () => {
    const dir = join(tmp, 'with-junk');
    mkdirSync(dir);
    writeFileSync(join(dir, 'nodes.json'), read('api/nodelist-eks-server.json'));
    writeFileSync(join(dir, 'old-logs.tar.gz'), gzip(Buffer.from('not a tar at all, just gzip')));
    const inv = await readKubeDumps([dir]);
    expect(buildClusterFacts(inv).nodes).toHaveLength(2);
    expect(inv.notes.map((n) => n.text)).toEqual([expect.stringMatching(/old-logs\.tar\.gz: not a JSON or YAML dump of Kubernetes objects: `E_BUNDLE_FORMAT: /)]);
  });
});

describe('dumps with no Kubernetes object: an error, never an empty cluster', () => {
  it('a node bundle given as dumps (tarball): E_KUBE_DUMP_READ saying it is a node bundle', async () => {
    const bundle = write('node-a.tar.gz', gzip(tarOf(minimalBundle('sosreport-node-a'))));
    await expect(readKubeDumps([bundle])).rejects.toMatchObject({ code: 'E_KUBE_DUMP_READ', message: expect.stringContaining('a node bundle; give it to --nodes-from') });
  });

  it('a bundle directory whose only .json is podpath.json (NodeFacts): E_KUBE_NO_OBJECTS', async () => {
    const dir = join(tmp, 'bundle-dir');
    mkdirSync(dir);
    writeFileSync(join(dir, 'podpath.json'), '{"schemaVersion": 3, "collectedAt": "", "origin": {"kind": "bundle"}, "missing": []}');
    await expect(readKubeDumps([dir])).rejects.toMatchObject({ code: 'E_KUBE_NO_OBJECTS', message: expect.stringMatching(/no Kubernetes objects in .*bundle-dir \(1 file\(s\) read; .*podpath\.json: 1 item\(s\) without kind or name skipped/) });
  });

  it('the empty List kubectl 1.20 writes on a 403 (recorded session): E_KUBE_NO_OBJECTS with kubectl\'s own error', async () => {
    const err = read('text/kubectl-1.20.2-session-against-stub.txt').split('\n').find((l) => l.startsWith('Error from server (Forbidden)'));
    const text = `{"apiVersion":"v1","items":[],"kind":"List","metadata":{"resourceVersion":"","selfLink":""}}\n${err ?? 'Error from server (Forbidden): nodes is forbidden'}\n`;
    await expect(readKubeDumps([write('forbidden.json', text)])).rejects.toMatchObject({ code: 'E_KUBE_NO_OBJECTS', message: expect.stringContaining('Forbidden') });
  });
});
