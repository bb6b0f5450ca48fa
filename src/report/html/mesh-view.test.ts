// The mesh view as text: made from the matrices recorded in the lab (test/fixtures/evidence/mesh),
// the findings those matrices get from the mesh rules drawn on the maps, each cell's record the
// numbers of its cell, the nodes grouped so a cut is a block, hostile names escaped, and the page
// of a 50-node mesh with its findings under 1 MB.
import { describe, expect, it } from 'vitest';
import { buildHtmlReportInput } from '../../app/report.js';
import { judgeMatrix } from '../../app/mesh.js';
import type { MeshMatrix } from '../../evidence/mesh-matrix.js';
import { isPodpathError } from '../../util/errors.js';
import { LIMITS } from '../../util/limits.js';
import { editCells, loadMesh, type MeshFixture } from '../../../test/helpers/mesh-fixtures.js';
import { largeMesh } from '../../../test/helpers/mesh-large.js';
import type { MeshPart } from './model.js';
import type { MeshData } from './mesh-view.js';
import { renderHtmlReport } from './render.js';

function report(m: MeshMatrix | MeshFixture, lang: 'en' | 'zh' = 'en'): { page: string; part: MeshPart } {
  const matrix = typeof m === 'string' ? loadMesh(m) : m;
  const input = buildHtmlReportInput([{ from: 'mesh.json', text: JSON.stringify(matrix) }], { lang, now: new Date(0) });
  const part = input.parts[0] as MeshPart;
  return { page: renderHtmlReport(input), part };
}

/** The mesh's data block (what a click shows), as the page's script reads it. */
function meshData(page: string): MeshData {
  const m = /<script type="application\/json" id="[^"]*mesh-data">([^<]*)<\/script>/.exec(page);
  expect(m).not.toBeNull();
  return JSON.parse(m![1]!) as MeshData;
}

/** The records of a plane, by the node index pair. */
function records(page: string, plane: string): string[] {
  const esc = plane.replace('>', '&gt;');
  const m = new RegExp(`<section class="mesh-plane" data-plane="${esc}" data-g="(\\d+)"`).exec(page);
  expect(m, plane).not.toBeNull();
  const d = meshData(page);
  return d.p[Number(m![1])]!.map((k) => d.r[k]!);
}

function order(page: string): string[] {
  return /data-order="([^"]*)"/.exec(page)![1]!.split(',');
}

