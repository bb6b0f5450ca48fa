// The doctor --peer page in a real browser (helpers: test/helpers/html-browser.ts): a real agent on
// loopback, `doctor --peer` run by the CLI with a size sweep and a rate ramp, its JSON drawn by
// `podpath report` and its page written by `-o html`. Checked: no console error, no request, every
// sweep and ramp a series whose points are the JSON's numbers, the charts' words switch language,
// axe-core finds no serious or critical violation. Screenshots under test-artifacts/html/.
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { missingRequirement } from '../helpers/env.js';
import { AGENT_ENV, spawnAgent, type SpawnedAgent } from '../helpers/agent.js';
import { ARTIFACTS, axeViolations, CHROMIUM, cliToFile, offlineBrowser, type OfflineBrowser } from '../helpers/html-browser.js';
import type { DoctorReport } from '../../src/report/model.js';
import { fmt } from '../../src/report/html/svg/common.js';

const skip = missingRequirement({ paths: [CHROMIUM] });
const tmp = mkdtempSync(path.join(tmpdir(), 'pp-html-peer-'));
const file = (name: string) => path.join(tmp, name);

let agent: SpawnedAgent | undefined;
let browser: OfflineBrowser;
let report: DoctorReport;

/** 3: only the one probe rule judged is too few to call the node healthy. */
const cli = (args: string[], out: string) => cliToFile(args, out, tmp, [0, 1, 3]);

beforeAll(async () => {
  if (skip) return;
  mkdirSync(ARTIFACTS, { recursive: true });
  agent = await spawnAgent(['--listen', '127.0.0.1']);
  for (const [name, value] of [['key', AGENT_ENV.PODPATH_KEY], ['token', AGENT_ENV.PODPATH_TOKEN]] as const) {
    writeFileSync(file(name), value);
    chmodSync(file(name), 0o600);
  }
  // This host probes the agent on lo from 127.0.0.3: both directions swept up to 2000 bytes, a
  // short ramp to 2 Mbit/s from here.
  const peer = ['doctor', '--peer', '127.0.0.1', '--source', '127.0.0.3', '--port', String(agent.probePort), '--api-port', String(agent.apiPort), '--key-file', file('key'), '--token-file', file('token'),
    '--count', '3', '--sweep-max', '2000', '--max-rate', '2mbit', '--ramp-duration', '4s', '--recovery-watch', '1s', '--only', 'probe-path-loss'];
  await cli([...peer, '-o', 'json', '--lang', 'en'], file('peer.json'));
  await cli([...peer, '-o', 'html', '--lang', 'zh'], file('peer-direct.html'));
  await cli(['report', file('peer.json')], file('peer.html'));
  report = JSON.parse(readFileSync(file('peer.json'), 'utf8')) as DoctorReport;
  browser = await offlineBrowser([file('peer.html'), file('peer-direct.html')]);
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await agent?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

describe.skipIf(skip)('doctor --peer page in chromium', () => {
  it('draws the JSON\'s sweeps and ramp as curves, a point per size tried and per rate step, in both languages', async () => {
    const probes = report.probes!;
    const sweeps = probes.directions.filter((d) => (d.result.sweep?.tries.length ?? 0) > 0);
    const ramps = probes.directions.filter((d) => (d.result.ramp?.steps.length ?? 0) > 0);
    expect(sweeps.length).toBeGreaterThanOrEqual(2);
    expect(ramps.length).toBe(1);
    const { page, errors } = await browser.open(file('peer.html'));
    const titles = (id: string, i: number) => page.locator(`#${id} g.series[data-series="${i}"] circle > title`).allTextContents();
    for (const [i, d] of sweeps.entries()) {
      const want = d.result.sweep!.tries.filter((t) => t.sent > 0).sort((a, b) => a.size - b.size).map((t) => `: ${fmt(t.size)} B → ${fmt((100 * t.arrived) / t.sent)} %`);
      const got = await titles('n0-sweep', i);
      expect(got.map((t) => t.slice(t.lastIndexOf(': ')))).toEqual(want);
    }
    const steps = [...ramps[0]!.result.ramp!.steps].sort((a, b) => a.rateBps - b.rateBps);
    const got = await titles('n0-ramp', 0);
    expect(got.map((t) => t.slice(t.lastIndexOf(': ')))).toEqual(steps.map((s) => `: ${fmt(s.rateBps / 1e6)} Mbit/s → ${fmt(s.lossPct)} %`));
    // Every point is drawn inside the plot (a visible circle), not only written.
    expect(await page.locator('#n0-sweep g.series circle').first().isVisible()).toBe(true);
    expect(await page.locator('#n0-sweep-t').textContent()).toBe('DF size sweep: share of datagrams that arrived, by size');
    await page.screenshot({ path: path.join(ARTIFACTS, 'doctor-peer-en.png'), fullPage: true });
    await page.click('button[data-lang="zh"]');
    expect(await page.locator('#n0-sweep-t').textContent()).toBe('DF 大小扫描:按大小统计的到达比例');
    expect(await page.locator('#n0-ramp-t').textContent()).toBe('速率爬升:按发送速率统计的丢包');
    expect(await page.locator('section.probes h3').innerText()).toBe('本节点与 127.0.0.1 之间的探测');
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: path.join(ARTIFACTS, 'doctor-peer-zh.png'), fullPage: true });
    expect(errors).toEqual([]);
    expect(browser.requests).toEqual([]);
    await page.close();
  });

  it('doctor --peer -o html draws them too (its own run), in Chinese with English a click away', async () => {
    const { page, errors } = await browser.open(file('peer-direct.html'));
    expect(await page.locator('#n0-sweep g.series').count()).toBeGreaterThanOrEqual(2);
    expect(await page.locator('#n0-ramp g.series circle').count()).toBeGreaterThan(1);
    expect(await page.locator('#n0-sweep-t').textContent()).toBe('DF 大小扫描:按大小统计的到达比例');
    await page.click('button[data-lang="en"]');
    expect(await page.locator('section.probes h3').innerText()).toBe('Probes between this node and 127.0.0.1');
    expect(await axeViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
    expect(browser.requests).toEqual([]);
    await page.close();
  });
});
