// `podpath mesh` with the agents from the cluster, as users run it: real agents on loopback, the
// loopback API server listing their pods (adapted recorded DaemonSet pods) and holding the
// install's Secret, the coordinator as its own process with only a kubeconfig. Directly, through
// the API server's pod proxy (--via-apiserver), and falling back to the proxy for an agent whose
// node address cannot be reached from here.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MESH_ROUND_PATH } from '../../src/api/mesh-round.js';
import { AGENT_ENV, CLI, spawnAgent, type SpawnedAgent } from '../helpers/agent.js';
import { agentPod } from '../helpers/agent-pods.js';
import { missingRequirement } from '../helpers/env.js';
import { startFakeApiServer, type FakeApiServer } from '../helpers/fake-apiserver.js';

const pexec = promisify(execFile);
const KUBE_TOKEN = 'kube-token-mesh-0123456789abcdef';
const ADDRS = ['127.0.32.1', '127.0.32.2'];
const NODES = ['node-a', 'node-b'];
// The coordinator's environment: no agent token of its own (it comes from the Secret).
const { PODPATH_TOKEN: agentToken, ...ENV } = AGENT_ENV;

async function mesh(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return pexec(process.execPath, [...CLI, 'mesh', '--count', '2', '--no-sweep', '--no-icmp', '--no-tcp', '-k', '1', ...args], { env: { ...ENV, LANG: 'C', LC_ALL: '' }, maxBuffer: 64 << 20, timeout: 120_000 }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );
}

describe.skipIf(missingRequirement({ tools: ['openssl'] }))('podpath mesh with the agents from the cluster', () => {
  const agents: SpawnedAgent[] = [];
  let api: FakeApiServer;
  let kubeconfig: string;
  const pods = (hostIPs: string[] = ADDRS) => agents.map((a, i) => {
    const pod = agentPod({ plane: 'host', name: `podpath-host-${'ab'[i]}1c2d`, node: NODES[i]!, hostIP: hostIPs[i]!, probePort: a.probePort, apiPort: a.apiPort });
    // The pod's own IP (where the API server's proxy dials) is where the agent listens.
    pod.status.podIP = ADDRS[i];
    pod.status.podIPs = [{ ip: ADDRS[i] }];
    return pod;
  });
  beforeAll(async () => {
    agents.push(...await Promise.all(ADDRS.map((a) => spawnAgent(['--listen', a]))));
    api = await startFakeApiServer({ token: KUBE_TOKEN });
    for (const p of pods()) api.put(p as never);
    api.put({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'podpath-secrets', namespace: 'podpath' }, data: { 'api-token': Buffer.from(agentToken!).toString('base64') } } as never);
    kubeconfig = api.kubeconfig();
  }, 60_000);
  afterAll(async () => {
    await Promise.all(agents.map((a) => a.stop()));
    await api?.close();
  });

  it('lists the agent pods, reads the token from the Secret, and probes every pair directly', async () => {
    const r = await mesh(['--kubeconfig', kubeconfig, '--json']);
    expect(r.stderr).toContain(`podpath: 2 nodes' agents from namespace podpath (${api.url}), reached directly, or through the API server's pod proxy where a direct connection fails\n`);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as { agents: { node: string; address: string }[]; cells: unknown[] };
    expect(doc.agents.map((a) => [a.node, a.address])).toEqual([[NODES[0], ADDRS[0]], [NODES[1], ADDRS[1]]]);
    expect(doc.cells).toHaveLength(2);
    expect(api.requests.some((q) => q.path === '/api/v1/namespaces/podpath/secrets/podpath-secrets')).toBe(true);
    expect(api.proxied).toEqual([]);
  }, 120_000);

  it('--via-apiserver: every round through the pod proxy, the token never in Authorization', async () => {
    const r = await mesh(['--kubeconfig', kubeconfig, '--via-apiserver']);
    expect(r.code, r.stderr).toBe(0);
    const rounds = api.proxied.filter((p) => p.target.endsWith(MESH_ROUND_PATH));
    expect(new Set(rounds.map((p) => p.target))).toEqual(new Set(agents.map((a) => `${a.base}${MESH_ROUND_PATH}`)));
    expect(rounds.every((p) => p.method === 'POST' && p.headers.authorization === undefined && p.headers['x-podpath-token'] === agentToken)).toBe(true);
  }, 120_000);

  it('an agent whose node address cannot be reached from here is reached through the proxy, and said so once', async () => {
    // node-b's hostIP refuses (nothing listens at 127.0.33.2); its pod IP, which the API server dials, answers.
    // The other agent probes that hostIP too, so those cells fail (exit 1): the point here is the way in.
    for (const p of pods([ADDRS[0]!, '127.0.33.2'])) api.put(p as never);
    const before = api.proxied.length;
    const r = await mesh(['--kubeconfig', kubeconfig]);
    const lines = r.stderr.split('\n').filter((l) => l.includes('cannot be reached from here'));
    expect(lines).toEqual([`podpath: http://127.0.33.2:${agents[1]!.apiPort} cannot be reached from here (ECONNREFUSED): agent pod podpath/podpath-host-b1c2d through the API server's pod proxy from now on`]);
    const proxied = api.proxied.slice(before);
    expect(proxied.length).toBeGreaterThan(0);
    expect(proxied.every((p) => p.target.startsWith(agents[1]!.base))).toBe(true);
    expect(r.stdout).toMatch(/^ok host->host {2}node-b -> node-a {2}udp 2\/2 /m);
    expect(r.code).toBe(1);
  }, 120_000);
});
