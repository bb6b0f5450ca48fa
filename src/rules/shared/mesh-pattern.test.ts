// The pattern analysis on hand-made pair sets (every shape, and which one wins when several could)
// and on the recorded lab matrices (test/fixtures/evidence/mesh).
import { describe, expect, it } from 'vitest';
import { explainMesh, matchPattern, splitsOf, symptomOf, type Split } from './mesh-pattern.js';
import { editCells, loadMesh, unreachable } from '../../../test/helpers/mesh-fixtures.js';

const NODES = ['a1', 'a2', 'b1', 'b2'];
const k = (f: string, t: string) => `${f}\u0000${t}`;
const ALL = new Set(NODES.flatMap((f) => NODES.filter((t) => t !== f).map((t) => k(f, t))));
const where = (p: (f: string, t: string) => boolean) => new Set([...ALL].filter((x) => p(...(x.split('\u0000') as [string, string]))));
const SPLITS: Split[] = [
  { property: 'subnet', value: '10.0.1.0/24', nodes: ['a1', 'a2'] },
  { property: 'subnet', value: '10.0.2.0/24', nodes: ['b1', 'b2'] },
  { property: 'label:zone', value: 'z1', nodes: ['a1', 'b1'] },
  { property: 'label:zone', value: 'z2', nodes: ['a2', 'b2'] },
];
const side = (n: string) => n[0];
const match = (failing: Set<string>) => matchPattern(NODES, ALL, failing, SPLITS);

describe('matchPattern', () => {
  it('everything', () => expect(match(ALL)).toEqual({ kind: 'all' }));
  it('a cut between the subnets, both ways and one way', () => {
    expect(match(where((f, t) => side(f) !== side(t)))).toMatchObject({ kind: 'cut', a: { value: '10.0.1.0/24' }, b: { value: '10.0.2.0/24', nodes: ['b1', 'b2'] }, direction: 'both' });
    expect(match(where((f, t) => side(f) === 'b' && side(t) === 'a'))).toMatchObject({ kind: 'cut', direction: 'b->a' });
  });
  it('a cut along a label when the subnets do not split it', () => {
    expect(match(where((f, t) => f.endsWith('1') !== t.endsWith('1')))).toMatchObject({ kind: 'cut', a: { property: 'label:zone', value: 'z1' } });
  });
  it('one node: its row, its column, both', () => {
    expect(match(where((f) => f === 'b2'))).toEqual({ kind: 'node', node: 'b2', side: 'row' });
    expect(match(where((_f, t) => t === 'b2'))).toEqual({ kind: 'node', node: 'b2', side: 'col' });
    expect(match(where((f, t) => f === 'a1' || t === 'a1'))).toEqual({ kind: 'node', node: 'a1', side: 'both' });
  });
  it('a group sharing a label: their rows, within the group too', () => {
    expect(match(where((f) => f.endsWith('1')))).toMatchObject({ kind: 'group', group: { property: 'label:zone', value: 'z1' }, side: 'row' });
  });
  it('one direction, else scattered', () => {
    expect(match(new Set([k('a1', 'b1'), k('a2', 'b2')]))).toEqual({ kind: 'direction' });
    expect(match(new Set([k('a1', 'b1'), k('b1', 'a1'), k('a2', 'b2')]))).toEqual({ kind: 'scattered' });
  });
  it('names what else the group shares', () => {
    const splits = [...SPLITS, { property: 'label:rack', value: 'r9', nodes: ['a1', 'a2'] }, { property: 'label:rack', value: 'r8', nodes: ['b1', 'b2'] }];
    expect(matchPattern(NODES, ALL, where((f, t) => side(f) !== side(t)), splits)).toMatchObject({ kind: 'cut', alsoShared: ['rack=r9'] });
  });
});

describe('splitsOf', () => {
  it('subnet first, then labels by key; a property every node shares splits nothing', () => {
    const m = loadMesh('healthy');
    expect(splitsOf(m, ['n1', 'n2', 'n3', 'n4']).map((s) => `${s.property}=${s.value}:${s.nodes.join(',')}`)).toEqual([
      'subnet=192.168.77.0/24:n1,n2', 'subnet=192.168.78.0/24:n3,n4', 'label:lab.podpath.io/subnet=0:n1,n2', 'label:lab.podpath.io/subnet=1:n3,n4',
    ]);
  });
});

describe('explainMesh on the recorded matrices', () => {
  it('healthy: nothing to explain', () => expect(explainMesh(loadMesh('healthy'))).toEqual([]));
  it('seed-003 size cut: one cut on the two planes that cross the router unencapsulated, the others passing', () => {
    const [e, ...rest] = explainMesh(loadMesh('size-cut'));
    expect(rest).toEqual([]);
    expect(e).toMatchObject({ symptom: 'size', pattern: { kind: 'cut', direction: 'both' }, planes: ['host->host', 'pod->host'], passingPlanes: ['host->pod', 'pod->pod'] });
    expect(e!.cells).toHaveLength(16);
  });
  it('bad UDP checksum on n2: one node, its sides per plane merged into one explanation', () => {
    const [e, ...rest] = explainMesh(loadMesh('bad-udp-checksum-n2'));
    expect(rest).toEqual([]);
    expect(e).toMatchObject({ symptom: 'reach', pattern: { kind: 'node', node: 'n2' }, sides: { 'host->pod': 'both', 'pod->host': 'col', 'pod->pod': 'col' }, passingPlanes: ['host->host'] });
  });
  it('each failing cell is claimed once', () => {
    const m = editCells(loadMesh('healthy'), (c) => c.from === 'n1' || (c.plane === 'pod->pod' && c.to === 'n4'), unreachable);
    const claimed = explainMesh(m).filter((e) => e.symptom === 'reach').flatMap((e) => e.cells);
    expect(claimed).toHaveLength(new Set(claimed).size);
    expect(claimed).toHaveLength(m.cells.filter((c) => symptomOf(c, 'reach') === 'fail').length);
  });
});
