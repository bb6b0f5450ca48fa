// The cluster doctor page's verdict, from a real cluster doctor run over the recorded lab pair
// (test/helpers/cluster-evidence.ts): a complete read with no finding is healthy, a list cut short
// (a 403 on a resource) is inconclusive, in both languages.
import { beforeAll, describe, expect, it } from 'vitest';
import { clusterFacts, labNodeFacts, labNodeObjects, NODE_A, NODE_B } from '../../../test/helpers/cluster-evidence.js';
import { runClusterDoctor, type NodeSource } from '../../app/cluster/doctor.js';
import type { NodeFacts } from '../../evidence/node-facts.js';
import { isClusterInconclusive, type ClusterDoctorReport } from '../cluster-doctor-model.js';
import { renderClusterHtml } from './render.js';

let healthy: ClusterDoctorReport;
beforeAll(async () => {
  const facts: Record<string, NodeFacts> = { a: labNodeFacts('a'), b: labNodeFacts('b') };
  const load = async (s: NodeSource) => facts[s.kind === 'file' ? s.path : '']!;
  // Only rules the lab pair's recorded facts can judge: no node of it is inconclusive on its own.
  const { report } = await runClusterDoctor({ cluster: clusterFacts(labNodeObjects()), nodes: [{ kind: 'file', path: 'a', name: NODE_A }, { kind: 'file', path: 'b', name: NODE_B }], lang: 'en', load, only: ['overlay-rx-zero', 'pod-cidr-routes'] });
  healthy = report;
});

const verdictOf = (page: string) => /<p class="verdict v-(\w+)" data-verdict="(\w+)">/.exec(page)?.[2];

describe('isClusterInconclusive', () => {
  it('a complete read (an empty partial list) with no node inconclusive is not inconclusive', () => {
    expect(healthy.cluster?.partial).toEqual([]);
    expect(isClusterInconclusive(healthy)).toBe(false);
  });
  it('a list cut short, or a node whose evidence is incomplete, is', () => {
    const cut = { ...healthy, cluster: { ...healthy.cluster!, partial: [{ resource: 'nodes.json', code: 'E_KUBE_FORBIDDEN', message: 'nodes is forbidden' }] } };
    expect(isClusterInconclusive(cut)).toBe(true);
    const node = healthy.nodes[0]!;
    const incomplete = { ...healthy, nodes: [{ ...node, report: { ...node.report!, notes: [{ code: 'E_BUNDLE_TRUNCATED', message: 'cut short' }] } }] };
    expect(isClusterInconclusive(incomplete)).toBe(true);
  });
});

describe('cluster doctor -o html: the verdict', () => {
  it('healthy when nothing was found and the read was complete, inconclusive when a list was cut short', () => {
    expect(healthy.summary.findings).toBe(0);
    for (const lang of ['en', 'zh'] as const) {
      const r = { ...healthy, lang };
      expect(verdictOf(renderClusterHtml(r))).toBe('healthy');
      const cut = { ...r, cluster: { ...r.cluster!, partial: [{ resource: 'nodes.json', code: 'E_KUBE_FORBIDDEN', message: 'nodes is forbidden' }] } };
      expect(verdictOf(renderClusterHtml(cut))).toBe('inconclusive');
    }
  });
});

describe('cluster doctor -o html: where the cluster facts came from', () => {
  const line = (page: string) => /<p class="meta cluster-source">([\s\S]*?)<\/p>/.exec(page)?.[1] ?? '';
  it('says it in words, in both languages: the dump files or the API server, and what was read (not the source as JSON)', () => {
    const files = { ...healthy, cluster: { ...healthy.cluster!, source: { kind: 'files' as const, files: ['dump/nodes.json', 'dump/kube-flannel-cfg.yaml'] } } };
    const page = renderClusterHtml(files);
    expect(line(page)).not.toMatch(/[{}]|&quot;/);
    expect(line(page)).toContain('<span class="i" lang="en">Cluster facts from 2 dump file(s): dump/nodes.json, dump/kube-flannel-cfg.yaml; read: ');
    expect(line(page)).toContain('<span class="i" lang="zh">集群事实来自 2 个导出文件:dump/nodes.json, dump/kube-flannel-cfg.yaml;读取:');
    for (const [k, n] of Object.entries(healthy.cluster!.counts)) expect(line(page)).toContain(`${n} ${k}`);
    const api = { ...healthy, cluster: { ...healthy.cluster!, source: { kind: 'api' as const, server: 'https://10.0.0.1:6443', context: 'lab<b>' } } };
    expect(line(renderClusterHtml(api))).toContain('Cluster facts from the API server https://10.0.0.1:6443 (context lab&lt;b&gt;); read: ');
  });
  it('says which lists were cut short', () => {
    const cut = { ...healthy, cluster: { ...healthy.cluster!, partial: [{ resource: 'nodes.json', code: 'E_KUBE_FORBIDDEN', message: 'nodes is forbidden' }] } };
    expect(renderClusterHtml(cut)).toContain('PARTIAL E_KUBE_FORBIDDEN: nodes.json: nodes is forbidden (what is absent there is unknown, not missing)');
  });
});
