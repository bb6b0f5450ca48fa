// `podpath cluster doctor` and `doctor --from-dir --cluster-from` end to end: the real CLI (from
// source) with the cluster's facts from a dump and from the loopback recorded-API server, the
// nodes' facts from files named by node (the two-node lab's recorded command output through
// podpath's parsers), node rules per node and cluster rules over one bag.
import { execFile, execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { putFixture, startFakeApiServer, type FakeApiServer } from '../helpers/fake-apiserver.js';
import { missingRequirement } from '../helpers/env.js';
import { AGENT_ENV, spawnAgent, type SpawnedAgent } from '../helpers/agent.js';
import { LAB, labNodeFacts, labNodeListText, NODE_A, NODE_B } from '../helpers/cluster-evidence.js';
import type { ClusterDoctorReport } from '../../src/report/cluster-doctor-model.js';
import { podpathArgs } from '../helpers/podpath.js';
import { agentPod } from '../helpers/agent-pods.js';

const root = join(__dirname, '../..');
const TOKEN = 'cluster-doctor-token-0123456789abcdef';
const KUBE = join(root, 'test/fixtures/kube/api');

function run(args: string[], extraEnv: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [...podpathArgs(), ...args], { cwd: root, env: { ...process.env, KUBECONFIG: '/nonexistent', LANG: 'C', LC_ALL: '', ...extraEnv }, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

describe('podpath cluster doctor', () => {
  let tmp: string;
  let healthy: string;
  let stale: string;
  let dump: string;
  beforeAll(() => {
    tmp = mkdtempSync(join(tmpdir(), 'podpath-cluster-doctor-'));
    dump = join(tmp, 'dump');
    mkdirSync(dump);
    writeFileSync(join(dump, 'nodes.json'), labNodeListText());
    copyFileSync(join(KUBE, 'configmap-kube-flannel-cfg.yaml'), join(dump, 'kube-flannel-cfg.yaml'));
    healthy = join(tmp, 'healthy');
    mkdirSync(healthy);
    writeFileSync(join(healthy, `${NODE_A}.json`), JSON.stringify(labNodeFacts('a')));
    // Node b's facts under another file name and hostname: matched by InternalIP.
    const other = labNodeFacts('b');
    writeFileSync(join(healthy, 'second-node.json'), JSON.stringify({ ...other, kernel: { ...other.kernel!, hostname: 'localhost' } }));
    // Node b after its flannel.1 was re-created (new MAC); its annotation still has the old one.
    stale = join(tmp, 'stale');
    mkdirSync(stale);
    writeFileSync(join(stale, `${NODE_A}.json`), JSON.stringify(labNodeFacts('a')));
    const b = labNodeFacts('b');
    b.links!.items = b.links!.items.map((l) => (l.name === 'flannel.1' ? { ...l, mac: 'e2:00:6c:cf:88:ff' } : l));
    writeFileSync(join(stale, `${NODE_B}.json`), JSON.stringify(b));
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('healthy pair: no cluster finding; node b tied by InternalIP, node a by name', async () => {
    const r = await run(['cluster', 'doctor', '--from', dump, '--nodes-from', healthy, '-o', 'json']);
    expect(r.stderr).toBe('');
    const rep = JSON.parse(r.stdout) as ClusterDoctorReport;
    expect(rep.schema).toBe('podpath.cluster-doctor');
    expect(rep.findings).toEqual([]);
    expect(rep.nodes.map((n) => [n.name, n.matchedBy, n.matchedAddress])).toEqual([[NODE_A, 'name', undefined], [NODE_B, 'internalIP', LAB.b.ip]]);
    expect(rep.withoutFacts).toEqual([]);
    // Every cluster rule was judged, none skipped for want of evidence it was given (a flannel
    // cluster has no Calico IPPool: that rule says so rather than passing).
    expect(rep.results.filter((x) => x.status === 'skipped').map((x) => `${x.ruleId}: ${x.reason}`)).toEqual(['calico-crosssubnet-underlay: no Calico IPPool in the cluster facts']);
    expect(rep.results.length).toBeGreaterThanOrEqual(7);
  }, 60_000);

  it('re-created flannel.1 on node b: vtep-annotation-stale names node b, text and Markdown', async () => {
    const r = await run(['cluster', 'doctor', '--from', dump, '--nodes-from', stale]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('vtep-annotation-stale');
    expect(r.stdout).toContain(`Node ${NODE_B} advertises VtepMAC ${LAB.b.mac}`);
    expect(r.stdout).toContain('$ kubectl -n kube-flannel delete pod -l app=flannel --field-selector spec.nodeName=node-b');
    const md = await run(['cluster', 'doctor', '--from', dump, '--nodes-from', stale, '-o', 'markdown', '--lang', 'zh']);
    expect(md.stdout).toContain('# podpath 集群诊断');
    expect(md.stdout).toContain(`节点 ${NODE_B} 通告的 VtepMAC 为 ${LAB.b.mac}`);
    // -o html: the cluster's finding first, then the nodes; the summary counts the cluster's and every node's.
    const [page, json] = await Promise.all([run(['cluster', 'doctor', '--from', dump, '--nodes-from', stale, '-o', 'html']), run(['cluster', 'doctor', '--from', dump, '--nodes-from', stale, '-o', 'json'])]);
    const rep = JSON.parse(json.stdout) as ClusterDoctorReport;
    expect(page.code).toBe(1);
    expect(page.stdout.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(page.stdout).toMatch(/<article class="finding f-\w+" id="cl-f0" data-rule="vtep-annotation-stale"/);
    for (const [sev, n] of Object.entries(rep.summary.bySeverity)) expect(page.stdout).toMatch(new RegExp(`data-severity="${sev}"><span class="sev sev-${sev}">.*?</span><span class="n" data-count="${n}">`));
    expect(page.stdout).toContain(`<section class="node" id="n1" aria-labelledby="n1-h">`);
  }, 60_000);

  it('fleet mode: doctor --from-dir DIR --cluster-from DUMP gives the same cluster findings', async () => {
    const a = JSON.parse((await run(['cluster', 'doctor', '--from', dump, '--nodes-from', stale, '-o', 'json'])).stdout) as ClusterDoctorReport;
    const r = await run(['doctor', '--from-dir', stale, '--cluster-from', dump, '-o', 'json']);
    expect(r.code).toBe(1);
    const b = JSON.parse(r.stdout) as ClusterDoctorReport;
    expect(b.findings.map((f) => [f.ruleId, f.messageId])).toEqual(a.findings.map((f) => [f.ruleId, f.messageId]));
    expect(b.findings.map((f) => f.ruleId)).toContain('vtep-annotation-stale');
    expect(b.nodes.map((n) => n.report?.summary.rules)).toEqual(a.nodes.map((n) => n.report?.summary.rules));
  }, 60_000);

  it('an unreadable node file: exit 2, the others still judged', async () => {
    const dir = join(tmp, 'broken');
    mkdirSync(dir);
    writeFileSync(join(dir, `${NODE_A}.json`), JSON.stringify(labNodeFacts('a')));
    writeFileSync(join(dir, `${NODE_B}.json`), '{"schemaVersion": 2, "nope"');
    const r = await run(['cluster', 'doctor', '--from', dump, '--nodes-from', dir, '-o', 'json']);
    expect(r.code).toBe(2);
    const rep = JSON.parse(r.stdout) as ClusterDoctorReport;
    expect(rep.nodes.find((n) => n.name === NODE_B)?.error?.code).toMatch(/^E_FACTS_/);
    expect(rep.nodes.find((n) => n.name === NODE_A)?.report).toBeDefined();
    expect(rep.withoutFacts).toEqual([NODE_B]);
  }, 60_000);

  it('--from a .tar.gz of the same dumps: the same cluster facts and findings as the directory', async () => {
    const tgz = join(tmp, 'dump.tar.gz');
    execFileSync('tar', ['-czf', tgz, '-C', dump, '.']);
    const [fromDir, fromTar] = await Promise.all([run(['cluster', 'doctor', '--from', dump, '--nodes-from', stale, '-o', 'json']), run(['cluster', 'doctor', '--from', tgz, '--nodes-from', stale, '-o', 'json'])]);
    expect(fromTar.stderr).toBe('');
    expect(fromTar.code).toBe(1);
    const [a, b] = [JSON.parse(fromDir.stdout) as ClusterDoctorReport, JSON.parse(fromTar.stdout) as ClusterDoctorReport];
    expect(b.cluster?.counts).toEqual(a.cluster?.counts);
    expect(b.cluster?.source.files).toEqual([`${tgz}:kube-flannel-cfg.yaml`, `${tgz}:nodes.json`]);
    expect(b.findings.map((f) => f.messageId)).toEqual(a.findings.map((f) => f.messageId));
  }, 60_000);

  it('--from a node bundle directory (no Kubernetes object): one line E_KUBE_NO_OBJECTS, exit 2, never "no problems"', async () => {
    const bundleDir = join(tmp, 'node-bundle');
    mkdirSync(bundleDir);
    writeFileSync(join(bundleDir, 'podpath.json'), JSON.stringify(labNodeFacts('a')));
    const r = await run(['cluster', 'doctor', '--from', bundleDir, '--nodes-from', healthy]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^podpath: E_KUBE_NO_OBJECTS: no Kubernetes objects in .*node-bundle \(1 file\(s\) read; [^\n]*\): nothing to judge the cluster on\n$/);
  }, 60_000);

  it('usage: no node facts, or an unknown rule id, is one line with a code', async () => {
    const r = await run(['cluster', 'doctor', '--from', dump]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^podpath: E_USAGE: give the nodes' facts/);
    const u = await run(['cluster', 'doctor', '--from', dump, '--nodes-from', healthy, '--only', 'no-such-rule']);
    expect(u.stderr).toMatch(/^podpath: E_UNKNOWN_RULE: unknown rule id: no-such-rule/);
  }, 60_000);
});

describe.skipIf(missingRequirement({ tools: ['openssl'] }))('podpath cluster doctor against the recorded-API server', () => {
  let api: FakeApiServer;
  let tmp: string;
  beforeAll(async () => {
    api = await startFakeApiServer({ token: TOKEN });
    putFixture(api, labNodeListText());
    putFixture(api, readFileSync(join(KUBE, 'configmap-kube-flannel-cfg.yaml'), 'utf8'));
    tmp = mkdtempSync(join(tmpdir(), 'podpath-cluster-doctor-api-'));
    const a = labNodeFacts('a');
    // Node a lost its route to node b's podCIDR.
    a.routes!.items = a.routes!.items.filter((r) => r.dst !== LAB.b.podCIDR);
    writeFileSync(join(tmp, `${NODE_A}.json`), JSON.stringify(a));
    writeFileSync(join(tmp, `${NODE_B}.json`), JSON.stringify(labNodeFacts('b')));
  });
  afterAll(async () => {
    await api?.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('reads nodes and net-conf through the API (list calls) and names the missing route', async () => {
    const r = await run(['cluster', 'doctor', '--kubeconfig', api.kubeconfig({ token: TOKEN }), '--nodes-from', tmp, '-o', 'json']);
    const rep = JSON.parse(r.stdout) as ClusterDoctorReport;
    expect(rep.cluster?.source.kind).toBe('api');
    expect(rep.findings.map((f) => [f.ruleId, f.messageId])).toEqual([['pod-cidr-routes', 'missingRoute']]);
    expect(rep.findings[0]!.message).toContain(`${NODE_A} has no route to ${NODE_B}'s podCIDR ${LAB.b.podCIDR}`);
    expect(api.requests.some((q) => q.method === 'GET' && q.path === '/api/v1/nodes')).toBe(true);
    expect(r.code).toBe(1);
  }, 60_000);
});

describe.skipIf(missingRequirement({ tools: ['openssl'] }))('podpath cluster doctor --agents: node facts from the agents\' /v1/facts', () => {
  let api: FakeApiServer;
  let agent: SpawnedAgent;
  beforeAll(async () => {
    api = await startFakeApiServer({ token: TOKEN });
    // node-a's InternalIP is where a real `podpath agent` listens; nothing listens for node-b.
    putFixture(api, labNodeListText().split(LAB.a.ip).join('127.0.0.1').split(LAB.b.ip).join('127.0.0.2'));
    agent = await spawnAgent(['--listen', '127.0.0.1']);
  }, 60_000);
  afterAll(async () => {
    await agent?.stop();
    await api?.close();
  });

  it('fetches node-a\'s facts from its agent, reports node-b\'s agent unreachable (exit 2)', async () => {
    const r = await run(['cluster', 'doctor', '--kubeconfig', api.kubeconfig({ token: TOKEN }), '--agents', '--api-port', String(agent.apiPort), '-o', 'json'], { PODPATH_TOKEN: AGENT_ENV.PODPATH_TOKEN });
    const rep = JSON.parse(r.stdout) as ClusterDoctorReport;
    const a = rep.nodes.find((n) => n.name === NODE_A)!;
    expect(a.from).toBe(`http://127.0.0.1:${agent.apiPort}/v1/facts`);
    expect(a.matchedBy).toBe('name');
    expect(a.report?.node.origin.kind).toBe('live');
    const b = rep.nodes.find((n) => n.name === NODE_B)!;
    expect(b.error?.code).toBe('E_AGENT_UNREACHABLE');
    expect(r.code).toBe(2);
  }, 120_000);

  it('agent pods listed by the cluster: node-b\'s facts through the API server\'s pod proxy, the token from the Secret', async () => {
    // node-b's agent pod: its hostIP (127.0.0.2) refuses from here; its pod IP is where the agent listens.
    const pod = agentPod({ plane: 'host', name: 'podpath-host-b7k2p', node: NODE_B, hostIP: '127.0.0.2', apiPort: agent.apiPort });
    pod.status.podIPs = [{ ip: '127.0.0.1' }];
    api.put(pod as never);
    api.put({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'podpath-secrets', namespace: 'podpath' }, data: { 'api-token': Buffer.from(AGENT_ENV.PODPATH_TOKEN).toString('base64') } } as never);
    const { PODPATH_TOKEN: _t, ...env } = AGENT_ENV;
    // Both nodes' agents are the one agent here, which collects one set of facts at a time: --concurrency 1.
    // Without --nodes-from, reading the API: the agents are where the facts come from (no --agents needed).
    const r = await run(['cluster', 'doctor', '--kubeconfig', api.kubeconfig({ token: TOKEN }), '--api-port', String(agent.apiPort), '-o', 'json', '--only', 'pod-cidr-routes', '--concurrency', '1'], { ...env, PODPATH_TOKEN: '' });
    const rep = JSON.parse(r.stdout) as ClusterDoctorReport;
    const b = rep.nodes.find((n) => n.name === NODE_B)!;
    expect(b.error).toBeUndefined();
    expect(b.from).toBe(`pod podpath/podpath-host-b7k2p /v1/facts through the API server's proxy (http://127.0.0.2:${agent.apiPort} not reachable from here)`);
    expect(r.stderr).toContain(`podpath: http://127.0.0.2:${agent.apiPort} cannot be reached from here (ECONNREFUSED): agent pod podpath/podpath-host-b7k2p through the API server's pod proxy from now on\n`);
    expect(api.proxied.map((p) => [p.target, p.headers.authorization])).toEqual([[`http://127.0.0.1:${agent.apiPort}/v1/facts`, undefined]]);
    const v = await run(['cluster', 'doctor', '--kubeconfig', api.kubeconfig({ token: TOKEN }), '--agents', '--via-apiserver', '--api-port', String(agent.apiPort), '-o', 'json', '--only', 'pod-cidr-routes', '--concurrency', '1'], { ...env, PODPATH_TOKEN: '' });
    const vb = (JSON.parse(v.stdout) as ClusterDoctorReport).nodes.find((n) => n.name === NODE_B)!;
    expect(vb.from).toBe('pod podpath/podpath-host-b7k2p /v1/facts through the API server\'s proxy');
    expect(vb.error).toBeUndefined();
  }, 120_000);
});
