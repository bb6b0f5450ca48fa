// HTML reports in a real browser: Debian's chromium through playwright-core, offline, with every
// request but the report files recorded and stopped; pages opened with their console errors
// collected; axe-core's serious and critical violations. Shared by the browser tests in test/report/.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { expect } from 'vitest';
import { runCli } from './cli.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
export const CHROMIUM = '/usr/bin/chromium';
export const ARTIFACTS = path.join(ROOT, 'test-artifacts/html');

export interface OfflineBrowser {
  context: BrowserContext;
  /** Every request the browser tried, besides opening the report files themselves. */
  requests: string[];
  /** Opens a report (switching to `lang` by its button); collects console errors and uncaught exceptions. */
  open(file: string, lang?: 'en' | 'zh'): Promise<{ page: Page; errors: string[] }>;
  close(): Promise<void>;
}

export async function offlineBrowser(files: readonly string[]): Promise<OfflineBrowser> {
  const { chromium } = await import('playwright-core');
  const profile = mkdtempSync(path.join(tmpdir(), 'pp-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    viewport: { width: 1280, height: 900 },
    offline: true,
  });
  const requests: string[] = [];
  const opened = new Set(files.map((p) => pathToFileURL(p).href));
  context.on('request', (r) => {
    if (!opened.has(r.url())) requests.push(r.url());
  });
  // Anything that still reaches the network layer is stopped here (and recorded above).
  await context.route('**/*', (route) => (opened.has(route.request().url()) ? route.continue() : route.abort()));
  return {
    context,
    requests,
    async open(file, lang) {
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error' || m.type() === 'warning') errors.push(`${m.type()}: ${m.text()}`);
      });
      page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
      await page.goto(pathToFileURL(file).href);
      if (lang) await page.click(`button[data-lang="${lang}"]`);
      return { page, errors };
    },
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** axe-core's serious and critical violations on the page as it is now. */
export async function axeViolations(page: Page): Promise<{ id: string; impact: string; nodes: string[] }[]> {
  // Injected from node_modules through the debugging protocol: the page's CSP is not asked.
  await page.evaluate(readFileSync(path.join(ROOT, 'node_modules/axe-core/axe.min.js'), 'utf8'));
  const result = (await page.evaluate(`axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 3).map((n) => n.html.slice(0, 160)) })))`)) as { id: string; impact: string; nodes: string[] }[];
  return result.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/**
 * Runs podpath's CLI in `dir` and writes what it printed to `out` (a report page or its JSON):
 * nothing on stderr, and an exit code the run may end with (0 healthy, 1 findings; `codes` for more).
 */
export async function cliToFile(args: string[], out: string, dir: string, codes: readonly number[] = [0, 1]): Promise<void> {
  const r = await runCli(args, { dir, timeoutMs: 120_000 });
  expect(r.stderr).toBe('');
  expect(codes).toContain(r.code);
  writeFileSync(out, r.stdout);
}
