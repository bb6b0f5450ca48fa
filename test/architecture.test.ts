// The folders of src/ follow the data flow, sources/pcap/api/probe/mesh -> evidence -> rules -> findings
// -> report, with use cases in app/ and wiring in cli/: a folder may import only the folders listed
// for it here, so a back-edge (a parser importing a rule, a rule importing a renderer, a folder cycle)
// fails this test. KNOWN lists the back-edges not yet removed; an edge that disappears must leave the
// list too, so it only ever shrinks.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../src/', import.meta.url));

const MAY_IMPORT: Record<string, string[]> = {
  util: [],
  evidence: ['util'],
  sources: ['evidence', 'util'],
  pcap: ['evidence', 'util'],
  // The agent API's contract (routes, schemas, the typed client): probe/, mesh/, app/ and agent/ all speak it.
  api: ['sources', 'evidence', 'util'],
  probe: ['api', 'sources', 'evidence', 'util'],
  mesh: ['api', 'probe', 'sources', 'evidence', 'util'],
  engine: ['evidence', 'util'],
  rules: ['engine', 'evidence', 'util'],
  report: ['rules', 'engine', 'evidence', 'util'],
  app: ['report', 'rules', 'engine', 'api', 'mesh', 'probe', 'pcap', 'sources', 'evidence', 'util'],
  agent: ['app', 'api', 'mesh', 'probe', 'sources', 'evidence', 'util'],
  lab: ['app', 'rules', 'api', 'mesh', 'probe', 'pcap', 'sources', 'evidence', 'util'],
  cli: ['app', 'agent', 'lab', 'report', 'rules', 'engine', 'api', 'mesh', 'probe', 'pcap', 'sources', 'evidence', 'util'],
};

/** Back-edges still to remove (folder -> folder): none left; keep it empty. */
const KNOWN = new Set<string>([]);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [p] : [];
  });
}

function folderEdges(): Map<string, string[]> {
  const edges = new Map<string, string[]>();
  for (const file of sourceFiles(SRC)) {
    const from = path.relative(SRC, file).split(path.sep)[0]!;
    for (const imp of ts.preProcessFile(readFileSync(file, 'utf8'), true, true).importedFiles) {
      if (!imp.fileName.startsWith('.')) continue;
      const target = path.relative(SRC, path.resolve(path.dirname(file), imp.fileName)).split(path.sep)[0]!;
      if (target === from || target.startsWith('..') || target.includes('.')) continue;
      const key = `${from} -> ${target}`;
      edges.set(key, [...(edges.get(key) ?? []), path.relative(SRC, file)]);
    }
  }
  return edges;
}

describe('architecture: imports follow the data flow', () => {
  const edges = folderEdges();
  it('every folder of src/ has its place in the flow', () => {
    const folders = readdirSync(SRC, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
    const unplaced = folders.filter((f) => !(f in MAY_IMPORT) && ![...KNOWN].some((k) => k.startsWith(`${f} ->`)));
    expect(unplaced, 'add the folder to MAY_IMPORT').toEqual([]);
  });
  it('no folder imports against the flow (besides the known edges being removed)', () => {
    const bad = [...edges].filter(([key]) => {
      const [from, to] = key.split(' -> ') as [string, string];
      return !(MAY_IMPORT[from] ?? []).includes(to) && !KNOWN.has(key);
    }).map(([key, files]) => `${key}: ${files.join(', ')}`);
    expect(bad).toEqual([]);
  });
  it('the known back-edges all still exist (remove an entry once its edge is gone)', () => {
    expect([...KNOWN].filter((k) => !edges.has(k))).toEqual([]);
  });
  it('the allowed edges have no cycle between folders', () => {
    const seen = new Set<string>();
    const stack = new Set<string>();
    const cycle = (f: string): boolean => {
      if (stack.has(f)) return true;
      if (seen.has(f)) return false;
      seen.add(f);
      stack.add(f);
      const found = (MAY_IMPORT[f] ?? []).some(cycle);
      stack.delete(f);
      return found;
    };
    expect(Object.keys(MAY_IMPORT).filter(cycle)).toEqual([]);
  });
  it('catches a back-edge (the check itself can fail)', () => {
    expect(MAY_IMPORT.sources).not.toContain('rules');
    expect(MAY_IMPORT.rules).not.toContain('report');
  });
});
