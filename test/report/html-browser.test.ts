// The HTML reports in a real browser (Debian's chromium through playwright-core), opened from
// file:// with the network off and every request intercepted: made by the real CLI from the fixture
// bundles (doctor one node, doctor fleet, podpath report joining JSON) and from a hostile report.
// Checked: no console error, no request at all, the summary's numbers equal the JSON's, the
// language switch changes the text, the copy buttons put the commands on the clipboard (or select
// them), a heatmap cell shows its result, print shows every section and no button, axe-core finds
// no serious or critical violation, and no script of the input runs. Screenshots and PDFs are kept
// under test-artifacts/html/ (gitignored).
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { missingRequirement } from '../helpers/env.js';
import { BUNDLES, hostileReport } from '../helpers/html-report.js';
import type { DoctorReport } from '../../src/report/model.js';
import { page as htmlPage } from '../../src/report/html/page.js';
import { html } from '../../src/report/html/html.js';
import { curve } from '../../src/report/html/svg/curve.js';
import { binValues, histogram } from '../../src/report/html/svg/histogram.js';
import { timeline } from '../../src/report/html/svg/timeline.js';
import { heatmap } from '../../src/report/html/svg/heatmap.js';
import { judgeMatrix } from '../../src/app/mesh.js';
import { probeEvidenceOf } from '../../src/evidence/mesh-probe.js';
import { PLACE_WORDS } from '../../src/report/html/mesh-words.js';
import { placeLoss } from '../../src/rules/shared/loss-place.js';
import { loadMesh } from '../helpers/mesh-fixtures.js';
import { ARTIFACTS, axeViolations, CHROMIUM, cliToFile, offlineBrowser, type OfflineBrowser } from '../helpers/html-browser.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
/** A matrix `podpath mesh` recorded in the lab with forward-drop on n4 (test/fixtures/evidence/mesh/README.md). */
const MESH_FIXTURE = path.join(ROOT, 'test/fixtures/evidence/mesh/forward-drop-n4.json');
/** Captures recorded in namespaces (test/fixtures/pcap-analyze/record.sh): seed 004's SYN back-off. */
const CAPTURE = (name: string) => path.join(ROOT, 'test/fixtures/pcap-analyze', name);
const skip = missingRequirement({ paths: [CHROMIUM] });

const tmp = mkdtempSync(path.join(tmpdir(), 'pp-html-'));
const file = (name: string) => path.join(tmp, name);

interface Pages {
  charts: string;
  one: string;
  fleet: string;
  joined: string;
  hostile: string;
  mesh: string;
  capture: string;
  diff: string;
  nodeDiff: string;
}
let pages: Pages;
let oneEn: DoctorReport;
let oneZh: DoctorReport;
let fleetJson: DoctorReport[];
let browser: OfflineBrowser;
/** Every request the browser tried, besides opening the report files themselves. */
let requests: string[] = [];

const cli = (args: string[], out: string) => cliToFile(args, out, tmp);

beforeAll(async () => {
  if (skip) return;
  mkdirSync(ARTIFACTS, { recursive: true });
  const [seed, sos] = BUNDLES as [string, string];
  await Promise.all([
    cli(['doctor', '--from', seed, '-o', 'html', '--lang', 'en'], file('one.html')),
    cli(['doctor', '--from', seed, '-o', 'json', '--lang', 'en'], file('one-en.json')),
    cli(['doctor', '--from', seed, '-o', 'json', '--lang', 'zh'], file('one-zh.json')),
  ]);
  await Promise.all([
    cli(['doctor', '--from', seed, '--from', sos, '-o', 'html', '--lang', 'en'], file('fleet.html')),
    cli(['doctor', '--from', seed, '--from', sos, '-o', 'json', '--lang', 'en'], file('fleet.json')),
  ]);
  writeFileSync(file('hostile.json'), JSON.stringify(hostileReport()));
  await Promise.all([
    cli(['report', file('fleet.json'), file('one-zh.json')], file('joined.html')),
    cli(['report', file('hostile.json')], file('hostile.html')),
    cli(['report', MESH_FIXTURE, '--lang', 'en'], file('mesh.html')),
    cli(['pcap', 'analyze', CAPTURE('syn-backoff-63s-client.pcap'), '-o', 'html', '--lang', 'en'], file('capture.html')),
    cli(['pcap', 'diff', CAPTURE('syn-backoff-63s-client.pcap'), CAPTURE('syn-backoff-63s-server.pcap'), '-o', 'html', '--lang', 'en'], file('diff.html')),
    cli(['diff', sos, seed, '-o', 'html'], file('node-diff.html')),
  ]);
  writeFileSync(file('charts.html'), chartGallery());
  pages = { charts: file('charts.html'), one: file('one.html'), fleet: file('fleet.html'), joined: file('joined.html'), hostile: file('hostile.html'), mesh: file('mesh.html'), capture: file('capture.html'), diff: file('diff.html'), nodeDiff: file('node-diff.html') };
  oneEn = JSON.parse(readFileSync(file('one-en.json'), 'utf8')) as DoctorReport;
  oneZh = JSON.parse(readFileSync(file('one-zh.json'), 'utf8')) as DoctorReport;
  fleetJson = JSON.parse(readFileSync(file('fleet.json'), 'utf8')) as DoctorReport[];

  browser = await offlineBrowser(Object.values(pages));
  requests = browser.requests;
  await browser.context.grantPermissions(['clipboard-read', 'clipboard-write']);
}, 300_000);