describe('mesh -o html / podpath report MESH.json', () => {
  it('draws the size cut a recorded lab matrix shows: the findings of the rules, the cut between the subnets, the pair numbers', () => {
    const { page, part } = report('size-cut');
    const m = loadMesh('size-cut');
    expect(part.findings!.map((f) => f.ruleId)).toEqual(judgeMatrix(m, 'en').map((f) => f.ruleId));
    expect(part.findings!.map((f) => f.ruleId)).toContain('mesh-cut');
    expect(part.translation!.map((f) => f.ruleId)).toEqual(part.findings!.map((f) => f.ruleId));
    // The summary counts the findings; the verdict says problems.
    expect(page).toContain('data-verdict="findings"');
    expect(page).toMatch(new RegExp(`data-severity="error"><span class="sev sev-error">.*?</span><span class="n" data-count="${part.findings!.filter((f) => f.severity === 'error').length}"`));
    // n1, n2 (192.168.77.0/24) then n3, n4: the cut is at position 2 of every size map, drawn as a line.
    expect(order(page)).toEqual(['0', '1', '2', '3']);
    const sizeMaps = page.match(/<figure class="mesh-fig" data-probe="size">[\s\S]*?<\/figure>/g)!;
    expect(sizeMaps.length).toBeGreaterThan(0);
    // Every size map with a cell that stops is one the cut is drawn on, as a line between the subnets.
    const stopping = sizeMaps.filter((f) => /<path d="[^"]*" fill="#(f3c98b|e07b39)"\/>/.test(f));
    expect(stopping.length).toBeGreaterThan(0);
    for (const f of stopping) {
      expect(f).toMatch(/<g class="fmark" data-mark="0"><title>mesh-cut: the cut between 192\.168\.77\.0\/24 and 192\.168\.78\.0\/24<\/title>/);
      expect(f).toMatch(/<line class="cut" x1="(\d+\.5)" x2="\1"/);
    }
    // The loss maps have nothing to draw: every echo came back.
    for (const f of page.match(/<figure class="mesh-fig" data-probe="loss">[\s\S]*?<\/figure>/g)!) expect(f).not.toContain('class="fmark"');
    // n1 -> n3 on host->host: the numbers of the recorded cell.
    const c = m.cells.find((x) => x.plane === 'host->host' && x.from === 'n1' && x.to === 'n3' && !x.stage)!;
    const rec = records(page, 'host->host')[0 * 4 + 2]!.split('|');
    expect(rec.slice(0, 7)).toEqual([`${c.udp!.received}/${c.udp!.sent}`, String(c.udp!.arrivedAtPeer), expect.any(String), String(c.sweep!.largestPassing), String(c.sweep!.smallestFailing), `${c.tcp!.connected}/${c.tcp!.attempts}`, `${c.icmp!.received}/${c.icmp!.sent}`]);
    // A short cell's details: its sweep tries and counters, hidden until clicked.
    const det = rec[11]!;
    const d = meshData(page);
    const detail = d.d[Number(det)]!;
    expect(d.s[detail.t!]).toMatch(/1473: 0\/3/);
    expect(d.s[detail.c![0]!]).toBe('n1');
    // The words around it are in the page once, in the template.
    expect(page.match(/DF sweep tries/g)).toHaveLength(1);
    expect(records(page, 'host->host')[0]).toBe('');
    // The maps after the first show its node labels: an in-page <use>, nothing fetched.
    const maps = page.match(/<svg [^>]*class="chart mesh-map"/g)!.length;
    const uses = [...page.matchAll(/<use\b[^>]*>/g)].map((u) => u[0]);
    expect(uses).toHaveLength(maps - 1);
    for (const u of uses) {
      const id = /^<use href="#([A-Za-z][\w-]*)"\/>$/.exec(u)?.[1];
      expect(id, u).toBeDefined();
      expect(page).toContain(`<g class="lbl" id="${id}"`);
    }
  });

  it('marks the broken node and says where its losses happened (forward-drop on n4, recorded)', () => {
    const { page, part } = report('forward-drop-n4');
    const node = part.findings!.find((f) => f.ruleId === 'mesh-node');
    expect(node, part.findings!.map((f) => f.ruleId).join()).toBeDefined();
    expect(page).toMatch(/<g class="fmark" data-mark="\d"><title>mesh-node: node n4 \(/);
    // n4 has the most short cells in its subnet: first of its group.
    expect(order(page).indexOf('3')).toBe(2);
    // A lost pod->pod cell to n4 carries a place (an index into the template's places) and details.
    const recs = records(page, 'pod->pod');
    const lost = recs.map((r) => r.split('|')).find((f) => f[0]?.startsWith('0/'));
    expect(lost, recs.join(';')).toBeDefined();
    expect(lost![10]).toMatch(/^\d+$/);
    expect(page).toMatch(new RegExp(`<span data-p="${lost![10]}" hidden>`));
  });

  it('shows both languages of the findings, and the Chinese document leads in Chinese', () => {
    const { page } = report('forward-drop-n4', 'zh');
    expect(page.startsWith('<!DOCTYPE html>\n<html lang="zh">')).toBe(true);
    expect(page).toMatch(/<span class="i" lang="en">n4 is the broken node/);
    expect(page).toMatch(/<span class="i" lang="zh">n4 是故障节点/);
  });

  it('escapes hostile node names and error codes; a record keeps its shape', () => {
    const m = loadMesh('healthy');
    const evil = '<script>alert(1)</script>|;x';
    const renamed = structuredClone(m);
    renamed.nodes.find((x) => x.name === 'n1')!.name = evil;
    for (const c of renamed.cells) {
      if (c.from === 'n1') c.from = evil;
      if (c.to === 'n1') c.to = evil;
    }
    const bad = editCells(renamed, (c) => c.from === 'n2' && c.plane === 'host->host', (c) => ({ ...c, error: { code: 'E_X|;"<b>', message: '<img src=x>' }, udp: undefined }));
    const { page } = report(bad);
    expect(page).not.toContain('<script>alert');
    expect(page).not.toContain('<img src=x>');
    expect(page).toContain('<li>&lt;script&gt;alert(1)&lt;/script&gt;|;x</li>');
    const recs = records(page, 'host->host');
    expect(recs).toHaveLength(16);
    expect(recs.find((r) => r.includes('E_X'))).toMatch(/\|E_X\?\?"<b>\|\|\d+$/);
  });

  it('refuses a mesh larger than it draws, in one line with its code', () => {
    const n = LIMITS.htmlMeshNodes.value + 1;
    const m = loadMesh('healthy');
    const big = { ...m, nodes: Array.from({ length: n }, (_, i) => ({ ...m.nodes[0]!, name: `x${i}` })) };
    try {
      buildHtmlReportInput([{ from: 'big.json', text: JSON.stringify(big) }]);
      expect.unreachable();
    } catch (e) {
      expect(isPodpathError(e) && e.code).toBe('E_REPORT_MESH_TOO_LARGE');
    }
  });

  it('keeps a 50-node mesh with its findings (a cut and a broken node) under 1 MB', () => {
    const m = largeMesh(50, { brokenNode: 6 });
    const { page, part } = report(m);
    expect(part.findings!.map((f) => f.ruleId)).toEqual(expect.arrayContaining(['mesh-cut']));
    expect(part.findings!.length).toBeGreaterThanOrEqual(2);
    console.log(`50-node mesh report: ${page.length} bytes (${m.cells.length} cells, ${part.findings!.length} findings)`);
    expect(Buffer.byteLength(page)).toBeLessThan(1024 * 1024);
    // Every cell is there to click: 50 x 50 records per plane.
    expect(records(page, 'pod->pod')).toHaveLength(2500);
  }, 120_000);
});
