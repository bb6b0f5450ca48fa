import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { runFleet, type FleetEntry } from '../app/fleet.js';
import { displayWidth, fleetRows, renderFleet } from './fleet.js';

const fixture = (p: string) => fileURLToPath(new URL(`../../test/fixtures/${p}`, import.meta.url));

describe('fleet reports', () => {
  let entries: FleetEntry[];
  let zhEntries: FleetEntry[];
  const sources = [fixture('bundles/seed000-kylin-52.49'), fixture('evidence/seed-001-networkmanager-flannel.json'), '/no/such|bundle', fixture('evidence/healthy-flannel-node.json')];
  beforeAll(async () => {
    entries = (await runFleet({ sources, lang: 'en' })).entries;
    zhEntries = (await runFleet({ sources, lang: 'zh' })).entries;
  });

  it('rows: node, kernel, counts by severity, the most severe finding, or the error', () => {
    const rows = fleetRows(entries);
    expect(rows.map((r) => r.status)).toEqual(['findings', 'findings', 'unreadable', 'healthy']);
    expect(rows[0]).toMatchObject({ node: 'TKVMJT0240', kernel: '4.19.90-52.49.v2207.ky10.x86_64', top: 'kernel-bad-udp-checksum', counts: { critical: 1, error: 0, warning: 0, info: 0 } });
    expect(rows[2]).toMatchObject({ node: '?', top: 'E_BUNDLE_NOT_FOUND: no such bundle: /no/such|bundle' });
    expect(rows[2]?.counts).toBeUndefined();
    expect(rows[3]).toMatchObject({ top: '-', counts: { critical: 0, error: 0, warning: 0, info: 0 } });
  });

  it('text in Chinese: wide characters counted as two columns, so the table still lines up', () => {
    expect(displayWidth('节点ab')).toBe(6);
    const out = renderFleet(zhEntries, 'text', { lang: 'zh' });
    const lines = out.split('\n');
    expect(lines[0]).toBe('podpath 诊断:4 个节点');
    expect(lines[2]).toMatch(/^节点 +来源 +内核 +严重 +错误 +警告 +提示 +最严重的问题$/);
    const headerTop = displayWidth(lines[2]!.slice(0, lines[2]!.indexOf('最严重的问题')));
    expect(lines[3]).toMatch(/kernel-bad-udp-checksum$/);
    expect(displayWidth(lines[3]!.slice(0, lines[3]!.indexOf('kernel-bad-udp-checksum')))).toBe(headerTop);
    expect(lines[5]).toMatch(/无法读取: E_BUNDLE_NOT_FOUND/);
    expect(displayWidth(lines[5]!.slice(0, lines[5]!.indexOf('无法读取')))).toBe(headerTop);
    expect(out).toMatch(/^1 个正常,2 个有问题,1 个无法读取$/m);
    expect(out.includes('\u001b[')).toBe(false);
  });

  it('color only when asked', () => {
    expect(renderFleet(entries, 'text', { lang: 'en', color: true }).includes('\u001b[')).toBe(true);
  });

  it('markdown: pipes in cells escaped, node headings one level down, the error in place', () => {
    const md = renderFleet(entries, 'markdown', { lang: 'en' });
    expect(md).toMatch(/^# podpath doctor: 4 nodes$/m);
    expect(md).toMatch(/^\|---\|---\|---\|---:\|---:\|---:\|---:\|---\|$/m);
    expect(md).toMatch(/^\| \? \| \/no\/such\\\|bundle \|/m);
    expect(md).toMatch(/^## podpath doctor: TKVMJT0240/m);
    expect(md).not.toMatch(/^# podpath doctor: TKVMJT0240/m);
    expect(md).toMatch(/^## \/no\/such\\\|bundle\n\n`podpath: E_BUNDLE_NOT_FOUND: no such bundle: \/no\/such\|bundle`$/m);
    // Shell comments in fix commands are not headings: untouched inside code fences.
    const fenced = md.split('```').filter((_, i) => i % 2 === 1).join('\n');
    expect(fenced).not.toMatch(/^##/m);
  });

  it('json: the reports as doctor prints them, errors as podpath.doctor.error entries', () => {
    const docs = JSON.parse(renderFleet(entries, 'json', { lang: 'en' })) as Record<string, unknown>[];
    expect(docs.map((d) => d.schema)).toEqual(['podpath.doctor', 'podpath.doctor', 'podpath.doctor.error', 'podpath.doctor']);
    expect(docs[2]).toEqual({ schema: 'podpath.doctor.error', schemaVersion: 1, from: '/no/such|bundle', error: { code: 'E_BUNDLE_NOT_FOUND', message: 'no such bundle: /no/such|bundle' } });
  });
});
