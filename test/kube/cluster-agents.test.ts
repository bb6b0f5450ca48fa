// The agents `podpath cluster install` runs, as listed from the loopback API server: the DaemonSets'
// pods (adapted recorded DaemonSet pods, test/helpers/agent-pods.ts) become the mesh inventory, the
// token comes from the install's Secret, and RBAC refusals are one line with a code.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inventoryOfAgents, listClusterAgents, tokenFromCluster } from '../../src/app/cluster/agents.js';
import { connectKube } from '../../src/sources/kube/client.js';
import { agentPod } from '../helpers/agent-pods.js';
import { LAB, labNodeListText, NODE_A, NODE_B } from '../helpers/cluster-evidence.js';
import { missingRequirement } from '../helpers/env.js';
import { putFixture, startFakeApiServer, type FakeApiServer } from '../helpers/fake-apiserver.js';
import { skippedLines } from '../../src/report/agents-text.js';

const KUBE_TOKEN = 'kube-token-agents-0123456789abcdef';
const AGENT_TOKEN = 'agent-token-from-secret-0123456789';

const secret = (data: Record<string, string>) => ({
  apiVersion: 'v1', kind: 'Secret', type: 'Opaque',
  metadata: { name: 'podpath-secrets', namespace: 'podpath', labels: { 'app.kubernetes.io/managed-by': 'podpath' } },
  data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
});

describe.skipIf(missingRequirement({ tools: ['openssl'] }))('agents from the cluster', () => {
  let api: FakeApiServer;
  let forbidding: FakeApiServer;
  beforeAll(async () => {
    [api, forbidding] = await Promise.all([
      startFakeApiServer({ token: KUBE_TOKEN }),
      startFakeApiServer({ token: KUBE_TOKEN, forbidden: ['/api/v1/namespaces/podpath/pods', '/api/v1/namespaces/podpath/secrets'] }),
    ]);
    // Calico's nodes: IPv4Address carries the prefix length, so the subnet is known.
    putFixture(api, labNodeListText('nodelist-calico-composed-server.json'));
    api.put(agentPod({ plane: 'host', name: 'podpath-host-7x2kq', node: NODE_A, hostIP: LAB.a.ip, probePort: 17946, apiPort: 17947 }) as never);
    api.put(agentPod({ plane: 'pod', name: 'podpath-pod-m4n8d', node: NODE_A, hostIP: LAB.a.ip, podIP: '10.244.1.7' }) as never);
    api.put(agentPod({ plane: 'host', name: 'podpath-host-q9w3e', node: NODE_B, hostIP: LAB.b.ip, probePort: 17946, apiPort: 17947 }) as never);
    api.put(agentPod({ plane: 'pod', name: 'podpath-pod-z5r1t', node: NODE_B, hostIP: LAB.b.ip, podIP: '10.244.2.9', phase: 'Pending' }) as never);
    // Another app's pod in the namespace: not selected.
    api.put({ ...agentPod({ plane: 'host', name: 'other-app-1', node: NODE_B, hostIP: LAB.b.ip }), metadata: { name: 'other-app-1', namespace: 'podpath', labels: { app: 'other' } } } as never);
    api.put(secret({ 'api-token': AGENT_TOKEN, 'hmac-key': 'the-probe-key-is-not-read-0123456789' }) as never);
  });
  afterAll(async () => {
    await Promise.all([api?.close(), forbidding?.close()]);
  });

  it('lists the DaemonSets\' pods by the install\'s selector and makes the inventory', async () => {
    const kube = connectKube({ kubeconfig: api.kubeconfig() });
    const agents = await listClusterAgents(kube, 'podpath');
    expect(api.requests.find((q) => q.path === '/api/v1/namespaces/podpath/pods')?.query.labelSelector).toBe('app.kubernetes.io/name=podpath');
    expect(agents.skipped).toEqual([{ pod: 'podpath-pod-z5r1t', node: NODE_B, why: 'noAddress', phase: 'Pending' }]);
    expect(skippedLines(agents.skipped, 'en')).toBe(`podpath: agent pod not used: podpath-pod-z5r1t on ${NODE_B}: Pending, no address yet\n`);
    expect(skippedLines(agents.skipped, 'zh')).toBe(`podpath: 未使用的 agent Pod:${NODE_B} 上的 podpath-pod-z5r1t:Pending,尚无地址\n`);
    const inv = inventoryOfAgents(agents);
    expect(inv.nodes.map((n) => [n.name, n.subnet, n.host, n.pod])).toEqual([
      [NODE_A, '172.31.224.0/19', { address: LAB.a.ip, port: 17946, apiPort: 17947, pod: 'podpath-host-7x2kq' }, { address: '10.244.1.7', port: 7946, apiPort: 7947, pod: 'podpath-pod-m4n8d' }],
      [NODE_B, '172.31.224.0/19', { address: LAB.b.ip, port: 17946, apiPort: 17947, pod: 'podpath-host-q9w3e' }, undefined],
    ]);
    // The node's labels, for the rules that split failing nodes by a property.
    expect(inv.nodes[0]!.labels['kubernetes.io/arch']).toBe('amd64');
  });

  it('reads the token from the install\'s Secret', async () => {
    expect(await tokenFromCluster(connectKube({ kubeconfig: api.kubeconfig() }), 'podpath')).toBe(AGENT_TOKEN);
    await expect(tokenFromCluster(connectKube({ kubeconfig: api.kubeconfig() }), 'elsewhere')).rejects.toMatchObject({
      code: 'E_NO_TOKEN', message: 'no Secret elsewhere/podpath-secrets with the agents\' API token (is podpath installed there? `podpath cluster install`, or give --token-file FILE or set PODPATH_TOKEN)',
    });
  });

  it('RBAC that forbids the pods or the Secret is one line with a code, naming what is needed', async () => {
    const kube = connectKube({ kubeconfig: forbidding.kubeconfig() });
    await expect(listClusterAgents(kube, 'podpath')).rejects.toMatchObject({ code: 'E_KUBE_FORBIDDEN', message: expect.stringMatching(/^cannot list podpath's agent pods in namespace podpath \(0 read before: Forbidden: .*\): RBAC needs list pods there, or give --agents FILE \/ --nodes LIST$/) });
    const e = (await tokenFromCluster(kube, 'podpath').catch((x: unknown) => x)) as Error & { code: string };
    expect(e).toMatchObject({ code: 'E_KUBE_FORBIDDEN' });
    expect(e.message).toMatch(/^cannot read the agents' API token from Secret podpath\/podpath-secrets \(RBAC needs get secrets in podpath; give --token-file FILE or set PODPATH_TOKEN\): Forbidden: /);
    expect(e.message).not.toContain('\n');
  });

  it('fewer than two nodes with a running agent is refused with the pods that are not running', () => {
    expect(() => inventoryOfAgents({ namespace: 'podpath', pods: [{ node: 'n1', plane: 'host', pod: 'p1', address: '10.0.0.1', port: 7946, apiPort: 7947 }], skipped: [{ pod: 'p2', node: 'n2', why: 'noAddress', phase: 'Pending' }], nodes: new Map() }))
      .toThrow('the cluster has 1 node(s) with a running podpath agent in namespace podpath; a mesh needs at least two (not running: p2 on n2: Pending, no address yet): `podpath cluster status`');
  });
});