afterAll(async () => {
  await browser?.close();
  rmSync(tmp, { recursive: true, force: true });
});

/** Opens a report; collects console errors and uncaught exceptions. */
function open(p: string, lang?: 'en' | 'zh'): Promise<{ page: Page; errors: string[] }> {
  return browser.open(p, lang);
}

const severities = ['critical', 'error', 'warning', 'info'] as const;

/** Every chart on one page, as the mesh and capture views will use them (a pair's details behind a cell). */
function chartGallery(): string {
  const lang = 'en' as const;
  const nodes = ['a', 'b', 'c'];
  const body = html`<h2>Charts</h2>
<figure>${heatmap({ id: 'hm', lang, title: { en: 'Loss by pair', zh: '各节点对的丢包' }, rows: nodes.map((label) => ({ label })), cols: nodes.map((label) => ({ label })), color: (v) => (v === 0 ? '#cfe8d3' : '#6e0000'), cell: (r, c) => (r === c ? undefined : { value: r === 2 ? 1 : 0, label: `${nodes[r]} → ${nodes[c]}: ${r === 2 ? '100%' : '0%'} loss`, detail: `pair-${r}-${c}` }) })}<div class="cell-detail" aria-live="polite"></div>${nodes.flatMap((_, r) => nodes.map((__, c) => html`<div id="pair-${r}-${c}" hidden><p class="pair">pair ${r}-${c}: sent 100, received ${r === 2 ? 0 : 100}</p></div>`))}</figure>
<figure>${curve({ id: 'sweep', lang, title: { en: 'Size sweep', zh: '大小扫描' }, desc: 'share delivered by datagram size', x: { label: 'size', unit: 'B' }, y: { label: 'delivered', unit: '%', min: 0, max: 100 }, series: [{ name: 'a → b', points: [[64, 100], [1472, 100], [1473, 0], [9000, 0]] }, { name: 'b → a', points: [[64, 100], [1472, 100], [1473, 0]] }], marks: [{ x: 1472, label: 'largest' }] })}</figure>
<figure>${histogram({ id: 'hist', lang, title: 'Packet sizes', x: { label: 'size', unit: 'B' }, y: { label: 'packets' }, bins: binValues([60, 74, 1514, 1514, 9014], 5) })}</figure>
<figure>${timeline({ id: 'syn', lang, title: { en: 'SYN back-off', zh: 'SYN 退避' }, axis: { en: 'time', zh: '时间' }, lanes: [{ label: 'a:40000 → b:80', events: [0, 1, 3, 7].map((t, i) => ({ t, label: i === 0 ? 'SYN' : 'SYN again', kind: i === 0 ? 'send' as const : 'retry' as const })) }] })}</figure>`;
  return htmlPage({ lang, generatedAt: '2026-01-01T00:00:00Z', version: 'test', subject: 'charts', body }).toString();
}

async function summaryCounts(page: Page): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const s of severities) out[s] = Number(await page.locator(`#summary li[data-severity="${s}"] .n`).textContent());
  return out;
}

