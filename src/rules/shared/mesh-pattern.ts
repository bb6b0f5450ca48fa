// The pattern of a mesh matrix's failures: which cells fail (cannot reach, stop above a size, lose
// above a rate), and the one shape that explains them on each plane combination: everything, a
// cut between two groups of nodes, a group's row or column, one node's row or column, one
// direction of some pairs. Each failing cell is claimed by exactly one explanation, so the rules
// over it never name the same cells twice (a cut's cells are not also one node's). Pure.
import { PLANE_PAIRS, type MeshCell, type MeshMatrix, type PlanePair } from '../../evidence/mesh-matrix.js';
import { planeView } from '../../evidence/mesh-matrix.js';
import { pushAll } from '../../util/arrays.js';

/** What a failing cell failed at: reaching the peer at all, a size above a limit, a rate above one. */
export type Symptom = 'reach' | 'size' | 'rate';
export const SYMPTOMS: readonly Symptom[] = ['reach', 'size', 'rate'];

export type MatrixSide = 'row' | 'col' | 'both';

/** A property of a node a group shares: its subnet, or a label. */
export interface Split {
  /** `subnet` or `label:<key>`. */
  property: string;
  value: string;
  nodes: string[];
}

export type Pattern =
  | { kind: 'all' }
  | { kind: 'cut'; a: Split; b: { value: string; nodes: string[] }; direction: 'both' | 'a->b' | 'b->a'; alsoShared: string[] }
  | { kind: 'group'; group: Split; side: MatrixSide; alsoShared: string[] }
  | { kind: 'node'; node: string; side: MatrixSide }
  | { kind: 'direction' }
  | { kind: 'scattered' };

export interface Explanation {
  symptom: Symptom;
  pattern: Pattern;
  /** The plane combinations where this pattern is what fails. */
  planes: PlanePair[];
  /** Plane combinations measured for this symptom on which nothing failed. */
  passingPlanes: PlanePair[];
  /** The failing cells it explains, in matrix order. */
  cells: MeshCell[];
  /** Cells measured on its planes for this symptom that passed. */
  passing: MeshCell[];
  /** For a node or group: which side fails on each of its planes (its pattern's `side` is the first plane's). */
  sides: Partial<Record<PlanePair, MatrixSide>>;
}

/** Whether the cell measured the symptom, and if so whether it failed. Error cells measured nothing. */
export function symptomOf(c: MeshCell, s: Symptom): 'pass' | 'fail' | undefined {
  if (c.error) return undefined;
  if (s === 'reach') {
    if (!c.udp && !c.tcp) return undefined;
    const udpFail = c.udp !== undefined && c.udp.sent > 0 && c.udp.received < c.udp.sent;
    const tcpFail = c.tcp !== undefined && c.tcp.attempts > 0 && c.tcp.connected < c.tcp.attempts;
    return udpFail || tcpFail ? 'fail' : 'pass';
  }
  if (s === 'size') {
    if (!c.sweep) return undefined;
    // A sweep where nothing crossed is a reach failure, not a size limit.
    if (c.sweep.largestPassing === undefined) return undefined;
    return c.sweep.smallestFailing !== undefined ? 'fail' : 'pass';
  }
  if (!c.ramp) return undefined;
  return c.ramp.blackhole || c.ramp.lossOnsetBps !== undefined ? 'fail' : 'pass';
}

/** ICMP came back in full while UDP or TCP did not: the checksum class. */
export function icmpOnly(c: MeshCell): boolean {
  const i = c.icmp;
  if (!i || i.skipped || i.error || i.sent === 0 || i.received < i.sent) return false;
  return symptomOf(c, 'reach') === 'fail';
}

const key = (from: string, to: string) => `${from}\u0000${to}`;

/** Properties nodes may share, in the order they are tried: subnet first, then labels by key. */
export function splitsOf(m: Pick<MeshMatrix, 'nodes'>, names: string[]): Split[] {
  const props = new Map<string, Map<string, string[]>>();
  const add = (p: string, v: string, n: string) => {
    const byValue = props.get(p) ?? new Map<string, string[]>();
    props.set(p, byValue);
    byValue.set(v, [...(byValue.get(v) ?? []), n]);
  };
  const inPlane = new Set(names);
  const nodes = m.nodes.filter((n) => inPlane.has(n.name));
  for (const n of nodes) if (n.subnet !== undefined) add('subnet', n.subnet, n.name);
  const labelKeys = [...new Set(nodes.flatMap((n) => Object.keys(n.labels)))].sort();
  for (const k of labelKeys) for (const n of nodes) add(`label:${k}`, n.labels[k] ?? '', n.name);
  const out: Split[] = [];
  for (const [property, byValue] of props) {
    // A property every node shares, or that no two share, splits nothing a group can explain.
    if (byValue.size < 2) continue;
    for (const [value, ns] of byValue) out.push({ property, value, nodes: ns });
  }
  return out;
}

