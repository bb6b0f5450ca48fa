// A mesh matrix (podpath mesh) as HTML: the summary, the findings of the mesh rules, then per plane
// combination one map per probe (UDP loss, the largest size the DF sweep got across, the round
// trip, the rate ramp). Nodes are grouped by the cut a finding names, then by subnet, the nodes with
// the most short cells first, so a cut is a block and a bad node a line. What the findings name is
// outlined on the maps (explainMesh: the same analysis the mesh rules ran). What a click shows is
// data, once per mesh, in a JSON block (meshData): a cell's numbers are one compact record, each
// distinct record written once and a plane a list of their indexes; the counters, sweep tries and
// the place of each loss of the short cells (up to LIMITS.htmlMeshDetails) are strings, each
// written once, that the page's script puts into the template's words.
import { PLANE_PAIRS, planeView, type MeshCell, type MeshMatrix, type PlanePair } from '../../evidence/mesh-matrix.js';
import { probeEvidenceOf } from '../../evidence/mesh-probe.js';
import type { Lang, Localized } from '../../engine/types.js';
import { placeLoss, type LossPlace } from '../../rules/shared/loss-place.js';
import { explainMesh, type Explanation, type MatrixSide as Side } from '../../rules/shared/mesh-pattern.js';
import { groupName } from '../../rules/shared/mesh-quote.js';
import { LIMITS } from '../../util/limits.js';
import { formatRate } from '../../util/units.js';
import { cellShortfall } from '../mesh.js';
import { show } from '../safe-text.js';
import { findingView, heading, type Ids } from './doctor-view.js';
import { dataBlock, html, plainText, type SafeHtml } from './html.js';
import { fill, tr, type Text } from './i18n.js';
import type { MeshPart } from './model.js';
import { w } from './words.js';
import { mw, PLACE_WORDS, type MeshWordKey } from './mesh-words.js';
import { summaryView, type SummaryData } from './summary.js';
import { findingsSummary, twinOf } from './part-summary.js';
import { cellSizeFor, meshMap, type MapFill, type MapMark } from './svg/mesh-map.js';
import { fmt } from './svg/common.js';

const GOOD = '#cfe8d3';
const SOME = '#f3c98b';
const MOST = '#e07b39';
const ALL = '#8f1d00';
const BLUES = ['#deebf7', '#9ecae1', '#4292c6', '#08306b'];

type Probe = 'loss' | 'size' | 'rtt' | 'rate';
const PROBE_WORD: Record<Probe, MeshWordKey> = { loss: 'probeLoss', size: 'probeSize', rtt: 'probeRtt', rate: 'probeRate' };
const SYMPTOM: Record<Probe, Explanation['symptom'] | undefined> = { loss: 'reach', size: 'size', rtt: undefined, rate: 'rate' };

function lossFill(c: MeshCell | undefined): MapFill {
  if (!c) return undefined;
  if (c.error) return 'na';
  if (!c.udp) return undefined;
  if (c.udp.sent === 0) return 'na';
  const lost = 1 - c.udp.received / c.udp.sent;
  return lost <= 0 ? GOOD : lost < 0.5 ? SOME : lost < 1 ? MOST : ALL;
}

function sizeFill(c: MeshCell | undefined): MapFill {
  if (!c) return undefined;
  if (c.error) return 'na';
  if (!c.sweep) return undefined;
  if (c.sweep.largestPassing === undefined) return ALL;
  if (c.sweep.smallestFailing === undefined) return GOOD;
  return c.sweep.largestPassing >= 1400 ? SOME : MOST;
}

function rttFill(c: MeshCell | undefined): MapFill {
  if (!c) return undefined;
  if (c.error) return 'na';
  const avg = c.udp?.rttMs?.avg;
  if (avg === undefined) return c.udp ? 'na' : undefined;
  return BLUES[avg < 1 ? 0 : avg < 5 ? 1 : avg < 50 ? 2 : 3];
}

function rateFill(c: MeshCell | undefined): MapFill {
  if (!c) return undefined;
  if (!c.ramp) return c.error && c.stage === 'ramp' ? 'na' : undefined;
  return c.ramp.blackhole ? ALL : c.ramp.lossOnsetBps !== undefined ? MOST : GOOD;
}

const FILLS: Record<Probe, (c: MeshCell | undefined) => MapFill> = { loss: lossFill, size: sizeFill, rtt: rttFill, rate: rateFill };

