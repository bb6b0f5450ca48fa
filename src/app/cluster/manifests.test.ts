import { gzipSync } from 'node:zlib';
import { execFileSync, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import type { IDaemonSet } from 'kubernetes-models/apps/v1/DaemonSet';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IPodSpec } from 'kubernetes-models/v1/PodSpec';
import { buildManifests, podDaemonSet, hostDaemonSet, HOST_PATHS, type ManagedObject, type Toleration } from './manifests.js';
import { makeInstallSecrets } from './secrets.js';
import { unknownFields, validateAgainstOpenApi } from '../../../test/helpers/kube-schema.js';
// @ts-expect-error a plain .mjs script without types
import { esmBundleOptions } from '../../../scripts/bundle-options.mjs';

const secrets = makeInstallSecrets();
const all = buildManifests({ version: '1.2.3', bundleGz: gzipSync(Buffer.from('console.log(1)')), secrets });

describe('manifests: schema', () => {
  it('makes the objects issue 12 lists, in apply order', () => {
    expect(all.map((o) => `${o.kind}/${o.metadata?.name}`)).toEqual([
      'Namespace/podpath', 'ServiceAccount/podpath-agent', 'Secret/podpath-secrets', 'ConfigMap/podpath-bundle',
      'DaemonSet/podpath-host', 'DaemonSet/podpath-pod',
    ]);
  });
  for (const obj of all) {
    it(`${obj.kind}/${obj.metadata?.name}: valid against the Kubernetes OpenAPI schema`, () => {
      expect(() => validateAgainstOpenApi(obj)).not.toThrow();
    });
    it(`${obj.kind}/${obj.metadata?.name}: no field the API does not know`, () => {
      expect(unknownFields(obj)).toEqual([]);
    });
    it(`${obj.kind}/${obj.metadata?.name}: labelled managed-by podpath`, () => {
      expect(obj.metadata?.labels?.['app.kubernetes.io/managed-by']).toBe('podpath');
      expect(obj.metadata?.labels?.['app.kubernetes.io/name']).toBe('podpath');
    });
  }
  it('the checks catch what they must (a check that cannot fail is no check)', () => {
    const ds = structuredClone(podDaemonSet({ version: '1' }));
    const agent = ds.spec!.template.spec!.containers[0]! as IContainer & Record<string, unknown>;
    agent.securityContex = {};
    expect(unknownFields(ds)).toEqual(['spec.template.spec.containers[0].securityContex']);
    (agent.ports![0] as { containerPort: unknown }).containerPort = '80';
    expect(() => validateAgainstOpenApi(ds)).toThrow(/containerPort/);
    const cm = structuredClone(all[3]) as ManagedObject & { binaryData: Record<string, string> };
    cm.binaryData['podpath.mjs.gz'] = 'not base64!';
    expect(() => validateAgainstOpenApi(cm)).toThrow(/byte/);
  });
  it('rejects bad options with a code', () => {
    expect(() => buildManifests({ version: '1', namespace: 'Bad_NS' })).toThrow(/namespace/);
    expect(() => buildManifests({ version: '1', image: 'node 20' })).toThrow(/image/);
    expect(() => buildManifests({ version: '1', ports: { hostApi: 0 } })).toThrow(/port/);
    expect(() => buildManifests({ version: '1', secrets: { hmacKey: 'a'.repeat(40), apiToken: 'a'.repeat(40) } })).toThrow(/differ/);
    expect(() => buildManifests({ version: '1', secrets: { hmacKey: 'short', apiToken: 'b'.repeat(40) } })).toThrow(/32/);
  });
});

