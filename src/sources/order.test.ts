// Sources declare what they read from other sources in one way (`reads`); the collector orders by
// it, runs what a needed section reads, and refuses a cycle or a section nobody provides.
import { describe, expect, it } from 'vitest';
import type { EvidenceKey } from '../evidence/node-facts.js';
import { collectFromHost, orderSources, selectSources } from './collect.js';
import { allSources } from './registry.js';
import type { EvidenceSource, FactsPart, HostReader } from './types.js';

const src = (id: string, provides: EvidenceKey[], reads: EvidenceKey[] = []): EvidenceSource => ({
  id, provides, reads, commands: [], files: [], read: async () => ({}),
});
const ids = (l: EvidenceSource[]) => l.map((s) => s.id);

describe('source order', () => {
  it('runs each source after the providers of what it reads, the list order otherwise', () => {
    const l = [src('fdb', ['fdb'], ['links']), src('os', ['os']), src('routes', ['routes'], ['links', 'cni']), src('links', ['links']), src('cni', ['cni'])];
    expect(ids(orderSources(l, l))).toEqual(['links', 'fdb', 'os', 'cni', 'routes']);
  });
  it('refuses a cycle, naming it', () => {
    const l = [src('a', ['links'], ['routes']), src('b', ['routes'], ['fdb']), src('c', ['fdb'], ['links'])];
    expect(() => orderSources(l, l)).toThrow(expect.objectContaining({ code: 'E_SOURCE_ORDER' }));
    expect(() => orderSources(l, l)).toThrow('sources read each other in a cycle: a -> b -> c -> a');
  });
  it('refuses a read that no source provides, and two providers of one section', () => {
    const lone = [src('fdb', ['fdb'], ['links'])];
    expect(() => orderSources(lone, lone)).toThrow('source fdb reads links, which no source provides');
    // left out of a chosen subset of the real sources, links is just absent
    expect(ids(orderSources(lone))).toEqual(['fdb']);
    expect(() => orderSources([src('a', ['links']), src('b', ['links'])])).toThrow('sources a and b both provide links');
  });
  it('the real sources have an order, and every read names a section another source provides', () => {
    const all = allSources();
    const order = ids(orderSources(all));
    for (const s of all) for (const k of s.reads) {
      const p = all.find((x) => x.provides.includes(k))!;
      expect(order.indexOf(p.id), `${s.id} reads ${k}`).toBeLessThan(order.indexOf(s.id));
    }
  });
  it('asking for a section also runs, transitively, the sources of what its source reads', () => {
    // `ip route get` targets come from the links, the routes and the pod network (cni's subnet.env).
    expect(ids(selectSources(allSources(), ['routeGets']))).toEqual(['cni', 'links', 'routes']);
    expect(ids(selectSources(allSources(), ['nics']))).toEqual(['links', 'ethtool']);
  });
  it('a source is handed only the sections it declared it reads', async () => {
    const seen: FactsPart[] = [];
    const spy = (id: string, provides: EvidenceKey[], reads: EvidenceKey[]): EvidenceSource => ({
      ...src(id, provides, reads),
      read: async (_h, facts) => {
        seen.push(facts);
        return id === 'links' ? { links: { items: [], source: 'x' } } : id === 'os' ? { os: { id: 'x', source: 'y' } as FactsPart['os'] } : {};
      },
    });
    const host = { kind: 'bundle', origin: { kind: 'bundle', path: 'x' }, readFile: async () => undefined, listDir: async () => [], run: async () => undefined, explain: () => undefined } as unknown as HostReader;
    await collectFromHost(host as never, { sources: [spy('links', ['links'], []), spy('os', ['os'], []), spy('fdb', ['fdb'], ['links'])] });
    expect(Object.keys(seen[2]!)).toEqual(['links']);
  });
});