const LEGEND: Record<Probe, [string, MeshWordKey][]> = {
  loss: [[GOOD, 'lossNone'], [SOME, 'lossSome'], [MOST, 'lossMost'], [ALL, 'lossAll']],
  size: [[GOOD, 'sizeAll'], [SOME, 'sizeMtu'], [MOST, 'sizeLow'], [ALL, 'sizeNone']],
  rtt: [[BLUES[0]!, 'rtt1'], [BLUES[1]!, 'rtt5'], [BLUES[2]!, 'rtt50'], [BLUES[3]!, 'rttMore']],
  rate: [[GOOD, 'rateClean'], [MOST, 'rateLoss'], [ALL, 'rateBlackhole']],
};

/** The order of the places in the page's template (a cell's record holds the index). */
const PLACES = Object.keys(PLACE_WORDS) as LossPlace[];

/** The rule that reports each kind of explanation. */
const RULE_OF: Record<string, string> = { cut: 'mesh-cut', node: 'mesh-node', group: 'mesh-group', all: 'mesh-all-fail', direction: 'mesh-one-direction', scattered: 'mesh-scattered' };

interface Grid {
  plane: PlanePair;
  /** Cell of node i to node j at i * n + j. */
  cells: (MeshCell | undefined)[];
}

export interface MeshLayout {
  names: string[];
  /** Display position -> node index. */
  order: number[];
  groupStarts: number[];
  grids: Grid[];
}

/** Nodes, planes and the cells per plane, and the order the maps draw them in. */
export function meshLayout(m: MeshMatrix, explanations: readonly Explanation[]): MeshLayout {
  const names = m.nodes.map((x) => x.name);
  const index = new Map(names.map((x, i) => [x, i]));
  // Cells may name nodes the header does not (a hostile file): they get a row too.
  for (const c of m.cells) {
    for (const x of [c.from, c.to]) {
      if (!index.has(x)) {
        index.set(x, names.length);
        names.push(x);
      }
    }
  }
  const n = names.length;
  const grids: Grid[] = [];
  for (const plane of PLANE_PAIRS) {
    const v = planeView(m, plane);
    if (v.cells.length === 0) continue;
    const cells = new Array<MeshCell | undefined>(n * n);
    for (const c of v.cells) cells[index.get(c.from)! * n + index.get(c.to)!] = c;
    grids.push({ plane, cells });
  }
  const short = new Array<number>(n).fill(0);
  for (const g of grids) {
    g.cells.forEach((c, k) => {
      if (c && cellShortfall(c).length > 0) {
        short[Math.floor(k / n)]!++;
        short[k % n]!++;
      }
    });
  }
  const cut = explanations.find((e) => e.pattern.kind === 'cut')?.pattern;
  const sideA = new Set(cut?.kind === 'cut' ? cut.a.nodes : []);
  const subnet = (i: number) => m.nodes[i]?.subnet ?? '\uffff';
  const groupKey = (i: number) => `${sideA.has(names[i]!) ? 0 : 1}\u0000${subnet(i)}`;
  const order = names.map((_, i) => i).sort((a, b) => {
    const ga = groupKey(a);
    const gb = groupKey(b);
    return ga < gb ? -1 : ga > gb ? 1 : short[b]! - short[a]! || a - b;
  });
  const groupStarts = order.map((i, p) => (p > 0 && groupKey(i) !== groupKey(order[p - 1]!) ? p : -1)).filter((p) => p > 0);
  return { names, order, groupStarts, grids };
}

/** Display positions of a set of nodes as runs [from, to). */
function runsOf(nodes: readonly string[], layout: MeshLayout): { from: number; to: number }[] {
  const want = new Set(nodes);
  const out: { from: number; to: number }[] = [];
  layout.order.forEach((i, p) => {
    if (!want.has(layout.names[i]!)) return;
    const last = out.at(-1);
    if (last && last.to === p) last.to = p + 1;
    else out.push({ from: p, to: p + 1 });
  });
  return out;
}

function sideWord(s: Side): Localized {
  return mw(s === 'row' ? 'sideRow' : s === 'col' ? 'sideCol' : 'sideBoth');
}

function lines(runs: { from: number; to: number }[], side: Side, n: number): { r0: number; r1: number; c0: number; c1: number }[] {
  const out: { r0: number; r1: number; c0: number; c1: number }[] = [];
  for (const r of runs) {
    if (side !== 'col') out.push({ r0: r.from, r1: r.to, c0: 0, c1: n });
    if (side !== 'row') out.push({ r0: 0, r1: n, c0: r.from, c1: r.to });
  }
  return out;
}

