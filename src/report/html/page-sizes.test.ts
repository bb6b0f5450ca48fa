// How large the pages are (issue 15: "stays small: a 50-node mesh with every node's findings under
// 1 MB"): a 50-node mesh with its findings, the 50 nodes' doctor reports, and both in one podpath
// report page (both languages); the other pages' sizes are printed
// (`npx vitest run src/report/html/page-sizes.test.ts`). Inputs: the fixture bundles' reports
// renamed to 50 nodes, the mesh built from a recorded lab matrix (test/helpers/mesh-large.ts), the
// lab's recorded probe run, the cluster tests' lab pair.
import { beforeAll, describe, expect, it } from 'vitest';
import { buildHtmlReportInput } from '../../app/report.js';
import { runClusterDoctor, type NodeSource } from '../../app/cluster/doctor.js';
import { runDoctor } from '../../app/doctor.js';
import type { FleetEntry } from '../../app/fleet.js';
import { NODE_FACTS_SCHEMA_VERSION, type NodeFacts } from '../../evidence/node-facts.js';
import { fixtureFleet } from '../../../test/helpers/html-report.js';
import { clusterFacts, labNodeFacts, labNodeObjects, NODE_A, NODE_B } from '../../../test/helpers/cluster-evidence.js';
import { largeMesh } from '../../../test/helpers/mesh-large.js';
import { anatomyTable } from '../../../test/helpers/html-anatomy.js';
import { probeReport } from '../../../test/fixtures/evidence/probes/load.js';
import { doctorProbes } from '../doctor-probes.js';
import type { DoctorReport } from '../model.js';
import { renderClusterHtml, renderDoctorHtml, renderFleetHtml, renderHtmlReport } from './render.js';

type Readable = Extract<FleetEntry, { report: unknown }>;
let fleet: Readable[];
beforeAll(async () => {
  fleet = (await fixtureFleet()) as Readable[];
}, 120_000);

const MB = 1024 * 1024;
/** Issue 15's budget for the whole page, in bytes. */
const BUDGET = 1_000_000;
const kB = (n: number) => `${(n / 1000).toFixed(0)} kB`;

/** 50 nodes, each a fixture report renamed, with its Chinese translation. */
function fiftyNodes(): Readable[] {
  return Array.from({ length: 50 }, (_, i) => {
    const e = fleet[i % fleet.length]!;
    const rename = (r: DoctorReport) => ({ ...r, node: { ...r.node, hostname: `node-${String(i + 1).padStart(2, '0')}` } });
    return { from: `bundles/node-${i + 1}.tgz`, report: rename(e.report), translation: rename(e.translation!) };
  });
}

describe('page sizes', () => {
  it('a 50-node mesh with every node\'s doctor report, both languages, in one page: under the issue\'s 1,000,000 bytes with a 30% margin', () => {
    const nodes = fiftyNodes();
    const sources = [
      { from: 'mesh.json', text: JSON.stringify(largeMesh(50, { brokenNode: 6 })) },
      { from: 'fleet-en.json', text: JSON.stringify(nodes.map((e) => e.report)) },
      { from: 'fleet-zh.json', text: JSON.stringify(nodes.map((e) => e.translation)) },
    ];
    const input = buildHtmlReportInput(sources, { lang: 'en' });
    expect(input.parts.map((p) => p.kind)).toEqual(['doctor', 'mesh']);
    const bytes = (parts: typeof input.parts) => Buffer.byteLength(renderHtmlReport({ ...input, parts }));
    const whole = renderHtmlReport(input);
    const all = Buffer.byteLength(whole);
    console.log(`where the bytes of the whole page go:\n${anatomyTable(whole)}`);
    const mesh = bytes(input.parts.filter((p) => p.kind === 'mesh'));
    const doctors = bytes(input.parts.filter((p) => p.kind === 'doctor'));
    const findings = nodes.reduce((n, e) => n + e.report.findings.length, 0);
    console.log(`html bytes: 50-node mesh with its findings ${mesh} (${kB(mesh)}); the 50 nodes' doctor reports (${findings} findings, en + zh) ${doctors} (${kB(doctors)}); both in one podpath report page ${all} (${kB(all)})`);
    // Issue 15: "a 50-node mesh with every node's findings under 1 MB". Held at 70% of 1,000,000 bytes
    // so that growth shows here before the budget is spent. Measured 584,529 (1,461,597 before the
    // heatmaps, the mesh's click data and the copy buttons became data and templates: issue 15).
    expect(all).toBeLessThan(BUDGET * 0.7);
    // Smaller by writing things once, not by leaving them out: every finding is on the page, and
    // every cell of the mesh (the four planes' 2,500 pairs each) is there to click.
    const meshFindings = input.parts.find((p) => p.kind === 'mesh')!.findings!.length;
    expect(whole.match(/<article class="finding /g)).toHaveLength(findings + meshFindings);
    const data = JSON.parse(/<script type="application\/json" id="p1mesh-data">([^<]*)<\/script>/.exec(whole)![1]!) as { p: number[][] };
    expect(data.p.map((p) => p.length)).toEqual([2500, 2500, 2500, 2500]);
  }, 180_000);

  it('doctor --peer, a cluster, a fleet: printed', async () => {
    const collect = async (): Promise<NodeFacts> => ({ schemaVersion: NODE_FACTS_SCHEMA_VERSION, collectedAt: 'now', origin: { kind: 'live' }, missing: [] });
    const { report, translation } = await runDoctor({ lang: 'en', alsoIn: 'zh', only: ['probe-path-loss'], collect });
    const probes = doctorProbes(probeReport('underlay-size-limit'))!;
    const withProbes = renderDoctorHtml({ ...report, probes }, { translation: { ...translation!, probes } });
    const without = renderDoctorHtml(report, { translation });
    const facts: Record<string, NodeFacts> = { a: labNodeFacts('a'), b: labNodeFacts('b') };
    const load = async (s: NodeSource) => facts[s.kind === 'file' ? s.path : '']!;
    const cl = await runClusterDoctor({ cluster: clusterFacts(labNodeObjects()), nodes: [{ kind: 'file', path: 'a', name: NODE_A }, { kind: 'file', path: 'b', name: NODE_B }], lang: 'en', alsoIn: 'zh', load });
    const cluster = renderClusterHtml(cl.report, { translation: cl.translation });
    const fifty = renderFleetHtml(fiftyNodes(), { lang: 'en', version: 'test' });
    const sizes = { 'doctor --peer (lab size-limit probes)': withProbes, 'its curves': withProbes.length - without.length, 'cluster of the 2-node lab': cluster, 'fleet of 2 fixture bundles': renderFleetHtml(fleet, { lang: 'en', version: 'test' }), 'fleet of 50 nodes': fifty };
    console.log(`html bytes: ${Object.entries(sizes).map(([k, v]) => `${k} ${typeof v === 'number' ? v : Buffer.byteLength(v)}`).join(', ')}`);
    expect(Buffer.byteLength(fifty)).toBeLessThan(MB);
  });
});