describe.skipIf(skip)('HTML report in chromium', () => {
  it('charts: accessible names, a click on a matrix cell shows that pair, no axe violation', async () => {
    const { page, errors } = await open(pages.charts);
    for (const [id, name] of [['hm', 'Loss by pair'], ['sweep', 'Size sweep share delivered by datagram size'], ['hist', 'Packet sizes'], ['syn', 'SYN back-off']]) {
      expect(await page.evaluate(`document.getElementById('${id}').getAttribute('aria-labelledby').split(' ').map((i) => document.getElementById(i).textContent).join(' ')`)).toBe(name);
    }
    await page.locator('#hm .cell[data-r="2"][data-c="0"]').click();
    await expect.poll(() => page.locator('.cell-detail .pair').innerText()).toBe('pair 2-0: sent 100, received 0');
    await page.locator('#hm .cell[data-r="0"][data-c="1"]').focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('.cell-detail .pair').innerText()).toBe('pair 0-1: sent 100, received 100');
    await page.click('button[data-lang="zh"]');
    expect(await page.locator('#sweep-t').textContent()).toBe('大小扫描');
    expect(await page.locator('#syn text.at tspan[lang="zh"]').first().isVisible()).toBe(true);
    expect(await page.locator('#syn text.at tspan[lang="en"]').first().isVisible()).toBe(false);
    await page.screenshot({ path: path.join(ARTIFACTS, 'charts.png'), fullPage: true });
    expect(await axeViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
    await page.close();
  });

  it('doctor (one node): no console error, no request, the summary equals the JSON, both languages', async () => {
    const { page, errors } = await open(pages.one);
    expect(await summaryCounts(page)).toEqual(oneEn.summary.bySeverity);
    const rules = page.locator('#summary .rules-line');
    expect(Number(await rules.getAttribute('data-rules'))).toBe(oneEn.summary.rules);
    expect(Number(await rules.getAttribute('data-passed'))).toBe(oneEn.summary.passed);
    expect(Number(await rules.getAttribute('data-skipped'))).toBe(oneEn.summary.skipped);
    expect(await page.locator('#summary .verdict').getAttribute('data-verdict')).toBe('findings');
    // The top finding, in English, then in Chinese: the words of `doctor --lang zh -o json`.
    const top = page.locator('#summary .top-finding a');
    expect(await top.innerText()).toBe(oneEn.findings[0]!.title);
    const h1 = await page.locator('h1').innerText();
    await page.click('button[data-lang="zh"]');
    expect(await page.evaluate('document.documentElement.lang')).toBe('zh');
    expect(await top.innerText()).toBe(oneZh.findings[0]!.title);
    expect(await page.locator('h1').innerText()).not.toBe(h1);
    expect(await page.locator('#n0-f0 > p').first().innerText()).toBe(oneZh.findings[0]!.message);
    expect(await page.title()).toMatch(/^podpath 报告/);
    await page.screenshot({ path: path.join(ARTIFACTS, 'doctor-zh.png'), fullPage: true });
    await page.click('button[data-lang="en"]');
    expect(await top.innerText()).toBe(oneEn.findings[0]!.title);
    expect(await page.title()).toMatch(/^podpath report/);
    await page.screenshot({ path: path.join(ARTIFACTS, 'doctor-en.png'), fullPage: true });
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
    await page.close();
  });

  it('copy buttons put the commands on the clipboard exactly as the text report prints them', async () => {
    const { page, errors } = await open(pages.one);
    const step = oneEn.findings[0]!.remediation[0]!;
    const buttons = page.locator('#n0-f0 button[data-copy]');
    await buttons.nth(0).click();
    await expect.poll(() => page.evaluate('navigator.clipboard.readText()')).toBe(step.commands.join('\n'));
    await expect.poll(() => page.locator('#n0-f0 .copied').nth(0).innerText()).toBe('Copied');
    await buttons.nth(1).click();
    await expect.poll(() => page.evaluate('navigator.clipboard.readText()')).toBe(step.undo.join('\n'));
    expect(errors).toEqual([]);
    await page.close();
  });

  it('without a clipboard the copy button selects the commands for Ctrl+C', async () => {
    const page = await browser.context.newPage();
    await page.addInitScript('Object.defineProperty(Navigator.prototype, "clipboard", { get: () => undefined })');
    await page.goto(pathToFileURL(pages.one).href);
    await page.locator('#n0-f0 button[data-copy]').first().click();
    expect(await page.evaluate('String(window.getSelection())')).toBe(oneEn.findings[0]!.remediation[0]!.commands.join('\n'));
    expect(['Copied', 'Selected: press Ctrl+C']).toContain(await page.locator('#n0-f0 .copied').first().innerText());
    await page.close();
  });

  it('fleet: the table and the summary equal the JSON; a heatmap cell shows its result', async () => {
    const { page, errors } = await open(pages.fleet);
    const sum = (s: (typeof severities)[number]) => fleetJson.reduce((n, r) => n + r.summary.bySeverity[s], 0);
    expect(await summaryCounts(page)).toEqual(Object.fromEntries(severities.map((s) => [s, sum(s)])));
    const nodes = page.locator('#summary .nodes-line');
    expect(Number(await nodes.getAttribute('data-nodes'))).toBe(fleetJson.length);
    expect(Number(await nodes.getAttribute('data-with-findings'))).toBe(fleetJson.filter((r) => r.findings.length > 0).length);
    const rows = page.locator('table.fleet tbody tr');
    expect(await rows.count()).toBe(fleetJson.length);
    for (let i = 0; i < fleetJson.length; i++) {
      for (const s of severities) expect(Number(await rows.nth(i).locator(`td[data-severity="${s}"]`).innerText())).toBe(fleetJson[i]!.summary.bySeverity[s]);
      expect(await rows.nth(i).locator('th').innerText()).toBe(fleetJson[i]!.node.hostname);
    }
    // The cell of the seed node's failing rule: click, and the panel says which node, which rule, how bad.
    const r = fleetJson.findIndex((x) => x.findings.some((f) => f.ruleId === 'kernel-bad-udp-checksum'));
    const rule = 'kernel-bad-udp-checksum';
    const cell = page.locator(`#rule-heatmap .cell[data-r="${r}"][data-v="4"]`).first();
    await cell.click();
    const detail = page.locator('figure.heatmap .cell-detail');
    await expect.poll(() => detail.innerText()).toContain(`${fleetJson[r]!.node.hostname} · ${rule}: CRITICAL`);
    expect(await detail.locator('a').getAttribute('href')).toBe(`#n${r}-f0`);
    // A passed rule's cell is no link: the panel names its node and rule; a skipped one links to its reason.
    const p = fleetJson.findIndex((x) => x.summary.passed > 0);
    await page.locator(`#rule-heatmap .cell[data-r="${p}"][data-v="0"]`).first().click();
    await expect.poll(() => detail.innerText()).toMatch(new RegExp(`^${fleetJson[p]!.node.hostname} · [a-z0-9-]+: pass$`));
    await page.locator(`#rule-heatmap .cell[data-r="${r}"][data-goto]`).first().click();
    const skipRow = (await detail.locator('a').getAttribute('href'))!;
    expect(skipRow).toMatch(/^#sk\d+$/);
    expect(await page.locator(`${skipRow} td`).nth(1).textContent()).toMatch(new RegExp(`${fleetJson[r]!.node.hostname}|all nodes`));
    // The facts side by side: the kernels differ and are marked.
    expect(await page.locator('table.facts tr.differs').count()).toBeGreaterThan(0);
    await page.screenshot({ path: path.join(ARTIFACTS, 'fleet-en.png'), fullPage: true });
    await page.click('button[data-lang="zh"]');
    await cell.click();
    await expect.poll(() => detail.innerText()).toContain(`${rule}: 严重`);
    await page.screenshot({ path: path.join(ARTIFACTS, 'fleet-zh.png'), fullPage: true });
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
    await page.close();
  });

  it('podpath report joins a fleet JSON and a Chinese report of one of its nodes into one bilingual report', async () => {
    const { page, errors } = await open(pages.joined);
    expect(Number(await page.locator('#summary .nodes-line').getAttribute('data-nodes'))).toBe(2);
    await page.click('button[data-lang="zh"]');
    expect(await page.locator('#n0-f0 h4').innerText()).toContain(oneZh.findings[0]!.title);
    // The other node exists in English only: it says so in Chinese, and its words stay English.
    await expect.poll(() => page.locator('#n1 > p.note.i').innerText()).toMatch(/只有一种语言/);
    expect(await page.locator('#n1-f0 h4').innerText()).toContain(fleetJson[1]!.findings[0]!.title);
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
    await page.close();
  });

  it('mesh (a lab matrix, forward-drop on n4): the summary equals the rules, a click on a map cell shows that pair, both languages, axe', async () => {
    const m = loadMesh('forward-drop-n4');
    const en = judgeMatrix(m, 'en');
    const zh = judgeMatrix(m, 'zh');
    const { page, errors } = await open(pages.mesh);
    expect(await summaryCounts(page)).toEqual(Object.fromEntries(severities.map((s) => [s, en.filter((f) => f.severity === s).length])));
    const line = page.locator('#summary .mesh-line');
    expect(Number(await line.getAttribute('data-nodes'))).toBe(m.nodes.length);
    expect(Number(await line.getAttribute('data-findings'))).toBe(en.length);
    expect(await page.locator('#summary .top-finding a').innerText()).toBe(en[0]!.title);
    // n1 -> n4 on the pod->pod loss map: its position from the map's order, clicked at its centre.
    const fig = page.locator('section.mesh-plane[data-plane="pod->pod"] figure[data-probe="loss"]');
    const svg = fig.locator('svg.mesh-map');
    await svg.scrollIntoViewIfNeeded();
    const g = await svg.evaluate((e) => ({ x0: Number(e.dataset.x0), y0: Number(e.dataset.y0), s: Number(e.dataset.s), order: e.dataset.order!.split(',').map(Number), w: Number(e.getAttribute("viewBox")!.split(" ")[2]) }));
    const box = (await svg.boundingBox())!;
    const k = box.width / g.w;
    const at = (from: number, to: number) => ({ x: box.x + (g.x0 + g.s * (g.order.indexOf(to) + 0.5)) * k, y: box.y + (g.y0 + g.s * (g.order.indexOf(from) + 0.5)) * k });
    const c = m.cells.find((x) => x.plane === 'pod->pod' && x.from === 'n1' && x.to === 'n4' && !x.stage)!;
    const p = at(0, 3);
    await page.mouse.click(p.x, p.y);
    const pair = fig.locator('.cell-detail .pair');
    await expect.poll(() => pair.locator('.pair-h').innerText()).toBe('n1 → n4 (pod->pod)');
    expect(await pair.locator('dd[data-f="udp"]').innerText()).toBe(`${c.udp!.received}/${c.udp!.sent}`);
    // The recorded cell: n4 did not answer as an agent (its FORWARD chain drops), so nothing else was sent.
    expect(await pair.locator('.pair-detail').innerText()).toContain(`${c.refused[0]!.code}: ${c.refused[0]!.message}`);
    const placed = placeLoss(probeEvidenceOf(c)!)!;
    expect(placed.place).not.toBe('delivered');
    expect(await pair.locator('[data-k="place"] dd > span:visible').innerText()).toBe(PLACE_WORDS[placed.place].en);
    expect(await pair.locator('.pair-detail').innerText()).toContain('Counters that moved');
    // The arrow keys move to the next pair down the column: n2 -> n4 (or whichever node is next).
    await page.keyboard.press('ArrowDown');
    const next = g.order[g.order.indexOf(0) + 1]!;
    await expect.poll(() => pair.locator('.pair-h').innerText()).toBe(`${m.nodes[next]!.name} → n4 (pod->pod)`);
    await page.screenshot({ path: path.join(ARTIFACTS, 'mesh-en.png'), fullPage: true });
    await page.click('button[data-lang="zh"]');
    expect(await page.locator('#summary .top-finding a').innerText()).toBe(zh[0]!.title);
    expect(await page.locator('#mesh-f0 > p').first().innerText()).toBe(zh[0]!.message);
    await page.mouse.click(p.x, p.y);
    await expect.poll(() => pair.locator('[data-k="place"] dd > span:visible').innerText()).toBe(PLACE_WORDS[placed.place].zh);
    await page.screenshot({ path: path.join(ARTIFACTS, 'mesh-zh.png'), fullPage: true });
    expect(await axeViolations(page)).toEqual([]);
    await page.click('button[data-lang="en"]');
    expect(await axeViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
    await page.close();
  });

  it('pcap analyze, pcap diff and the node diff -o html: no console error, no request, the back-off drawn, axe in both languages', async () => {
    for (const [p, name] of [[pages.capture, 'capture'], [pages.diff, 'diff'], [pages.nodeDiff, 'node-diff']] as const) {
      const { page, errors } = await open(p);
      if (name === 'capture') {
        // Seed 004: the SYN sent 7 times, the back-off gaps written above the retries.
        expect(await page.locator('#c0-hs .ev-retry').count()).toBe(6);
        expect(await page.locator('#c0-hs text.gap').first().textContent()).toBe('+1.01 s');
      }
      // The seed node's kernel against the healthy one: the high-relevance row, both values.
      if (name === 'node-diff') expect(await page.locator('tr.rel-high[data-key="kernel.release"] td.vb').innerText()).toMatch(/^4\.19\.90-52\.49/);
      await page.screenshot({ path: path.join(ARTIFACTS, `${name}-en.png`), fullPage: true });
      expect(await axeViolations(page), `${name} en`).toEqual([]);
      await page.click('button[data-lang="zh"]');
      expect(await axeViolations(page), `${name} zh`).toEqual([]);
      expect(errors).toEqual([]);
      await page.close();
    }
    expect(requests).toEqual([]);
  });

  it('prints every section expanded and no button; a PDF is kept', async () => {
    const { page } = await open(pages.fleet);
    const skippedCell = page.locator('#skipped details.skipped td').first();
    expect(await skippedCell.isVisible()).toBe(false);
    await page.emulateMedia({ media: 'print' });
    expect(await skippedCell.isVisible()).toBe(true);
    expect(await page.locator('button:visible').count()).toBe(0);
    // The rule heatmap is drawn by the script from its data: in print too, every cell of it.
    const cells = fleetJson.reduce((n, r) => n + r.results.length, 0);
    expect(await page.locator('#rule-heatmap .cell').count()).toBe(cells);
    expect(await page.locator('#rule-heatmap .cell rect').first().isVisible()).toBe(true);
    await page.pdf({ path: path.join(ARTIFACTS, 'fleet.pdf'), format: 'A4', printBackground: true });
    await page.close();
  });

  it('axe-core: no serious or critical violation (headings, tables, contrast, names), in either language', async () => {
    for (const p of [pages.one, pages.fleet, pages.joined]) {
      for (const lang of ['en', 'zh'] as const) {
        const { page } = await open(p, lang);
        expect(await axeViolations(page), `${path.basename(p)} ${lang}`).toEqual([]);
        await page.close();
      }
    }
  });

  it('hostile strings in every field: no script of the input runs, nothing breaks out, the text shows escaped', async () => {
    const { page, errors } = await open(pages.hostile);
    expect(await page.evaluate('window.__pwned')).toBeUndefined();
    expect(await page.locator('script').count()).toBe(1);
    expect(await page.locator('style').count()).toBe(1);
    expect(await page.locator('img, iframe, object, embed, link, base, svg[onload]').count()).toBe(0);
    expect(await page.evaluate('getComputedStyle(document.body).display')).toBe('block');
    const hostile = hostileReport();
    // The node's heading shows the name as text, with its escapes visible.
    expect(await page.locator('#n0-h').innerText()).toBe(hostile.node.hostname);
    expect(await page.locator('#n0-f0 h4').innerText()).toContain('</style><style>body{display:none}</style> admin\\u202egnp.exe\\u2066hidden\\u2069');
    // Every element with an event handler attribute is the page's own (there are none).
    expect(await page.evaluate('[...document.querySelectorAll("*")].filter((e) => [...e.attributes].some((a) => a.name.startsWith("on"))).length')).toBe(0);
    // A javascript: reference is text, not a link; hovering and clicking everything runs nothing.
    expect(await page.locator('a[href^="javascript:"]').count()).toBe(0);
    for (const el of await page.locator('#n0 a:visible, #n0 .refs span:visible, #n0 h4:visible').all()) await el.hover();
    // The probes' curves (doctor --peer): the direction's names are text in every point's title.
    expect(await page.locator('#n0-sweep circle > title').first().textContent()).toContain('<script>window.__pwned');
    for (const el of await page.locator('#n0-sweep circle, #n0-ramp circle').all()) await el.hover();
    await page.locator('#n0-f0 button[data-copy]').first().click();
    await page.click('button[data-lang="zh"]');
    expect(await page.evaluate('window.__pwned')).toBeUndefined();
    await page.screenshot({ path: path.join(ARTIFACTS, 'hostile.png'), fullPage: true });
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
    await page.close();
  });

  it('sizes: the fleet report of all fixture bundles', () => {
    const bytes = (p: string) => readFileSync(p).length;
    console.log(`html bytes: one node ${bytes(pages.one)}, fleet of ${BUNDLES.length} fixture bundles ${bytes(pages.fleet)}, joined ${bytes(pages.joined)}, 4-node lab mesh ${bytes(pages.mesh)}`);
    expect(bytes(pages.fleet)).toBeLessThan(1 << 20);
  });
});
