// deploy/ is generated from the manifest builders: regenerated here in memory and compared, as
// docs/rules are; then parsed back and validated like the objects `cluster install` applies,
// and (where kubectl is) built with kustomize as a user would.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAllDocuments, parse } from 'yaml';
import { renderDeployFiles } from '../../src/app/cluster/deploy-files.js';
import type { ManagedObject } from '../../src/app/cluster/manifests.js';
import { unknownFields, validateAgainstOpenApi } from '../helpers/kube-schema.js';
import { missingRequirement } from '../helpers/env.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
const stale = 'stale: run `npm run deploy` and commit deploy/';

describe('deploy/', () => {
  const files = renderDeployFiles(pkg.version);
  for (const [name, text] of Object.entries(files)) {
    it(`${name} is fresh`, () => {
      expect(readFileSync(join(root, 'deploy', name), 'utf8'), stale).toBe(text);
    });
  }
  it('podpath.yaml: every object valid against the OpenAPI schema, no unknown field', () => {
    const docs = parseAllDocuments(readFileSync(join(root, 'deploy/podpath.yaml'), 'utf8')).map((d) => d.toJS() as ManagedObject);
    expect(docs.map((d) => d.kind)).toEqual(['Namespace', 'ServiceAccount', 'DaemonSet', 'DaemonSet']);
    for (const d of docs) {
      expect(() => validateAgainstOpenApi(d)).not.toThrow();
      expect(unknownFields(d)).toEqual([]);
    }
  });
  it('the krew template has the fields krew requires, for both architectures', () => {
    const m = parse(readFileSync(join(root, 'deploy/krew/podpath.yaml'), 'utf8')) as {
      kind: string; metadata: { name: string }; spec: { version: string; platforms: { selector: { matchLabels: Record<string, string> }; bin: string; uri: string }[] };
    };
    expect(m.kind).toBe('Plugin');
    expect(m.metadata.name).toBe('podpath');
    expect(m.spec.version).toMatch(/^v/);
    expect(m.spec.platforms.map((p) => p.selector.matchLabels.arch)).toEqual(['amd64', 'arm64']);
    for (const p of m.spec.platforms) {
      expect(p.bin).toBe('kubectl-podpath');
      expect(p.uri).toMatch(/\.tar\.gz$/);
    }
  });

  const tmp = mkdtempSync(join(tmpdir(), 'podpath-deploy-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));
  it('kubectl kustomize builds all six objects, the bundle as binaryData, everything labelled', (ctx) => {
    if (missingRequirement({ tools: ['kubectl'] })) return ctx.skip();
    cpSync(join(root, 'deploy'), tmp, { recursive: true });
    for (const f of ['podpath.mjs.gz', 'hmac-key', 'api-token']) rmSync(join(tmp, f), { force: true });
    const bundle = join(tmp, 'fake-bundle.mjs');
    writeFileSync(bundle, 'console.log("podpath")\n');
    execFileSync('sh', [join(tmp, 'prepare.sh'), bundle]);
    const out = execFileSync('kubectl', ['kustomize', tmp], { encoding: 'utf8', env: { ...process.env, HOME: tmp } });
    const docs = parseAllDocuments(out).map((d) => d.toJS() as ManagedObject & { binaryData?: Record<string, string>; data?: Record<string, string> });
    expect(docs.map((d) => `${d.kind}/${d.metadata?.name}`).sort()).toEqual([
      'ConfigMap/podpath-bundle', 'DaemonSet/podpath-host', 'DaemonSet/podpath-pod', 'Namespace/podpath', 'Secret/podpath-secrets', 'ServiceAccount/podpath-agent',
    ]);
    for (const d of docs) {
      // kustomize wraps base64 at 76 columns; the API server's decoder (Go's encoding/base64 via
      // encoding/json) skips newlines, ajv's "byte" format does not: unwrap as the server reads it.
      for (const m of [d.data, d.binaryData]) for (const k of Object.keys(m ?? {})) m![k] = m![k]!.replace(/\n/g, '');
      expect(d.metadata?.labels?.['app.kubernetes.io/managed-by']).toBe('podpath');
      expect(() => validateAgainstOpenApi(d)).not.toThrow();
    }
    const cm = docs.find((d) => d.kind === 'ConfigMap')!;
    expect(Buffer.from(cm.binaryData!['podpath.mjs.gz']!, 'base64').equals(gzipSync(readFileSync(bundle), { level: 9 }))).toBe(true);
    const secret = docs.find((d) => d.kind === 'Secret')!;
    const key = Buffer.from(secret.data!['hmac-key']!, 'base64').toString();
    const token = Buffer.from(secret.data!['api-token']!, 'base64').toString();
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(token).toMatch(/^[0-9a-f]{64}$/);
    expect(key).not.toBe(token);
  });
});
