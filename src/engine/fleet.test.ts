import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NODE_FACTS_SCHEMA_VERSION, type NodeFacts } from '../evidence/node-facts.js';
import { PodpathError } from '../util/errors.js';
import { describeError, fleetExitCode, listBundleDir, mapBounded, runFleet } from './fleet.js';

const fixtures = fileURLToPath(new URL('../../test/fixtures/', import.meta.url));
const seed000 = path.join(fixtures, 'bundles/seed000-kylin-52.49');
const sos = path.join(fixtures, 'bundles/sos-4.0-netns');
const healthy = path.join(fixtures, 'evidence/healthy-flannel-node.json');

describe('mapBounded', () => {
  it('never has more than the limit in flight and keeps the input order', async () => {
    let inFlight = 0;
    let peak = 0;
    const out = await mapBounded([5, 1, 4, 2, 3, 0, 6], 3, async (n) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      // Finish out of order: later items yield fewer times than earlier ones.
      for (let i = 0; i < n; i++) await Promise.resolve();
      inFlight--;
      return n * 10;
    });
    expect(out).toEqual([50, 10, 40, 20, 30, 0, 60]);
    expect(peak).toBe(3);
  });
  it('handles no items and a limit above the count', async () => {
    expect(await mapBounded([], 4, async () => 1)).toEqual([]);
    expect(await mapBounded(['a'], 4, async (s) => s.toUpperCase())).toEqual(['A']);
  });
});

describe('runFleet', () => {
  it('judges real bundles and a facts file; an unreadable bundle is an error entry in its place, exit 2', async () => {
    const { entries, exitCode } = await runFleet({ sources: [seed000, '/nonexistent/bundle.tar.gz', sos, healthy], lang: 'en' });
    expect(entries.map((e) => e.from)).toEqual([seed000, '/nonexistent/bundle.tar.gz', sos, healthy]);
    expect(entries[1]).toEqual({ from: '/nonexistent/bundle.tar.gz', error: { code: 'E_BUNDLE_NOT_FOUND', message: 'no such bundle: /nonexistent/bundle.tar.gz' } });
    const [a, , c, d] = entries;
    expect(a && 'report' in a && a.report.findings[0]?.ruleId).toBe('kernel-bad-udp-checksum');
    expect(c && 'report' in c && c.report.node.hostname).toBe('vm');
    expect(d && 'report' in d && d.report.findings).toEqual([]);
    expect(exitCode).toBe(2);
  });
  it('exit 1 with findings and no errors, 0 when all are healthy', async () => {
    expect((await runFleet({ sources: [healthy, seed000], lang: 'en' })).exitCode).toBe(1);
    expect((await runFleet({ sources: [healthy, healthy], lang: 'en' })).exitCode).toBe(0);
  });
  it('reads with the given bound', async () => {
    let inFlight = 0;
    let peak = 0;
    const facts = (): NodeFacts => ({ schemaVersion: NODE_FACTS_SCHEMA_VERSION, collectedAt: 'now', origin: { kind: 'bundle' }, missing: [] });
    const { entries } = await runFleet({
      sources: Array.from({ length: 9 }, (_, i) => `b${i}`),
      lang: 'en',
      concurrency: 2,
      collect: async () => {
        inFlight++;
        peak = Math.max(peak, inFlight);
        await new Promise((r) => setImmediate(r));
        inFlight--;
        return facts();
      },
    });
    expect(entries).toHaveLength(9);
    expect(peak).toBe(2);
  });
  it('stops on an unknown rule id instead of repeating it for every bundle', async () => {
    await expect(runFleet({ sources: [healthy, healthy], lang: 'en', only: ['no-such-rule'] })).rejects.toMatchObject({ code: 'E_UNKNOWN_RULE' });
  });
});

describe('fleetExitCode and describeError', () => {
  it('ranks unreadable over findings over healthy', () => {
    expect(fleetExitCode([])).toBe(0);
    expect(fleetExitCode([{ from: 'x', error: { code: 'E', message: 'm' } }])).toBe(2);
  });
  it('gives one line with a stable code for every kind of error', () => {
    expect(describeError(new PodpathError('E_BUNDLE_FORMAT', 'bad\nsecond line'))).toEqual({ code: 'E_BUNDLE_FORMAT', message: 'bad' });
    expect(describeError(Object.assign(new Error('denied'), { code: 'EACCES' }))).toEqual({ code: 'E_SYSTEM', message: 'EACCES: denied' });
    expect(describeError(new TypeError('oops'))).toEqual({ code: 'E_INTERNAL', message: 'oops' });
    expect(describeError(Object.assign(new Error("ENOTEMPTY: directory not empty, rmdir '/x'"), { code: 'ENOTEMPTY' }))).toEqual({ code: 'E_SYSTEM', message: "ENOTEMPTY: directory not empty, rmdir '/x'" });
  });
});

describe('listBundleDir', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'podpath-fleet-list-'));
    await mkdir(path.join(dir, 'node-b'));
    await symlink(seed000, path.join(dir, 'node-a'));
    for (const f of ['node-c.tar.gz', 'node-c.tar.gz.md5', 'node-d.tar.xz', 'node-e.json', 'README.txt', '.hidden.tgz']) await writeFile(path.join(dir, f), '');
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  it('takes subdirectories (links too), tarballs and facts files, sorted; leaves out the rest', async () => {
    expect((await listBundleDir(dir)).map((p) => path.basename(p))).toEqual(['node-a', 'node-b', 'node-c.tar.gz', 'node-d.tar.xz', 'node-e.json']);
  });
  it('refuses a bundle itself, a file, a missing or an empty directory, each with its code', async () => {
    await expect(listBundleDir(seed000)).rejects.toMatchObject({ code: 'E_USAGE', message: expect.stringMatching(/is itself a bundle \(it holds sos_commands\): use --from/) });
    await expect(listBundleDir(healthy)).rejects.toMatchObject({ code: 'E_USAGE' });
    await expect(listBundleDir(path.join(dir, 'nope'))).rejects.toMatchObject({ code: 'E_BUNDLE_NOT_FOUND' });
    await expect(listBundleDir(path.join(dir, 'node-b'))).rejects.toMatchObject({ code: 'E_NO_BUNDLES' });
  });
});
