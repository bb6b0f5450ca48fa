// The doctor --peer page draws its probes' sweeps and ramps (the report's `probes`) as the probe
// page does: one series per direction, a point per size tried or rate step, the numbers in each
// point's title; the chart's words in both languages. Measurements: runs recorded in the lab
// (test/fixtures/evidence/probes, seed 003's size limit and rate blackhole).
import { describe, expect, it } from 'vitest';
import { runDoctor } from '../../app/doctor.js';
import { NODE_FACTS_SCHEMA_VERSION, type NodeFacts } from '../../evidence/node-facts.js';
import { probeReport } from '../../../test/fixtures/evidence/probes/load.js';
import { doctorProbes } from '../doctor-probes.js';
import { renderDoctorHtml } from './render.js';
import { fmt } from './svg/common.js';

const collect = async (): Promise<NodeFacts> => ({ schemaVersion: NODE_FACTS_SCHEMA_VERSION, collectedAt: 'now', origin: { kind: 'live' }, missing: [] });

async function page(scenario: 'underlay-size-limit' | 'underlay-rate-blackhole') {
  const { report, translation } = await runDoctor({ lang: 'en', alsoIn: 'zh', only: ['probe-path-loss'], collect });
  const probes = doctorProbes(probeReport(scenario))!;
  return { html: renderDoctorHtml({ ...report, probes }, { translation: { ...translation!, probes } }), probes };
}

const svgOf = (html: string, id: string) => new RegExp(`<svg[^>]*id="${id}"[\\s\\S]*?</svg>`).exec(html)?.[0] ?? '';
const points = (svg: string) => [...svg.matchAll(/<g class="series" data-series="\d+">([\s\S]*?)<\/g>/g)].map((m) => [...m[1]!.matchAll(/<title>[^<]*: ([\d,.]+) (?:B|Mbit\/s) → ([\d,.]+) %<\/title>/g)].map((t) => [t[1], t[2]]));

describe('doctor --peer -o html: the probes as curves', () => {
  it('the size sweep: a series per direction, a point per size tried with the share that arrived (the cliff at 1,472 B)', async () => {
    const { html, probes } = await page('underlay-size-limit');
    const svg = svgOf(html, 'n0-sweep');
    const want = probes.directions.map((d) => d.result.sweep!.tries.filter((t) => t.sent > 0).sort((a, b) => a.size - b.size).map((t) => [fmt(t.size), fmt((100 * t.arrived) / t.sent)]));
    expect(points(svg)).toEqual(want);
    expect(svg).toContain('1,473 B → 0 %');
    expect(svgOf(html, 'n0-ramp')).toBe('');
    // The section and the chart's title in both languages (the page switches them).
    expect(html).toMatch(/<span class="i" lang="en">Probes between this node and 192\.168\.77\.12<\/span><span class="i" lang="zh">本节点与 192\.168\.77\.12 之间的探测<\/span>/);
    expect(svg).toMatch(/<title [^>]*data-zh="DF 大小扫描:按大小统计的到达比例">DF size sweep: share of datagrams that arrived, by size<\/title>/);
  });
  it('the rate ramp: a point per step, offered rate against loss', async () => {
    const { html, probes } = await page('underlay-rate-blackhole');
    const steps = probes.directions.find((d) => d.result.ramp)!.result.ramp!.steps;
    const got = points(svgOf(html, 'n0-ramp'));
    expect(got).toHaveLength(1);
    expect(got[0]!.length).toBe(steps.length);
    expect(got[0]).toEqual([...steps].sort((a, b) => a.rateBps - b.rateBps).map((s) => [fmt(s.rateBps / 1e6), fmt(s.lossPct)]));
    expect(got[0]!.some(([, loss]) => loss !== '0')).toBe(true);
  });
});
