// The cluster doctor page in a real browser (helpers: test/helpers/html-browser.ts), from the lab's
// two recorded nodes with node b's VTEP MAC changed (a stale FDB entry on node a) and the recorded
// NodeList and flannel ConfigMap: `cluster doctor -o json` in English and in Chinese joined by
// `podpath report` into one page, and `cluster doctor -o html`. Checked: no console error, no
// request, the summary's numbers and verdict equal the JSON's, the language switch puts the other
// run's words in place, axe-core finds no serious or critical violation.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { missingRequirement } from '../helpers/env.js';
import { labNodeFacts, labNodeListText, NODE_A, NODE_B } from '../helpers/cluster-evidence.js';
import { ARTIFACTS, axeViolations, CHROMIUM, cliToFile, offlineBrowser, type OfflineBrowser } from '../helpers/html-browser.js';
import type { ClusterDoctorReport } from '../../src/report/cluster-doctor-model.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const skip = missingRequirement({ paths: [CHROMIUM] });
const tmp = mkdtempSync(path.join(tmpdir(), 'pp-html-cluster-'));
const file = (name: string) => path.join(tmp, name);
const severities = ['critical', 'error', 'warning', 'info'] as const;

let browser: OfflineBrowser;
let en: ClusterDoctorReport;
let zh: ClusterDoctorReport;

const cli = (args: string[], out: string) => cliToFile(args, out, tmp);

beforeAll(async () => {
  if (skip) return;
  mkdirSync(ARTIFACTS, { recursive: true });
  const dump = file('dump');
  const nodes = file('nodes');
  mkdirSync(dump);
  mkdirSync(nodes);
  writeFileSync(path.join(dump, 'nodes.json'), labNodeListText());
  copyFileSync(path.join(ROOT, 'test/fixtures/kube/api/configmap-kube-flannel-cfg.yaml'), path.join(dump, 'kube-flannel-cfg.yaml'));
  const b = labNodeFacts('b');
  b.links!.items = b.links!.items.map((l) => (l.name === 'flannel.1' ? { ...l, mac: 'e2:00:6c:cf:88:ff' } : l));
  writeFileSync(path.join(nodes, `${NODE_A}.json`), JSON.stringify(labNodeFacts('a')));
  writeFileSync(path.join(nodes, `${NODE_B}.json`), JSON.stringify(b));
  const args = ['cluster', 'doctor', '--from', dump, '--nodes-from', nodes];
  await Promise.all([
    cli([...args, '-o', 'json', '--lang', 'en'], file('en.json')),
    cli([...args, '-o', 'json', '--lang', 'zh'], file('zh.json')),
    cli([...args, '-o', 'html', '--lang', 'en'], file('direct.html')),
  ]);
  await cli(['report', file('zh.json'), file('en.json'), '--lang', 'en'], file('joined.html'));
  en = JSON.parse(readFileSync(file('en.json'), 'utf8')) as ClusterDoctorReport;
  zh = JSON.parse(readFileSync(file('zh.json'), 'utf8')) as ClusterDoctorReport;
  browser = await offlineBrowser([file('joined.html'), file('direct.html')]);
}, 300_000);

afterAll(async () => {
  await browser?.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe.skipIf(skip)('cluster doctor page in chromium', () => {
  for (const [name, page] of [['podpath report of the en and zh JSON', 'joined.html'], ['cluster doctor -o html', 'direct.html']] as const) {
    it(`${name}: the summary equals the JSON, one page in both languages`, async () => {
      expect(en.findings.length).toBeGreaterThan(0);
      const { page: p, errors } = await browser.open(file(page));
      for (const s of severities) expect(Number(await p.locator(`#summary li[data-severity="${s}"] .n`).textContent()), s).toBe(en.summary.bySeverity[s]);
      expect(await p.locator('#summary .verdict').getAttribute('data-verdict')).toBe('findings');
      expect(Number(await p.locator('#summary .cluster-line').getAttribute('data-findings'))).toBe(en.summary.findings);
      const h = p.locator('#cl-f0 > h3');
      expect(await h.innerText()).toContain(en.findings[0]!.title);
      await p.click('button[data-lang="zh"]');
      expect(await h.innerText()).toContain(zh.findings[0]!.title);
      expect(await p.locator('#cl-f0 > p').first().innerText()).toBe(zh.findings[0]!.message);
      // The nodes' own findings switch too, and no part says it has one language only.
      const nodeFinding = zh.nodes.flatMap((n, i) => (n.report?.findings[0] ? [{ i, f: n.report.findings[0] }] : []))[0]!;
      expect(await p.locator(`#n${nodeFinding.i}-f0 > h4`).innerText()).toContain(nodeFinding.f.title);
      expect(await p.locator('p.note.i:visible').count()).toBe(0);
      expect(await axeViolations(p)).toEqual([]);
      await p.screenshot({ path: path.join(ARTIFACTS, `cluster-${page.replace('.html', '')}-zh.png`), fullPage: true });
      expect(errors).toEqual([]);
      expect(browser.requests).toEqual([]);
      await p.close();
    });
  }
});