describe('manifests: the install secrets', () => {
  it('are random, at least 32 characters, key != token', () => {
    const a = makeInstallSecrets();
    const b = makeInstallSecrets();
    expect(a.hmacKey.length).toBeGreaterThanOrEqual(32);
    expect(a.apiToken.length).toBeGreaterThanOrEqual(32);
    expect(a.hmacKey).not.toBe(a.apiToken);
    expect(a.hmacKey).not.toBe(b.hmacKey);
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

function podSpec(ds: IDaemonSet): IPodSpec {
  return ds.spec!.template.spec!;
}
function containers(spec: IPodSpec): IContainer[] {
  return [...(spec.initContainers ?? []), ...spec.containers];
}

// Pod Security Standards, "restricted" (kubernetes.io/docs/concepts/security/pod-security-standards),
// written out control by control, baseline controls included (restricted contains baseline).
describe('pod plane: Pod Security "restricted", control by control', () => {
  const spec = podSpec(podDaemonSet({ version: '1' }));
  const sc = spec.securityContext ?? {};
  const effective = <K extends 'runAsNonRoot' | 'runAsUser' | 'seccompProfile'>(c: IContainer, k: K) => c.securityContext?.[k] ?? sc[k];
  it('host namespaces: hostNetwork, hostPID, hostIPC unset or false', () => {
    expect(spec.hostNetwork ?? false).toBe(false);
    expect(spec.hostPID ?? false).toBe(false);
    expect(spec.hostIPC ?? false).toBe(false);
  });
  it('privileged containers and Windows HostProcess: none', () => {
    for (const c of containers(spec)) {
      expect(c.securityContext?.privileged ?? false).toBe(false);
      expect(c.securityContext?.windowsOptions?.hostProcess ?? false).toBe(false);
    }
  });
  it('hostPath volumes: none; volume types only configMap, csi, downwardAPI, emptyDir, ephemeral, PVC, projected, secret', () => {
    const allowed = new Set(['name', 'configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret']);
    for (const v of spec.volumes ?? []) for (const k of Object.keys(v)) expect(allowed.has(k), `volume ${v.name}: ${k}`).toBe(true);
  });
  it('host ports: none', () => {
    for (const c of containers(spec)) for (const p of c.ports ?? []) expect(p.hostPort ?? 0).toBe(0);
  });
  it('AppArmor, SELinux, /proc mount, sysctls: left at the safe defaults', () => {
    expect(sc.sysctls ?? []).toEqual([]);
    expect(sc.appArmorProfile).toBeUndefined();
    expect(sc.seLinuxOptions).toBeUndefined();
    for (const c of containers(spec)) {
      expect(c.securityContext?.procMount ?? 'Default').toBe('Default');
      expect(c.securityContext?.seLinuxOptions).toBeUndefined();
      expect(c.securityContext?.appArmorProfile).toBeUndefined();
    }
  });
  it('privilege escalation: allowPrivilegeEscalation false in every container', () => {
    for (const c of containers(spec)) expect(c.securityContext?.allowPrivilegeEscalation).toBe(false);
  });
  it('running as non-root: runAsNonRoot true, runAsUser not 0', () => {
    for (const c of containers(spec)) {
      expect(effective(c, 'runAsNonRoot')).toBe(true);
      expect(effective(c, 'runAsUser')).not.toBe(0);
    }
  });
  it('seccomp: RuntimeDefault (or Localhost) for every container', () => {
    for (const c of containers(spec)) expect(['RuntimeDefault', 'Localhost']).toContain(effective(c, 'seccompProfile')?.type);
  });
  it('capabilities: drop ALL, add at most NET_BIND_SERVICE', () => {
    for (const c of containers(spec)) {
      expect(c.securityContext?.capabilities?.drop).toContain('ALL');
      for (const a of c.securityContext?.capabilities?.add ?? []) expect(a).toBe('NET_BIND_SERVICE');
    }
  });
  it('and beyond the profile: a read-only root filesystem', () => {
    for (const c of containers(spec)) expect(c.securityContext?.readOnlyRootFilesystem).toBe(true);
  });
});

describe('host plane', () => {
  const ds = hostDaemonSet({ version: '1' });
  const spec = podSpec(ds);
  it('host network with cluster DNS, no API token, every node tolerated', () => {
    expect(spec.hostNetwork).toBe(true);
    expect(spec.dnsPolicy).toBe('ClusterFirstWithHostNet');
    expect(spec.automountServiceAccountToken).toBe(false);
    expect(spec.tolerations).toEqual([{ operator: 'Exists' }]);
  });
  it('NET_RAW and NET_ADMIN only, drop ALL, not privileged, no escalation', () => {
    const agent = spec.containers[0]!;
    expect(agent.securityContext?.capabilities).toEqual({ drop: ['ALL'], add: ['NET_RAW', 'NET_ADMIN'] });
    expect(agent.securityContext?.privileged).toBe(false);
    expect(agent.securityContext?.allowPrivilegeEscalation).toBe(false);
    expect(spec.initContainers?.[0]?.securityContext?.capabilities).toEqual({ drop: ['ALL'] });
  });
  it('mounts exactly the host paths the sources read, each read-only', () => {
    const byName = new Map((spec.volumes ?? []).map((v) => [v.name, v]));
    const hostMounts = spec.containers[0]!.volumeMounts!.filter((m) => byName.get(m.name)?.hostPath);
    expect(hostMounts.map((m) => byName.get(m.name)!.hostPath!.path).sort()).toEqual([...HOST_PATHS].sort());
    for (const m of hostMounts) expect(m.readOnly).toBe(true);
    expect(spec.initContainers![0]!.volumeMounts!.some((m) => byName.get(m.name)?.hostPath)).toBe(false);
  });
  it('downward API, readiness probe on /healthz, no CPU limit, all-at-once updates, scrape annotations', () => {
    const agent = spec.containers[0]!;
    expect(agent.env?.map((e) => [e.name, e.valueFrom?.fieldRef?.fieldPath])).toEqual(expect.arrayContaining([
      ['NODE_NAME', 'spec.nodeName'], ['POD_IP', 'status.podIP'], ['HOST_IP', 'status.hostIP'],
    ]));
    expect(agent.args).toEqual(expect.arrayContaining(['agent', '--listen', '$(HOST_IP)']));
    expect(agent.readinessProbe?.httpGet?.path).toBe('/healthz');
    expect(agent.resources?.limits?.cpu).toBeUndefined();
    expect(agent.resources?.requests?.cpu).toBeDefined();
    expect(ds.spec?.updateStrategy?.rollingUpdate?.maxUnavailable).toBe('100%');
    expect(ds.spec?.template.metadata?.annotations?.['prometheus.io/scrape']).toBe('true');
  });
  it('the namespace allows the privileged host plane', () => {
    expect(all[0]!.metadata?.labels?.['pod-security.kubernetes.io/enforce']).toBe('privileged');
  });
  it('tolerations and image are configurable', () => {
    const t: Toleration[] = [{ key: 'dedicated', operator: 'Equal', value: 'infra', effect: 'NoSchedule' }];
    const s = podSpec(hostDaemonSet({ version: '1', tolerations: t, image: 'registry.local/node:20' }));
    expect(s.tolerations).toEqual(t);
    expect(s.containers[0]!.image).toBe('registry.local/node:20');
  });
});

describe('the bundle ConfigMap', () => {
  const dir = mkdtempSync(join(tmpdir(), 'podpath-cm-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  it('holds gzip of the real bundle and stays under the API 1 MiB object limit', async () => {
    const out = join(dir, 'podpath.mjs');
    await build({ ...esmBundleOptions(out), absWorkingDir: join(__dirname, '../../..'), logLevel: 'error' });
    const gz = gzipSync(readFileSync(out), { level: 9 });
    const objs = buildManifests({ version: '1.2.3', bundleGz: gz, secrets });
    const cm = objs.find((o) => o.kind === 'ConfigMap')!;
    const size = Buffer.byteLength(JSON.stringify(cm));
    console.log(`bundle ${readFileSync(out).length} B, gzip ${gz.length} B, ConfigMap as JSON ${size} B of 1048576`);
    expect(size).toBeLessThan(1024 * 1024);
    // The object carries exactly the bundle: what the init container unpacks is what was built.
    expect(Buffer.from((cm as { binaryData: Record<string, string> }).binaryData['podpath.mjs.gz']!, 'base64').equals(gz)).toBe(true);
    // The init container's own command, run on this ConfigMap's content (paths moved to a temp
    // dir): what it unpacks starts as the agent the DaemonSet runs.
    const ds = objs.find((o) => o.kind === 'DaemonSet') as IDaemonSet;
    const unpack = ds.spec!.template.spec!.initContainers![0]!.command!;
    mkdirSync(join(dir, 'bundle'));
    mkdirSync(join(dir, 'podpath'));
    writeFileSync(join(dir, 'bundle', 'podpath.mjs.gz'), Buffer.from((cm as { binaryData: Record<string, string> }).binaryData['podpath.mjs.gz']!, 'base64'));
    const script = unpack[2]!.replaceAll("'/bundle/", `'${dir}/bundle/`).replaceAll("'/podpath/", `'${dir}/podpath/`);
    execFileSync(process.execPath, [unpack[1]!, script]);
    const agent = ds.spec!.template.spec!.containers[0]!;
    expect(agent.args![0]).toBe('/podpath/podpath.mjs');
    expect(execFileSync(process.execPath, [join(dir, 'podpath', 'podpath.mjs'), 'agent', '--help'], { encoding: 'utf8' })).toMatch(/--listen/);
  }, 120_000);

  it("the agent container's command line, as Kubernetes expands it, starts an agent that passes the readiness probe", async () => {
    const ports = { hostProbe: await freePort(), hostApi: await freePort() };
    const ds = hostDaemonSet({ version: '1', ports });
    const agent = ds.spec!.template.spec!.containers[0]!;
    const secretsDir = join(dir, 'secrets');
    mkdirSync(secretsDir);
    const s = makeInstallSecrets();
    writeFileSync(join(secretsDir, 'hmac-key'), s.hmacKey);
    writeFileSync(join(secretsDir, 'api-token'), s.apiToken);
    // $(HOST_IP) is expanded by the kubelet from the downward API; mounts moved to the temp dir.
    const args = agent.args!.map((a) => a.replace('$(HOST_IP)', '127.0.0.1').replace('/etc/podpath/secrets', secretsDir).replace(/^\/podpath\//, `${dir}/podpath/`).replace(/^\/host$/, '/'));
    const child = spawn(agent.command![0]!, args, { stdio: 'ignore' });
    try {
      const probe = agent.readinessProbe!.httpGet!;
      let body = '';
      for (let i = 0; i < 100 && body !== 'ok\n'; i++) {
        body = await fetch(`http://127.0.0.1:${probe.port}${probe.path}`).then((r) => r.text(), () => '');
        if (body !== 'ok\n') await new Promise((r) => setTimeout(r, 100));
      }
      expect(body).toBe('ok\n');
      // The token in the Secret is the one the agent wants.
      const metrics = await fetch(`http://127.0.0.1:${ports.hostApi}/metrics`, { headers: { authorization: `Bearer ${s.apiToken}` } });
      expect(metrics.status).toBe(200);
    } finally {
      child.kill('SIGTERM');
    }
  }, 60_000);
});