/** What an explanation looks like on a map of its plane. */
function markOf(e: Explanation, plane: PlanePair, layout: MeshLayout): MapMark {
  const n = layout.order.length;
  const p = e.pattern;
  const rule = RULE_OF[p.kind] ?? p.kind;
  if (p.kind === 'cut') {
    const a = runsOf(p.a.nodes, layout);
    const b = runsOf(p.b.nodes, layout);
    const an = groupName(p.a);
    const bn = p.b.value ? groupName({ property: p.a.property, value: p.b.value }) : '*';
    const boxes: { r0: number; r1: number; c0: number; c1: number }[] = [];
    const cross = (rows: typeof a, cols: typeof b) => {
      for (const r of rows) for (const c of cols) boxes.push({ r0: r.from, r1: r.to, c0: c.from, c1: c.to });
    };
    if (p.direction !== 'b->a') cross(a, b);
    if (p.direction !== 'a->b') cross(b, a);
    const dir = p.direction === 'both' ? '' : p.direction === 'a->b' ? fill(mw('onlyDir'), { from: an, to: bn }) : fill(mw('onlyDir'), { from: bn, to: an });
    const dirText = (l: Lang) => (typeof dir === 'string' ? dir : dir[l]);
    const label: Localized = { en: fill(mw('drawnCut'), { finding: rule, a: an, b: bn, dir: dirText('en') }).en, zh: fill(mw('drawnCut'), { finding: rule, a: an, b: bn, dir: dirText('zh') }).zh };
    const contiguous = a.length === 1 && b.length === 1 && a[0]!.to === b[0]!.from;
    return { label, boxes, ...(contiguous ? { cutAt: a[0]!.to } : {}) };
  }
  if (p.kind === 'node' || p.kind === 'group') {
    const side = e.sides[plane] ?? p.side;
    const nodes = p.kind === 'node' ? [p.node] : p.group.nodes;
    const sw = sideWord(side);
    const label: Localized = p.kind === 'node'
      ? { en: fill(mw('drawnNode'), { finding: rule, node: p.node, side: sw.en }).en, zh: fill(mw('drawnNode'), { finding: rule, node: p.node, side: sw.zh }).zh }
      : { en: fill(mw('drawnGroup'), { finding: rule, group: groupName(p.group), side: sw.en }).en, zh: fill(mw('drawnGroup'), { finding: rule, group: groupName(p.group), side: sw.zh }).zh };
    return { label, boxes: lines(runsOf(nodes, layout), side, n) };
  }
  const kind = mw(p.kind === 'all' ? 'kindAll' : p.kind === 'direction' ? 'kindDirection' : 'kindScattered');
  // The failing cells themselves, outlined one by one (a scattered pattern has no shape to draw).
  const pos = new Map(layout.order.map((i, q) => [layout.names[i]!, q]));
  const boxes = p.kind === 'all' ? [{ r0: 0, r1: n, c0: 0, c1: n }] : e.cells.filter((c) => c.plane === plane).slice(0, 200).map((c) => {
    const r = pos.get(c.from) ?? 0;
    const q = pos.get(c.to) ?? 0;
    return { r0: r, r1: r + 1, c0: q, c1: q + 1 };
  });
  return { label: { en: fill(mw('drawnOther'), { finding: rule, kind: kind.en }).en, zh: fill(mw('drawnOther'), { finding: rule, kind: kind.zh }).zh }, boxes };
}

/** A field of a cell's record: no separator of the record format can come from input. */
function field(v: string | number | undefined): string {
  if (v === undefined) return '';
  return String(v).replace(/[|;]/g, '?');
}

/** A cell's numbers: udp, arrived, rtt, size, smallest failing, tcp, icmp, loss onset, blackhole, error, place, detail. */
function record(c: MeshCell | undefined, place: LossPlace | undefined, detail: number | undefined): string {
  if (!c) return '';
  const u = c.udp;
  const f = [
    u ? `${u.received}/${u.sent}` : undefined,
    u?.arrivedAtPeer,
    u?.rttMs ? fmt(u.rttMs.avg) : undefined,
    c.sweep ? c.sweep.largestPassing ?? '-' : undefined,
    c.sweep?.smallestFailing,
    c.tcp ? `${c.tcp.connected}/${c.tcp.attempts}` : undefined,
    c.icmp ? (c.icmp.skipped || c.icmp.error ? '-' : `${c.icmp.received}/${c.icmp.sent}`) : undefined,
    c.ramp?.lossOnsetBps !== undefined ? formatRate(c.ramp.lossOnsetBps) : undefined,
    c.ramp?.blackhole ? 1 : undefined,
    c.error ? show(c.error.code, 64) : undefined,
    place === undefined || place === 'delivered' ? undefined : PLACES.indexOf(place),
    detail,
  ].map(field);
  while (f.length > 0 && f[f.length - 1] === '') f.pop();
  return f.join('|');
}

