// The cluster doctor use case without the CLI: facts tied to cluster nodes (name, FQDN's first
// label, InternalIP, none), a second claim on one node left unmatched, node rules per node, cluster
// rules over the bag, and --only split between both kinds.
import { describe, expect, it } from 'vitest';
import type { NodeFacts } from '../../evidence/node-facts.js';
import { clusterFacts, labNodeFacts, labNodeObjects, LAB, NODE_A, NODE_B } from '../../../test/helpers/cluster-evidence.js';
import { matchNode, nameFromPath, runClusterDoctor, type NodeSource } from './doctor.js';
import { renderClusterDoctor } from '../../report/cluster-doctor.js';
import { renderClusterHtml } from '../../report/html/render.js';
import { EXIT_INCONCLUSIVE } from '../../report/model.js';
import { clusterRules } from '../../rules/cluster-rules.js';

const cluster = clusterFacts(labNodeObjects());
const withHost = (f: NodeFacts, hostname: string): NodeFacts => ({ ...f, kernel: { ...f.kernel!, hostname } });

describe('matchNode', () => {
  it('by the given name, by the hostname\'s first label, by InternalIP, or none', () => {
    expect(matchNode(labNodeFacts('a'), 'node-a', cluster.nodes)).toMatchObject({ matchedBy: 'name', node: { name: NODE_A } });
    expect(matchNode(withHost(labNodeFacts('b'), 'node-b.example.internal'), 'bundle-7', cluster.nodes)).toMatchObject({ matchedBy: 'name', node: { name: NODE_B } });
    expect(matchNode(withHost(labNodeFacts('b'), 'localhost'), 'bundle-7', cluster.nodes)).toMatchObject({ matchedBy: 'internalIP', matchedAddress: LAB.b.ip, node: { name: NODE_B } });
    const stranger = labNodeFacts('a', { links: { items: [], source: 'ip -d link' } });
    expect(matchNode(withHost(stranger, 'elsewhere'), 'x', cluster.nodes)).toEqual({ matchedBy: 'none' });
  });
  it('names files by node', () => {
    expect(['/b/node-a.json', '/b/node-a.tar.xz', '/b/node-a/', 'node-a.tgz'].map(nameFromPath)).toEqual(['node-a', 'node-a', 'node-a', 'node-a']);
  });
});

describe('runClusterDoctor', () => {
  const facts: Record<string, NodeFacts> = { a: labNodeFacts('a'), b: labNodeFacts('b'), a2: labNodeFacts('a') };
  const load = async (s: NodeSource) => facts[s.kind === 'file' ? s.path : '']!;
  it('a second set of facts for one node stays unmatched; the cluster rules see one per node', async () => {
    const { report } = await runClusterDoctor({ cluster, nodes: [{ kind: 'file', path: 'a', name: NODE_A }, { kind: 'file', path: 'b', name: NODE_B }, { kind: 'file', path: 'a2', name: NODE_A }], lang: 'en', load });
    expect(report.nodes.map((n) => [n.name, n.matchedBy])).toEqual([[NODE_A, 'name'], [NODE_B, 'name'], [NODE_A, 'none']]);
    expect(report.findings).toEqual([]);
    expect(report.withoutFacts).toEqual([]);
  });
  it('--only with a node rule and a cluster rule runs each where it belongs', async () => {
    const { report } = await runClusterDoctor({ cluster, nodes: [{ kind: 'file', path: 'a', name: NODE_A }], lang: 'zh', load, only: ['mtu-mismatch', 'pod-cidr-routes'] });
    expect(report.results.map((r) => r.ruleId)).toEqual(['pod-cidr-routes']);
    expect(report.nodes[0]!.report!.results.map((r) => r.ruleId)).toEqual(['mtu-mismatch']);
    expect(report.withoutFacts).toEqual([NODE_B]);
    // The recorded lab node a carries a 1500-byte veth under a 1450 flannel.1: found, in Chinese.
    expect(report.nodes[0]!.report!.findings[0]!.message).toMatch(/veth1a2b3c4d/);
    expect(report.lang).toBe('zh');
  });
  // The audit's case: cluster facts with no object (before the fix every rule that loops over nodes
  // "passed" on none, and the report said "No cluster problems found", exit 0).
  it('cluster facts with no Node object: every cluster rule skipped with its reason, not passed; exit 3, never "no problems"', async () => {
    const empty = clusterFacts([], []);
    const nodes: NodeSource[] = [{ kind: 'file', path: 'a', name: NODE_A }, { kind: 'file', path: 'b', name: NODE_B }];
    // The cluster rules only: the lab's node a has a node finding of its own (an MTU), which would set exit 1.
    const out = await runClusterDoctor({ cluster: empty, nodes, lang: 'en', load, only: clusterRules.map((r) => r.meta.id) });
    const byStatus = (st: string) => out.report.results.filter((r) => r.status === st).map((r) => r.ruleId);
    // Only fleet-split judges (the two nodes' own facts, no split between them): the cluster was not.
    expect(byStatus('pass')).toEqual(['fleet-split']);
    expect(out.report.results.length).toBe(8);
    for (const r of out.report.results.filter((x) => x.ruleId !== 'fleet-split')) expect(r.reason).toBe('the cluster facts list no Node objects');
    expect(out.exitCode).toBe(EXIT_INCONCLUSIVE);
    const text = renderClusterDoctor(out.report, 'text');
    expect(text).not.toContain('No cluster problems found');
    expect(text).toContain('The cluster could not be judged (reasons below)');
    const page = renderClusterHtml(out.report);
    expect(page).toMatch(/class="verdict v-inconclusive"><span class="i" lang="en">The cluster could not be judged \(reasons below\): nothing here says it is healthy\.</);
    expect(page).not.toContain('No finding of the cluster rules.');
    expect(renderClusterDoctor({ ...out.report, lang: 'zh' }, 'markdown')).toContain('无法判断集群(原因见下)');
  });
  it('the lab cluster with no node\'s own facts: the rules that compare with them skip, saying so', async () => {
    const out = await runClusterDoctor({ cluster, nodes: [], lang: 'en', load });
    const skipped = Object.fromEntries(out.report.results.filter((r) => r.status === 'skipped').map((r) => [r.ruleId, r.reason]));
    for (const id of ['overlay-settings-mismatch', 'peer-vtep-stale', 'pod-cidr-routes', 'vtep-annotation-stale']) expect(skipped[id]).toMatch(/^no cluster node has its own facts here/);
    expect(skipped['fleet-split']).toMatch(/fewer than 2 nodes/);
    expect(out.report.results.find((r) => r.ruleId === 'public-ip-wrong')?.status).toBe('pass');
    const two = await runClusterDoctor({ cluster, nodes: [], lang: 'en', load, only: ['public-ip-wrong', 'pod-cidr-routes'] });
    expect(renderClusterDoctor(two.report, 'text')).toContain('No problems found by the 1 cluster rule(s) judged; 1 could not be judged (below).');
    expect(two.exitCode).toBe(0);
  });
});
