// The summary of every page the rules judge says "N of M rules judged" (both languages), N and M
// counted from the rules' results: one node, a fleet (summed over its nodes), a cluster (its rules
// and every node's), captures, a capture diff, a probe run, a mesh matrix. Real inputs: the fixture
// bundles, the lab pair of the cluster tests, recorded captures, the lab's probe run and mesh matrix.
import { describe, expect, it } from 'vitest';
import { buildHtmlReportInput } from '../../app/report.js';
import { judgeMatrixRun } from '../../app/mesh.js';
import { judgeProbeReport } from '../../app/probe.js';
import { runClusterDoctor, type NodeSource } from '../../app/cluster/doctor.js';
import type { NodeFacts } from '../../evidence/node-facts.js';
import { fixtureFleet } from '../../../test/helpers/html-report.js';
import { clusterFacts, labNodeFacts, labNodeObjects, NODE_A, NODE_B } from '../../../test/helpers/cluster-evidence.js';
import { loadMesh } from '../../../test/helpers/mesh-fixtures.js';
import { probeReport } from '../../../test/fixtures/evidence/probes/load.js';
import { probeJsonDocument } from '../probe-json.js';
import { captureDiffFindings, captureFindings, capturesJudged } from '../../app/pcap.js';
import { analyzeJsonText } from '../capture-json.js';
import { diffJson } from '../capture-diff-json.js';
import { recordedSummary } from '../../../test/fixtures/evidence/captures/load.js';
import { sizeLimitAndBlackhole } from '../../../test/fixtures/evidence/captures/scenarios.js';
import type { DoctorReport } from '../model.js';
import { renderClusterHtml, renderDoctorHtml, renderFleetHtml, renderHtmlReport } from './render.js';

/** The summary's line: its numbers, and its words in each language. */
function judgedLine(page: string): { judged: number; total: number; en: string; zh: string } {
  const m = /<p class="judged-line" data-judged="(\d+)" data-total="(\d+)"><span class="i" lang="en">([^<]*)<\/span><span class="i" lang="zh">([^<]*)<\/span><\/p>/.exec(page);
  if (!m) throw new Error('no "rules judged" line in the summary');
  return { judged: Number(m[1]), total: Number(m[2]), en: m[3]!, zh: m[4]! };
}

const counted = (rs: readonly { status: string }[]) => ({ judged: rs.filter((r) => r.status !== 'skipped').length, total: rs.length });
const words = (n: { judged: number; total: number }) => ({ ...n, en: `${n.judged} of ${n.total} rules judged`, zh: `${n.total} 条规则中已判断 ${n.judged} 条` });

describe('the summary says how many rules judged', () => {
  it('one node and a fleet (summed over the nodes)', async () => {
    const fleet = (await fixtureFleet()).filter((e): e is Extract<typeof e, { report: DoctorReport }> => 'report' in e);
    const one = fleet[0]!.report;
    expect(counted(one.results).judged).toBeLessThan(one.results.length);
    expect(judgedLine(renderDoctorHtml(one, { translation: fleet[0]!.translation }))).toEqual(words(counted(one.results)));
    const all = counted(fleet.flatMap((e) => e.report.results));
    expect(judgedLine(renderFleetHtml(fleet, { lang: 'en', version: 'test' }))).toEqual(words(all));
  }, 120_000);
  it('a cluster: its rules and every node\'s', async () => {
    const facts: Record<string, NodeFacts> = { a: labNodeFacts('a'), b: labNodeFacts('b') };
    const load = async (s: NodeSource) => facts[s.kind === 'file' ? s.path : '']!;
    const { report } = await runClusterDoctor({ cluster: clusterFacts(labNodeObjects()), nodes: [{ kind: 'file', path: 'a', name: NODE_A }, { kind: 'file', path: 'b', name: NODE_B }], lang: 'zh', load });
    expect(judgedLine(renderClusterHtml(report))).toEqual(words(counted([...report.results, ...report.nodes.flatMap((n) => n.report!.results)])));
  });
  it('captures (summed over the files) and a capture diff', () => {
    const files = (['syn-backoff-63s-server', 'vxlan-nat-checksum-receiver'] as const).map((n) => { const summary = recordedSummary(n); return { summary, findings: captureFindings(summary, 'en') }; });
    const analyze = renderHtmlReport(buildHtmlReportInput([{ from: 'analyze.json', text: analyzeJsonText(files, 1, 'test') }]));
    const each = files.map((f) => capturesJudged({ captures: [f.summary] }));
    expect(judgedLine(analyze)).toEqual(words({ judged: each[0]!.judged + each[1]!.judged, total: each[0]!.total + each[1]!.total }));
    const result = sizeLimitAndBlackhole();
    const diff = renderHtmlReport(buildHtmlReportInput([{ from: 'diff.json', text: JSON.stringify(diffJson(result, captureDiffFindings(result, 'en'), 1, 'test')) }]));
    expect(judgedLine(diff)).toEqual(words(capturesJudged({ captureDiffs: [result] })));
  });
  it('a probe run and a mesh matrix', () => {
    const doc = probeJsonDocument(judgeProbeReport(probeReport('underlay-size-limit'), 'en'), 'test');
    const probe = renderHtmlReport(buildHtmlReportInput([{ from: 'probe.json', text: JSON.stringify(doc) }]));
    expect(judgedLine(probe)).toEqual(words(counted(doc.results)));
    const m = loadMesh('forward-drop-n4');
    const mesh = renderHtmlReport(buildHtmlReportInput([{ from: 'mesh.json', text: JSON.stringify(m) }]));
    const { judged } = judgeMatrixRun(m);
    expect(judged.total).toBeGreaterThan(0);
    expect(judgedLine(mesh)).toEqual(words(judged));
  });
});
