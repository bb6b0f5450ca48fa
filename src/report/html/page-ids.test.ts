// One `podpath report` page joins any results (issue 15): every kind of result twice, so that two
// parts of one kind meet on the page. An id used twice makes a heading label the wrong section, a
// link jump to the wrong place and a script fill the wrong panel, silently; so every id is unique,
// and every reference (aria-labelledby, href="#…", <use href>, label for) names an id on the page.
// Inputs: the recorded documents the views' own tests draw (fixture bundles, the lab's probe runs,
// a recorded drop trace, recorded captures, the cluster tests' lab pair, a recorded mesh).
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildHtmlReportInput, type ReportSource } from '../../app/report.js';
import { runClusterDoctor } from '../../app/cluster/doctor.js';
import { judgeProbeReport } from '../../app/probe.js';
import { captureDiffFindings, captureFindings } from '../../app/pcap.js';
import { nodeDiff } from '../../app/node-diff/node-diff.js';
import type { NodeFacts } from '../../evidence/node-facts.js';
import { analyzeJsonText } from '../capture-json.js';
import { diffJson } from '../capture-diff-json.js';
import { probeJsonDocument } from '../probe-json.js';
import { renderNodeDiffJson } from '../node-diff-json.js';
import { renderHtmlReport } from './render.js';
import { fixtureFleet } from '../../../test/helpers/html-report.js';
import { clusterFacts, labNodeFacts, labNodeObjects, NODE_A, NODE_B } from '../../../test/helpers/cluster-evidence.js';
import { largeMesh } from '../../../test/helpers/mesh-large.js';
import { probeReport } from '../../../test/fixtures/evidence/probes/load.js';
import { recordedSummary } from '../../../test/fixtures/evidence/captures/load.js';
import { sizeLimitAndBlackhole } from '../../../test/fixtures/evidence/captures/scenarios.js';

const fixture = (rel: string) => readFileSync(new URL(`../../../test/fixtures/${rel}`, import.meta.url), 'utf8');
const facts = (name: string) => JSON.parse(fixture(`evidence/${name}.json`)) as NodeFacts;

let sources: ReportSource[] = [];
beforeAll(async () => {
  const fleet = await fixtureFleet();
  const reports = fleet.flatMap((e) => ('report' in e ? [e.report] : []));
  const labFacts: Record<string, NodeFacts> = { a: labNodeFacts('a'), b: labNodeFacts('b') };
  const cluster = await runClusterDoctor({ cluster: clusterFacts(labNodeObjects()), nodes: [{ kind: 'file', path: 'a', name: NODE_A }, { kind: 'file', path: 'b', name: NODE_B }], lang: 'en', load: async (s) => labFacts[s.kind === 'file' ? s.path : '']! });
  const capture = (name: Parameters<typeof recordedSummary>[0]) => { const summary = recordedSummary(name); return { summary, findings: captureFindings(summary, 'en') }; };
  const d = sizeLimitAndBlackhole();
  const diff = nodeDiff(facts('healthy-flannel-node'), facts('seed-000-kylin-bad-udp-checksum'));
  const one: Omit<ReportSource, 'from'>[] = [
    { text: JSON.stringify(reports) },
    { text: JSON.stringify(reports[0]) },
    { text: JSON.stringify(cluster.report) },
    { text: JSON.stringify(largeMesh(6, { brokenNode: 2 })) },
    { text: JSON.stringify(probeJsonDocument(judgeProbeReport(probeReport('underlay-size-limit'), 'en'), 'test')) },
    { text: fixture('drops/neigh-failed.droptrace.json') },
    { text: analyzeJsonText([capture('syn-backoff-63s-server')], 1, 'test') },
    { text: JSON.stringify(diffJson(d, captureDiffFindings(d, 'en'), 1, 'test')) },
    { text: renderNodeDiffJson(diff, { labelA: 'good.json', labelB: 'bad.json' }) },
  ];
  // Each kind twice (a second run of the same kind, as an engineer joins two nodes' probes).
  sources = [...one, ...one].map((s, i) => ({ from: `r${i}.json`, ...s }));
}, 120_000);

describe('a page that joins every kind of result, each twice', () => {
  it('draws a part for each, every id once, every reference to an id on the page', () => {
    const input = buildHtmlReportInput(sources, { lang: 'en', now: new Date(0) });
    expect(new Set(input.parts.map((p) => p.kind))).toEqual(new Set(['doctor', 'cluster', 'mesh', 'probe', 'trace', 'capture', 'capture-diff', 'node-diff']));
    const page = renderHtmlReport(input);
    const ids = [...page.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]!);
    const seen = new Set<string>();
    const twice = ids.filter((id) => (seen.has(id) ? true : (seen.add(id), false)));
    expect(twice).toEqual([]);
    const refs = [
      ...[...page.matchAll(/\saria-(?:labelledby|describedby|controls)="([^"]+)"/g)].flatMap((m) => m[1]!.split(/\s+/)),
      ...[...page.matchAll(/\shref="#([^"]+)"/g)].map((m) => m[1]!),
      ...[...page.matchAll(/\sfor="([^"]+)"/g)].map((m) => m[1]!),
    ];
    expect(refs.length).toBeGreaterThan(20);
    expect([...new Set(refs.filter((r) => !seen.has(r)))]).toEqual([]);
  });
});