const FIELDS: [string, MeshWordKey][] = [['udp', 'fUdp'], ['arr', 'fArr'], ['rtt', 'fRtt'], ['size', 'fSize'], ['sfail', 'fSfail'], ['tcp', 'fTcp'], ['icmp', 'fIcmp'], ['onset', 'fOnset'], ['bh', 'fBh'], ['err', 'fErr']];

/** The pair panel the script fills: one row per field, the places' words, a slot for the counters. */
function template(): SafeHtml {
  const rows = FIELDS.map(([k, word]) => html`<div data-k="${k}"><dt>${tr(mw(word))}</dt><dd data-f="${k}"></dd></div>`);
  const places = PLACES.map((p, i) => html`<span data-p="${i}" hidden>${tr(PLACE_WORDS[p])}</span>`);
  return html`<div class="mesh-tpl" hidden><div class="pair"><p class="pair-h"><strong><span data-f="from"></span> ${'→'} <span data-f="to"></span></strong> (<span data-f="plane"></span>)</p><p data-k="none">${tr(mw('noCell'))}</p><dl class="pair-dl">${rows}<div data-k="place"><dt>${tr(mw('fPlace'))}</dt><dd>${places}</dd></div></dl><div class="pair-more"></div></div>${detailTemplate()}</div>`;
}

interface Detail {
  cell: MeshCell;
  place?: ReturnType<typeof placeLoss>;
}

/** The counters that say where a packet went: UDP's, the drops and errors, and the devices on the path. */
const NETSTAT_KEPT = /ReversePath|Csum|Drop|Err|Fail|Overflow|Prune|Retrans|Reset|Timeout/i;

/** Strings written once in the mesh's data (a node's counters repeat across its pairs): a detail holds indexes. */
interface Strings {
  index(s: string): number;
}

/** What a short cell's click adds, as indexes into the strings (see MeshData). */
interface DetailData {
  /** The cell's error: `code: message`. */
  e?: number;
  /** The probes the agent refused: `probe: code: message`. */
  x?: number[];
  /** Why the loss is placed where it is: evidence lines. */
  p?: number[];
  /** The DF sweep's tries. */
  t?: number;
  /** The rate ramp's steps. */
  s?: number;
  /** The counters' window (ms) and, per end, its name and the counters that moved. */
  w?: number;
  c?: number[];
}

function countersData(c: MeshCell, str: Strings): number[] {
  const ends: number[] = [];
  const end = (name: string, own: MeshCell['counters']['from'], node: MeshCell['counters']['fromNode'], devs: { nic?: string; overlay?: string } | undefined) => {
    const items: [string, number][] = [];
    for (const d of [own, node]) {
      if (!d) continue;
      for (const [k, v] of Object.entries(d.udp)) items.push([`Udp ${k}`, v]);
      for (const [k, v] of Object.entries(d.netstat)) if (NETSTAT_KEPT.test(k)) items.push([k, v]);
    }
    const ifs = (node ?? own)?.interfaces ?? {};
    for (const dev of [devs?.nic, devs?.overlay]) {
      if (dev === undefined) continue;
      const x = ifs[dev];
      items.push([`${dev} rx_packets`, x?.rxPackets ?? 0], [`${dev} rx_dropped`, x?.rxDropped ?? 0], [`${dev} tx_packets`, x?.txPackets ?? 0]);
      if (x?.rxErrors) items.push([`${dev} rx_errors`, x.rxErrors]);
    }
    if (items.length === 0) return;
    ends.push(str.index(show(name, 64)), str.index(items.slice(0, 40).map(([k, v]) => `${show(k, 80)} ${v > 0 ? '+' : ''}${v}`).join(', ')));
  };
  end(c.from, c.counters.from, c.counters.fromNode, c.devices?.from);
  end(c.to, c.counters.to, c.counters.toNode, c.devices?.to);
  return ends;
}

