// The kernel drop trace as HTML (issue 14's view): a trace podpath took on a 6.18 kernel
// (test/fixtures/drops: a neighbour that never answered) through `podpath report TRACE.json`.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildHtmlReportInput } from '../../app/report.js';
import type { DropTrace } from '../../evidence/drop-trace.js';
import { isPodpathError } from '../../util/errors.js';
import { renderHtmlReport } from './render.js';

const text = readFileSync(new URL('../../../test/fixtures/drops/neigh-failed.droptrace.json', import.meta.url), 'utf8');
const trace = JSON.parse(text) as DropTrace;

describe('podpath trace -o html / podpath report TRACE.json', () => {
  it('lists the drops by reason and place, busiest first, with the baseline beside, and draws the busiest per second', () => {
    const page = renderHtmlReport(buildHtmlReportInput([{ from: 'trace.json', text }], { now: new Date(0) }));
    const main = trace.windows.find((w) => w.label === 'main')!;
    const rows = [...page.matchAll(/<tr data-reason="([^"]*)" data-total="(\d+)">/g)].map((m) => [m[1], Number(m[2])]);
    expect(rows).toEqual([...main.drops].sort((a, b) => b.total - a.total).map((r) => [r.reason, r.total]));
    expect(rows.map((r) => r[0])).toContain('NEIGH_FAILED');
    expect(page).toContain(`<p class="trace-line" data-drops="${main.drops.reduce((n, r) => n + r.total, 0)}" data-places="${main.drops.length}">`);
    // The chart: one series per busiest place, its points the per-second counts.
    const top = [...main.drops].sort((a, b) => b.total - a.total)[0]!;
    const series = /<g class="series" data-series="0">([\s\S]*?)<\/g>/.exec(page)![1]!;
    expect(series.match(/<circle /g)).toHaveLength(top.perSecond.length);
  });
  it('refuses a trace document that is not valid, in one line', () => {
    try {
      buildHtmlReportInput([{ from: 't.json', text: JSON.stringify({ ...trace, windows: [{ label: 'x' }] }) }]);
      expect.unreachable();
    } catch (e) {
      expect(isPodpathError(e) && e.code).toBe('E_REPORT_INPUT');
    }
  });
});
