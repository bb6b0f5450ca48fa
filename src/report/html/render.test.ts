// The HTML report as text: self-contained (nothing it could fetch), both languages from one run,
// the summary's numbers from the reports, the copy blocks holding exactly the text report's
// commands, and hostile strings escaped everywhere. The browser tests (test/report/html-browser)
// check the same page as a browser runs it.
import { beforeAll, describe, expect, it } from 'vitest';
import type { FleetEntry } from '../../app/fleet.js';
import { fixtureFleet, hostileReport } from '../../../test/helpers/html-report.js';
import { renderText } from '../text.js';
import { renderDoctorHtml, renderFleetHtml } from './render.js';
import { CSP } from './page-assets.js';

type Readable = Extract<FleetEntry, { report: unknown }>;
let fleet: Readable[];
beforeAll(async () => {
  fleet = (await fixtureFleet()) as Readable[];
  expect(fleet.every((e) => 'report' in e && e.translation)).toBe(true);
}, 120_000);

const unescape = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');

/** What the page could fetch: a tag that loads something, or an attribute or style that points outside the page. */
function fetchable(page: string): string[] {
  const found: string[] = [];
  for (const tag of page.match(/<[a-zA-Z][^>]*>/g) ?? []) {
    if (/^<(img|link|iframe|object|embed|video|audio|source|track|base|image|use|feImage)\b/i.test(tag)) found.push(tag);
    if (/\s(src|srcset|poster|action|formaction|background|xlink:href)\s*=/i.test(tag)) found.push(tag);
    if (/\sstyle\s*=/i.test(tag)) found.push(tag);
  }
  const style = /<style>([\s\S]*?)<\/style>/.exec(page)?.[1] ?? '';
  for (const m of style.matchAll(/url\((?!#)[^)]*\)|@import|@font-face/gi)) found.push(m[0]);
  return found;
}

describe('doctor -o html', () => {
  it('is one file that fetches nothing, under the CSP, with one style sheet and one script of its own', () => {
    const page = renderDoctorHtml(fleet[0]!.report, { translation: fleet[0]!.translation });
    expect(page.startsWith('<!DOCTYPE html>\n<html lang="en">')).toBe(true);
    expect(page).toContain(`<meta http-equiv="Content-Security-Policy" content="${CSP.replace(/'/g, '&#39;')}">`);
    expect(CSP).toMatch(/^default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:/);
    expect(fetchable(page)).toEqual([]);
    expect(page.match(/<script\b/g)).toHaveLength(1);
    expect(page.match(/<style\b/g)).toHaveLength(1);
  });
  it('carries both languages of the same run: the findings, the skip reasons and its own words', () => {
    const { report, translation } = fleet[0]!;
    const page = renderDoctorHtml(report, { translation });
    const f = report.findings[0]!;
    const g = translation!.findings[0]!;
    expect(f.title).not.toBe(g.title);
    expect(page).toContain(`<span class="i" lang="en">${f.title}</span><span class="i" lang="zh">${g.title}</span>`);
    const skipped = report.results.find((r) => r.status === 'skipped')!;
    expect(page).toContain('<span class="i" lang="zh">');
    expect(unescape(page)).toContain(translation!.results.find((r) => r.ruleId === skipped.ruleId)!.reason!);
    expect(page).toContain('<span class="i" lang="en">Skipped rules (');
    expect(page).toContain('<span class="i" lang="zh">跳过的规则(');
  });
  it("sums up what the report says: its verdict, its counts by severity, its top finding", () => {
    const { report } = fleet[1]!;
    const page = renderDoctorHtml(report);
    expect(page).toContain('data-verdict="findings"');
    for (const [s, n] of Object.entries(report.summary.bySeverity)) expect(page).toMatch(new RegExp(`<li data-severity="${s}"><span class="sev sev-${s}">.*?</span><span class="n" data-count="${n}">${n}</span></li>`));
    expect(page).toContain(`data-rules="${report.summary.rules}" data-passed="${report.summary.passed}" data-skipped="${report.summary.skipped}" data-findings="${report.summary.findings}"`);
    expect(page).toMatch(new RegExp(`class="top-finding">.*?href="#n0-f0".*?${report.findings[0]!.ruleId}`));
  });
  it('says inconclusive when the evidence is incomplete and nothing was found', () => {
    const r = { ...fleet[1]!.report, findings: [], summary: { ...fleet[1]!.report.summary, findings: 0, bySeverity: { critical: 0, error: 0, warning: 0, info: 0 } }, notes: [{ code: 'E_BUNDLE_TRUNCATED', message: 'cut short' }] };
    const page = renderDoctorHtml(r);
    expect(page).toContain('data-verdict="inconclusive"');
    expect(page).toContain('Inconclusive: the evidence is incomplete');
    expect(renderDoctorHtml({ ...r, notes: [] })).toContain('data-verdict="healthy"');
  });
  it("copies each step's commands exactly as the text report prints them", () => {
    const { report } = fleet[0]!;
    const page = renderDoctorHtml(report);
    const blocks = [...page.matchAll(/<code id="([^"]+)">([\s\S]*?)<\/code>/g)].map((m) => ({ id: m[1]!, text: unescape(m[2]!.replace(/<span class="cmd">|<\/span>/g, '')) }));
    const text = renderText(report);
    const expected: string[] = [];
    // The text report prints each command after "$ "; each step's fix then its undo, in order.
    let current: string[] | undefined;
    for (const line of text.split('\n')) {
      const m = /^ {6}\$ (.*)$/.exec(line);
      if (m) (current ??= []).push(m[1]!);
      else if (current) {
        expected.push(current.join('\n'));
        current = undefined;
      }
    }
    expect(blocks.map((b) => b.text)).toEqual(expected);
    // Each block gets its copy button from the page's template (the browser tests press them).
    expect(page.match(/<div class="cmds" data-c="(fix|undo)">/g)).toHaveLength(blocks.length);
  });
});

describe('doctor --from A --from B -o html', () => {
  it('has the fleet table, the heatmap of rule results and the facts side by side', () => {
    const page = renderFleetHtml(fleet, { lang: 'zh', version: '1.2.3' });
    expect(page.startsWith('<!DOCTYPE html>\n<html lang="zh">')).toBe(true);
    expect(page.match(/<tr data-status="findings">/g)).toHaveLength(2);
    expect(page).toContain('data-nodes="2" data-healthy="0" data-with-findings="2"');
    expect(page).toContain('<svg xmlns="http://www.w3.org/2000/svg" class="chart" data-hm="rule-heatmap-data" id="rule-heatmap" role="group"');
    const facts = page.slice(page.indexOf('<table class="facts">'), page.indexOf('</table>', page.indexOf('<table class="facts">')));
    // Kernels differ: marked; a rule skipped on both nodes: not marked.
    expect(facts).toMatch(/<tr class="differs" data-differs="true"><th scope="row"><span class="i" lang="en">kernel<\/span>/);
    expect(facts).toMatch(/<tr><th scope="row" class="mono">probe-path-loss<\/th>/);
    expect(fetchable(page)).toEqual([]);
  });
  it('keeps an unreadable bundle in its place with its error', () => {
    const page = renderFleetHtml([...fleet, { from: '/x/broken.tgz', error: { code: 'E_BUNDLE_DAMAGED', message: 'bad <gzip>' } }], { lang: 'en', version: '1' });
    expect(page).toContain('data-unreadable="1"');
    expect(page).toContain('<code>podpath: E_BUNDLE_DAMAGED: bad &lt;gzip&gt;</code>');
  });
});

describe('hostile input', () => {
  const page = renderDoctorHtml(hostileReport());
  it('writes no element, attribute, comment or CDATA section of the input', () => {
    expect(page.match(/<script\b/gi)).toHaveLength(1);
    expect(page.match(/<\/script>/gi)).toHaveLength(1);
    expect(page.match(/<style\b/gi)).toHaveLength(1);
    expect(page.match(/<\/style>/gi)).toHaveLength(1);
    const tags = page.match(/<[a-zA-Z][^>]*>/g) ?? [];
    expect(tags.filter((t) => /\son\w+\s*=/i.test(t) || /^<(img|iframe|object|embed|link|base|meta http-equiv="refresh")/i.test(t))).toEqual([]);
    expect(page).not.toMatch(/<!--|<!\[CDATA\[/);
    expect(page).not.toContain('href="javascript:');
    expect(page).not.toContain('href="https://example.invalid/"onclick');
    expect(fetchable(page)).toEqual([]);
  });
  it('shows control characters and bidi marks as visible escapes, never raw', () => {
    // eslint-disable-next-line no-control-regex
    expect(page.replace(/\n/g, '')).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\u200b-\u200f\u061c\ufeff]/);
    expect(page).toContain('line\\x00one\\x1b[2J\\r\\nforged: line\\x07');
    expect(page).toContain('admin\\u202egnp.exe\\u2066hidden\\u2069\\u200f');
  });
});

describe('size', () => {
  it('a fleet of 50 nodes made of the fixture reports stays well under 1 MB (the bound of a 50-node mesh with every finding)', () => {
    const entries = Array.from({ length: 50 }, (_, i) => {
      const e = fleet[i % fleet.length]!;
      const rename = (r: typeof e.report) => ({ ...r, node: { ...r.node, hostname: `node-${String(i).padStart(2, '0')}` } });
      return { from: `bundles/node-${i}.tgz`, report: rename(e.report), translation: rename(e.translation!) };
    });
    const bytes = Buffer.byteLength(renderFleetHtml(entries, { lang: 'en', version: '1' }));
    const findings = entries.reduce((n, e) => n + e.report.findings.length, 0);
    console.log(`html bytes: 50-node fleet of the fixture reports (${findings} findings, both languages): ${bytes}`);
    expect(bytes).toBeLessThan(800 * 1024);
  });
});