function detailData(d: Detail, str: Strings): DetailData {
  const c = d.cell;
  const out: DetailData = {};
  if (c.error) out.e = str.index(`${show(c.error.code, 64)}: ${show(c.error.message)}`);
  if (c.refused.length > 0) out.x = c.refused.map((r) => str.index(`${show(r.probe, 16)}: ${show(r.code, 64)}: ${show(r.message)}`));
  if (d.place && d.place.place !== 'delivered' && d.place.evidence.length > 0) out.p = d.place.evidence.map((l) => str.index(show(l.text)));
  if (c.sweep && c.sweep.tries.length > 0) out.t = str.index(c.sweep.tries.map((t) => `${t.size}: ${t.arrived}/${t.sent}`).join(', '));
  if (c.ramp && c.ramp.steps.length > 0) out.s = str.index(c.ramp.steps.slice(0, 64).map((t) => `${formatRate(t.rateBps)}: ${t.arrived}/${t.sent}`).join(', '));
  const counters = countersData(c, str);
  if (counters.length > 0) {
    out.w = str.index(fmt(c.counters.windowMs));
    out.c = counters;
  }
  return out;
}

/**
 * What the page's script shows on a click, in the mesh's JSON block: `r` the distinct cell
 * records ('' first: no cell), `p` per plane (in the page's order) the record index of each pair
 * (node i to node j at i * n + j), `d` the short cells' details, `s` their strings.
 */
export interface MeshData {
  r: string[];
  p: number[][];
  d: DetailData[];
  s: string[];
}

/** A list where each string is kept once. */
function stringList(): { list: string[]; index(s: string): number } {
  const list: string[] = [];
  const at = new Map<string, number>();
  return {
    list,
    index(s) {
      const clean = plainText(s);
      let i = at.get(clean);
      if (i === undefined) {
        i = list.length;
        list.push(clean);
        at.set(clean, i);
      }
      return i;
    },
  };
}

/** The words around a short cell's details; the script fills the marked places and drops the parts a cell lacks. */
function detailTemplate(): SafeHtml {
  return html`<div class="pair-detail"><p data-d="e"><code data-v></code></p><ul data-d="x" class="evidence"></ul><div data-d="p"><p>${tr(mw('placeEvidence'))}:</p><ul class="evidence"></ul></div><p data-d="t" class="mono">${tr(mw('sweepTries'))}: <span data-v></span></p><p data-d="s" class="mono">${tr(mw('rampSteps'))}: <span data-v></span></p><div data-d="c"><p>${tr(mw('counters'))} (<span data-v></span> ms):</p><ul class="counters"></ul></div></div>`;
}

function legend(probe: Probe): SafeHtml {
  const items = LEGEND[probe].map(([color, word]) => html`<li><svg width="12" height="12" aria-hidden="true"><rect width="12" height="12" fill="${color}"/></svg> ${tr(mw(word))}</li>`);
  return html`<ul class="legend" aria-label="${mw('legend').en} / ${mw('legend').zh}">${items}<li><svg width="12" height="12" aria-hidden="true"><rect width="12" height="12" fill="#f2f2f2" stroke="#8a8a8a"/></svg> ${tr(mw('notMeasured'))}</li></ul>`;
}

/** The mesh's summary, as the doctor's: the verdict, counts by severity, the top finding. */
export function meshSummary(part: MeshPart, anchor: string, short: number, cells: number, planes: number): SummaryData {
  const findings = part.findings ?? [];
  const verdict: SummaryData['verdict'] = findings.length > 0 ? 'findings' : part.findings === undefined || part.matrix.errors.length > 0 ? 'inconclusive' : 'healthy';
  const n = part.matrix.nodes.length;
  const extra = html`<p class="mesh-line" data-nodes="${n}" data-cells="${cells}" data-short="${short}" data-findings="${findings.length}">${tr(fill(mw('meshLine'), { nodes: n, cells, planes, short }))}</p>`;
  return findingsSummary({ findings, translation: part.translation, lang: part.lang, anchor: (i) => `${anchor}-f${i}`, about: 'mesh', verdict, extra, judged: part.judged });
}

