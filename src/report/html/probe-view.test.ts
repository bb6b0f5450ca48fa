// `podpath probe -o html` / `podpath report PROBE.json`: probe reports recorded in the lab
// (test/fixtures/evidence/probes: seed 003's size limit and rate blackhole on the router), their
// sweeps and ramps drawn as curves, their findings judged again in both languages.
import { describe, expect, it } from 'vitest';
import { buildHtmlReportInput } from '../../app/report.js';
import { judgeProbeReport } from '../../app/probe.js';
import { probeJsonDocument } from '../probe-json.js';
import type { ProbePart } from './model.js';
import { renderHtmlReport } from './render.js';
import { fmt } from './svg/common.js';
import { probeReport, type ProbeScenario } from '../../../test/fixtures/evidence/probes/load.js';

function page(name: ProbeScenario, lang: 'en' | 'zh' = 'en') {
  const report = probeReport(name);
  const doc = probeJsonDocument(judgeProbeReport(report, lang), 'test');
  const input = buildHtmlReportInput([{ from: 'probe.json', text: JSON.stringify(doc) }], { now: new Date(0) });
  return { html: renderHtmlReport(input), part: input.parts[0] as ProbePart, report, doc };
}

const series = (chart: string) => [...chart.matchAll(/<g class="series" data-series="\d+">([\s\S]*?)<\/g>/g)].map((m) => (m[1]!.match(/<circle /g) ?? []).length);

describe('probe -o html / podpath report PROBE.json', () => {
  it('draws each direction\'s DF sweep as a curve: a point per size tried (seed 003: the cliff at 1472 on the underlay)', () => {
    const { html, report, part, doc } = page('underlay-size-limit', 'zh');
    const swept = report.directions.filter((d) => (d.result.sweep?.tries.length ?? 0) > 0);
    const chart = /<svg[^>]*id="probe-sweep"[\s\S]*?<\/svg>/.exec(html)![0];
    expect(series(chart)).toEqual(swept.map((d) => d.result.sweep!.tries.length));
    expect(chart).toMatch(/<title>[^<]*: 1,472 B → 100 %<\/title>/);
    expect(chart).toMatch(/<title>[^<]*: 1,473 B → 0 %<\/title>/);
    // The findings judged again: the document's Chinese ones, with English beside.
    expect(part.findings.map((f) => f.message)).toEqual(doc.findings.map((f) => f.message));
    expect(part.translation?.map((f) => f.ruleId)).toEqual(doc.findings.map((f) => f.ruleId));
    expect(doc.findings.length).toBeGreaterThan(0);
    expect(html.startsWith('<!DOCTYPE html>\n<html lang="zh">')).toBe(true);
  });

  it('draws the rate ramp as loss against the offered rate (seed 003: a blackhole above a few Mbit/s)', () => {
    const { html, report } = page('underlay-rate-blackhole');
    const ramped = report.directions.filter((d) => (d.result.ramp?.steps.length ?? 0) > 0);
    expect(ramped.length).toBeGreaterThan(0);
    const chart = /<svg[^>]*id="probe-ramp"[\s\S]*?<\/svg>/.exec(html)![0];
    expect(series(chart)).toEqual(ramped.map((d) => d.result.ramp!.steps.length));
    const lossy = ramped[0]!.result.ramp!.steps.find((s) => s.lossPct > 0)!;
    expect(chart).toContain(`: ${fmt(lossy.rateBps / 1e6)} Mbit/s → ${fmt(lossy.lossPct)} %</title>`);
  });
});