/** The one pattern of a plane's failing pairs among its measured ones. */
export function matchPattern(nodes: string[], measured: Set<string>, failing: Set<string>, splits: Split[]): Pattern {
  const same = (a: Set<string>) => a.size === failing.size && [...a].every((k) => failing.has(k));
  if (same(measured)) return { kind: 'all' };
  const pairsWhere = (pred: (from: string, to: string) => boolean) => {
    const s = new Set<string>();
    for (const f of nodes) for (const t of nodes) if (f !== t && measured.has(key(f, t)) && pred(f, t)) s.add(key(f, t));
    return s;
  };
  const sides = (inG: (n: string) => boolean): MatrixSide | undefined => {
    if (same(pairsWhere((f) => inG(f)))) return 'row';
    if (same(pairsWhere((_f, t) => inG(t)))) return 'col';
    if (same(pairsWhere((f, t) => inG(f) || inG(t)))) return 'both';
    return undefined;
  };
  for (const n of nodes) {
    const side = sides((x) => x === n);
    if (side) return { kind: 'node', node: n, side };
  }
  const sharedBy = (group: string[], except: Split) => splits
    .filter((s) => s !== except && s.property !== except.property && s.nodes.length === group.length && s.nodes.every((n) => group.includes(n)))
    .map((s) => (s.property === 'subnet' ? s.value : `${s.property.replace(/^label:/, '')}=${s.value}`));
  for (const s of splits) {
    const inA = (n: string) => s.nodes.includes(n);
    const rest = nodes.filter((n) => !inA(n));
    const restValues = [...new Set(splits.filter((o) => o.property === s.property && o !== s).map((o) => o.value))];
    const b = { value: restValues.length === 1 ? restValues[0]! : '', nodes: rest };
    const dir = same(pairsWhere((f, t) => inA(f) !== inA(t))) ? 'both'
      : same(pairsWhere((f, t) => inA(f) && !inA(t))) ? 'a->b'
        : same(pairsWhere((f, t) => !inA(f) && inA(t))) ? 'b->a' : undefined;
    if (dir && rest.length >= 1) {
      // Name the cut from the group listed first (a 2-way split is found from both sides).
      return { kind: 'cut', a: s, b, direction: dir, alsoShared: sharedBy(s.nodes, s) };
    }
  }
  for (const s of splits) {
    if (s.nodes.length < 2) continue;
    const side = sides((n) => s.nodes.includes(n));
    if (side) return { kind: 'group', group: s, side, alsoShared: sharedBy(s.nodes, s) };
  }
  const oneWay = [...failing].every((k) => {
    const [f, t] = k.split('\u0000') as [string, string];
    return measured.has(key(t, f)) && !failing.has(key(t, f));
  });
  return oneWay ? { kind: 'direction' } : { kind: 'scattered' };
}

// Every mesh rule asks for the same analysis of the same matrix: computed once per matrix object.
const cache = new WeakMap<object, Explanation[]>();

/** Every failing cell of the matrix, explained: one entry per symptom and pattern, planes merged. */
export function explainMesh(m: Pick<MeshMatrix, 'cells' | 'nodes'>): Explanation[] {
  const hit = cache.get(m);
  if (hit) return hit;
  const out = analyse(m);
  cache.set(m, out);
  return out;
}

function analyse(m: Pick<MeshMatrix, 'cells' | 'nodes'>): Explanation[] {
  const out: Explanation[] = [];
  for (const symptom of SYMPTOMS) {
    const byPattern = new Map<string, Explanation>();
    const passingPlanes: PlanePair[] = [];
    const found: Explanation[] = [];
    for (const plane of PLANE_PAIRS) {
      const cells = planeView(m, plane).cells.filter((c) => symptomOf(c, symptom) !== undefined);
      if (cells.length === 0) continue;
      const failingCells = cells.filter((c) => symptomOf(c, symptom) === 'fail');
      if (failingCells.length === 0) {
        passingPlanes.push(plane);
        continue;
      }
      const nodes = [...new Set(cells.flatMap((c) => [c.from, c.to]))];
      const order = new Map(m.nodes.map((n, i) => [n.name, i]));
      nodes.sort((a, b) => (order.get(a) ?? 1e9) - (order.get(b) ?? 1e9) || a.localeCompare(b));
      const pattern = matchPattern(nodes, new Set(cells.map((c) => key(c.from, c.to))), new Set(failingCells.map((c) => key(c.from, c.to))), splitsOf(m, nodes));
      // One node's (or group's) failures on several planes are one explanation, its side per plane.
      const k = JSON.stringify(pattern.kind === 'node' || pattern.kind === 'group' ? { ...pattern, side: undefined } : pattern);
      const side = pattern.kind === 'node' || pattern.kind === 'group' ? pattern.side : undefined;
      const e = byPattern.get(k);
      const passing = cells.filter((c) => symptomOf(c, symptom) === 'pass');
      if (e) {
        e.planes.push(plane);
        if (side) e.sides[plane] = side;
        pushAll(e.cells, failingCells);
        pushAll(e.passing, passing);
      } else {
        const x: Explanation = { symptom, pattern, planes: [plane], passingPlanes, cells: failingCells, passing, sides: side ? { [plane]: side } : {} };
        byPattern.set(k, x);
        found.push(x);
      }
    }
    pushAll(out, found);
  }
  return out;
}

/** The matrix's explanations of one kind of pattern. */
export function explanationsOf<K extends Pattern['kind']>(m: Pick<MeshMatrix, 'cells' | 'nodes'>, kind: K): (Explanation & { pattern: Extract<Pattern, { kind: K }> })[] {
  return explainMesh(m).filter((e): e is Explanation & { pattern: Extract<Pattern, { kind: K }> } => e.pattern.kind === kind);
}