export function meshView(part: MeshPart, prefix: string, ids: Ids): { summary: SafeHtml; body: SafeHtml; subject: Text } {
  const m = part.matrix;
  const judged = part.findings !== undefined;
  const explanations = judged ? explainMesh(m) : [];
  const layout = meshLayout(m, explanations);
  const n = layout.names.length;
  const anchor = `${prefix}mesh`;
  let short = 0;
  let total = 0;
  const details: DetailData[] = [];
  const strings = stringList();
  const recs = stringList();
  recs.index('');
  let dropped = 0;
  const limit = LIMITS.htmlMeshDetails.value;
  // Each plane gets its share of the details, so every map has short cells to click.
  const perPlane = Math.max(1, Math.floor(limit / Math.max(1, layout.grids.length)));
  const cellsOf: number[][] = [];
  let firstMap: string | undefined;
  const planes = layout.grids.map((g, gi) => {
    const records = Array.from(g.cells, (c) => {
      if (!c) return 0;
      total++;
      const isShort = cellShortfall(c).length > 0;
      const p = probeEvidenceOf(c);
      const placed = p ? placeLoss(p) : undefined;
      let det: number | undefined;
      if (isShort) {
        short++;
        if (details.length < limit && details.length < perPlane * (gi + 1)) {
          det = details.length;
          details.push(detailData({ cell: c, place: placed }, strings));
        } else dropped++;
      }
      return recs.index(record(c, placed?.place, det));
    });
    cellsOf.push(records);
    const probes = (['loss', 'size', 'rtt', 'rate'] as Probe[]).filter((pr) => g.cells.some((c) => FILLS[pr](c) !== undefined && (c?.error === undefined || pr === 'loss')));
    const figures = probes.map((pr) => {
      const sym = SYMPTOM[pr];
      const marks = sym === undefined ? [] : explanations.filter((e) => e.symptom === sym && e.planes.includes(g.plane)).map((e) => markOf(e, g.plane, layout));
      const title = { en: `${g.plane}: ${mw(PROBE_WORD[pr]).en}`, zh: `${g.plane}:${mw(PROBE_WORD[pr]).zh}` };
      const id = `${anchor}-p${gi}-${pr}`;
      // Every map of the mesh has the same names in the same order: the first one's labels serve all.
      const map = meshMap({ id, lang: part.lang, title, desc: mw('mapDesc'), names: layout.names, order: layout.order, groupStarts: layout.groupStarts, marks, fill: (i, j) => FILLS[pr](g.cells[i * n + j]), ...(firstMap === undefined ? {} : { labelsOf: firstMap }) });
      firstMap ??= id;
      const drawn = marks.length === 0 ? '' : html`<ul class="drawn">${marks.map((mk) => html`<li>${tr(mk.label)}</li>`)}</ul>`;
      return html`<figure class="mesh-fig" data-probe="${pr}"><figcaption>${tr(title)}</figcaption><div class="scroll">${map}</div>${legend(pr)}${drawn}<div class="cell-detail" aria-live="polite"><p class="hint">${tr(w('cellHint'))}</p></div></figure>`;
    });
    return html`<section class="mesh-plane" data-plane="${g.plane}" data-g="${gi}" aria-labelledby="${anchor}-pl${gi}">${heading(3, tr(fill(mw('planeHeading'), { plane: g.plane })), `${anchor}-pl${gi}`)}<div class="mesh-figs">${figures}</div></section>`;
  });
  const summary = meshSummary(part, anchor, short, total, layout.grids.length);
  const findings = (part.findings ?? []).map((f, i) => findingView(f, twinOf(f, i, part.translation), part.lang, `${anchor}-f${i}`, 3, ids));
  const notJudged = judged ? '' : html`<p class="note" role="note">${tr(fill(mw('notJudged'), { n: LIMITS.meshRuleNodes.value }))}</p>`;
  const capped = dropped === 0 ? '' : html`<p class="note" role="note">${tr(fill(mw('detailsCapped'), { shown: details.length, left: dropped, limit }))}</p>`;
  const names = html`<ol class="mesh-names" hidden>${layout.names.map((x) => html`<li>${show(x, 253)}</li>`)}</ol>`;
  const meta = html`<p class="meta">${tr(fill(mw('meshFrom'), { from: show(part.from), at: show(m.startedAt) }))}</p>`;
  const body = html`<section class="mesh" id="${anchor}" aria-labelledby="${anchor}-h" data-size="${cellSizeFor(n)}">${heading(2, tr(mw('meshHeading')), `${anchor}-h`)}${meta}${notJudged}${findings.length > 0 ? heading(3, html`${tr(w('findingsHeading'))} (${findings.length})`) : ''}${findings}${planes}${capped}${names}${template()}${dataBlock(`${anchor}-data`, { r: recs.list, p: cellsOf, d: details, s: strings.list } satisfies MeshData)}</section>`;
  return { summary: summaryView(summary, `${prefix}summary`), body, subject: fill(mw('meshSubject'), { n }) };
}
