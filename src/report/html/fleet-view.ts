// Several nodes: the fleet table (one row per node, as the text report's), the rule results of
// every node as a heatmap (a bad node is a dark row, a rule failing everywhere a dark column),
// and the nodes' facts side by side with the rows where they differ marked.
import { SEVERITY_ORDER } from '../../engine/run-rules.js';
import type { Localized, RuleResult, Severity } from '../../engine/types.js';
import { fleetRows, type FleetRow } from '../fleet.js';
import { show } from '../safe-text.js';
import { sevBadge, nodeTitle } from './doctor-view.js';
import { html, type SafeHtml } from './html.js';
import { paired, tr, type Text } from './i18n.js';
import { isUnreadable, type DoctorNode, type NodeEntry } from './model.js';
import { heatmap } from './svg/heatmap.js';
import { inBoth, sev, w } from './words.js';

const STATUS_WORD = { healthy: 'healthy', findings: 'withFindings', inconclusive: 'inconclusive', unreadable: 'unreadable' } as const;

export function fleetTable(nodes: readonly NodeEntry[], anchors: readonly string[]): SafeHtml {
  const rows: FleetRow[] = fleetRows([...nodes]);
  const head = html`<tr><th scope="col">${tr(w('node'))}</th><th scope="col">${tr(w('origin'))}</th><th scope="col">${tr(w('kernel'))}</th>${SEVERITY_ORDER.map((s) => html`<th scope="col" class="num">${sevBadge(s)}</th>`)}<th scope="col">${tr(w('topFinding'))}</th><th scope="col">${tr(w('status'))}</th></tr>`;
  const body = nodes.map((e, i) => {
    const row = rows[i]!;
    const counts = SEVERITY_ORDER.map((s) => html`<td class="num" data-severity="${s}">${row.counts ? row.counts[s] : '-'}</td>`);
    let top: SafeHtml;
    if (isUnreadable(e)) top = html`<code>${show(`${e.error.code}: ${e.error.message}`)}</code>`;
    else {
      const f = e.report.findings[0];
      const g = e.translation?.findings[0];
      top = f
        ? html`<a href="#${anchors[i]!}-f0">${tr(paired(e.report.lang, f.title, g?.ruleId === f.ruleId ? g.title : undefined), (x) => show(x))}</a> <span class="rule-id">${show(f.ruleId)}</span>`
        : html`${show(row.top)}`;
    }
    const name = isUnreadable(e) ? html`?` : html`<a href="#${anchors[i]!}">${show(row.node)}</a>`;
    return html`<tr data-status="${row.status}"><th scope="row">${name}</th><td class="mono">${show(row.from)}</td><td class="mono">${show(row.kernel)}</td>${counts}<td>${top}</td><td>${tr(w(STATUS_WORD[row.status]))}</td></tr>`;
  });
  return html`<div class="scroll"><table class="fleet"><caption>${tr(w('fleetCaption'))}</caption><thead>${head}</thead><tbody>${body}</tbody></table></div>`;
}

const WEIGHT: Record<Severity, number> = { critical: 4, error: 3, warning: 2, info: 1 };
const FILL = ['#cfe8d3', '#9fc9ea', '#f0b15e', '#d0542c', '#6e0000'];

interface RuleCell {
  status: RuleResult['status'];
  severity?: Severity;
  title?: Text;
  /** Where the cell leads: the finding, or the skip reason. */
  anchor?: string;
}

/** Each rule's result on one node (a failed rule: its most severe finding). */
function ruleCells(n: DoctorNode, anchor: string, skipAnchor: (ruleId: string) => string | undefined): Map<string, RuleCell> {
  const cells = new Map<string, RuleCell>();
  const r = n.report;
  for (const x of r.results) cells.set(x.ruleId, { status: x.status, ...(x.status === 'skipped' ? { anchor: skipAnchor(x.ruleId) } : {}) });
  r.findings.forEach((f, i) => {
    const c = cells.get(f.ruleId);
    if (c?.severity === undefined || WEIGHT[f.severity] > WEIGHT[c.severity]) {
      const g = n.translation?.findings[i];
      cells.set(f.ruleId, { status: 'fail', severity: f.severity, title: paired(r.lang, f.title, g?.ruleId === f.ruleId ? g.title : undefined), anchor: `${anchor}-f${i}` });
    }
  });
  return cells;
}

function textIn(t: Text | undefined, lang: 'en' | 'zh'): string {
  if (t === undefined) return '';
  if (typeof t === 'string') return t;
  return 'en' in t ? t[lang] : t.text;
}

interface Readable {
  e: DoctorNode;
  /** Its index among all nodes (its anchor's). */
  i: number;
}

/** The skipped rules of every node, each (rule, reason) once with the nodes it applies to. */
export interface SkipGroup {
  id: string;
  ruleId: string;
  reason: Text;
  nodes: number[];
}

export function skipGroups(readable: readonly Readable[], prefix = ''): SkipGroup[] {
  const groups = new Map<string, SkipGroup>();
  for (const { e, i } of readable) {
    e.report.results.forEach((x, k) => {
      if (x.status !== 'skipped') return;
      const alt = e.translation?.results[k]?.ruleId === x.ruleId ? e.translation.results[k]?.reason : undefined;
      const reason = paired(e.report.lang, x.reason ?? '', alt);
      const key = JSON.stringify([x.ruleId, reason]);
      const g = groups.get(key) ?? { id: `${prefix}sk${groups.size}`, ruleId: x.ruleId, reason, nodes: [] };
      g.nodes.push(i);
      groups.set(key, g);
    });
  }
  return [...groups.values()].sort((a, b) => (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0));
}

/** The rules' results of every readable node as a heatmap, cells linking to the finding or the skip reason. */
function ruleHeatmap(readable: readonly Readable[], cells: readonly Map<string, RuleCell>[], lang: 'en' | 'zh', prefix: string): SafeHtml | '' {
  if (readable.length === 0) return '';
  const ruleIds = [...new Set(cells.flatMap((m) => [...m.keys()]))].sort();
  const statusWord: Record<RuleResult['status'], Localized> = { pass: w('pass'), fail: w('fail'), skipped: w('skip') };
  const chart = heatmap({
    id: `${prefix}rule-heatmap`,
    lang,
    title: w('heatmapTitle'),
    desc: w('heatmapDesc'),
    rows: readable.map(({ e }) => ({ label: nodeTitle(e.report) })),
    cols: ruleIds.map((id) => ({ label: show(id, 64) })),
    color: (v) => FILL[Math.max(0, Math.min(FILL.length - 1, v ?? 0))]!,
    cell: (r, c) => {
      const cell = cells[r]!.get(ruleIds[c]!);
      if (!cell) return undefined;
      const node = nodeTitle(readable[r]!.e.report);
      const rule = show(ruleIds[c]!, 64);
      const value = cell.status === 'skipped' ? null : cell.status === 'fail' ? WEIGHT[cell.severity ?? 'info'] : 0;
      // A finding is a link named by its node, rule and title; a pass or a skip is only its word
      // (the click panel adds the node and the rule, the skip reason is one more click away):
      // a thousand cells, a few bytes each.
      if (cell.status !== 'fail') return { value, label: statusWord[cell.status], ...(cell.anchor ? { goto: `#${cell.anchor}` } : {}) };
      const label = inBoth((l) => `${node} · ${rule}: ${sev(cell.severity ?? 'error')[l]}: ${show(textIn(cell.title, l), 100)}`);
      return { value, label, mark: '✗', ...(cell.anchor ? { href: `#${cell.anchor}` } : {}) };
    },
  });
  return html`<figure class="heatmap">${chart}<figcaption>${tr(w('heatmapDesc'))}</figcaption><div class="cell-detail" aria-live="polite"><p>${tr(w('cellHint'))}</p></div><a class="go" hidden href="#main">${tr(w('goToFinding'))}</a></figure>`;
}

interface FactRow {
  label: Text;
  values: (Text | StatusCell)[];
  /** The values are code-like (kernel releases, times). */
  mono?: boolean;
  /** The label is (a rule id). */
  monoLabel?: boolean;
}

/** A rule's result in the facts table: a symbol, and its word from the style sheet (both languages, a few bytes a cell). */
interface StatusCell {
  status: 'pass' | 'skip' | 'none' | Severity;
}

const SYMBOL: Record<StatusCell['status'], string> = { pass: '✓', skip: '–', none: '·', critical: '✗', error: '✗', warning: '!', info: 'i' };

function isStatus(v: Text | StatusCell): v is StatusCell {
  return typeof v === 'object' && 'status' in v;
}

function key(t: Text | StatusCell): string {
  if (isStatus(t)) return `status:${t.status}`;
  return typeof t === 'string' ? t : 'en' in t ? t.en : t.text;
}

function cellHtml(v: Text | StatusCell, mono?: boolean): SafeHtml {
  return isStatus(v) ? html`<td class="st s-${v.status}">${SYMBOL[v.status]}</td>` : html`<td${mono ? html` class="mono"` : ''}>${tr(v)}</td>`;
}

/** The nodes' facts side by side: one column per readable node, rows where they differ marked. */
function factsTable(readable: readonly Readable[], cells: readonly Map<string, RuleCell>[]): SafeHtml {
  const yesNo = (b: boolean): Localized => (b ? w('yes') : w('no'));
  const rows: FactRow[] = [
    { label: w('kernel'), values: readable.map(({ e }) => show(e.report.node.kernel ?? '?')), mono: true },
    { label: w('os'), values: readable.map(({ e }) => show(e.report.node.os ?? '?')) },
    { label: w('k8sNode'), values: readable.map(({ e }) => yesNo(e.report.node.kubernetesNode)) },
    { label: w('origin'), values: readable.map(({ e }) => e.report.node.origin.kind) },
    { label: w('collected'), values: readable.map(({ e }) => show(e.report.node.collectedAt)), mono: true },
    { label: w('readNotes'), values: readable.map(({ e }) => (e.report.notes ?? []).map((n) => show(n.code)).join(', ') || '-'), mono: true },
  ];
  const ruleIds = [...new Set(cells.flatMap((m) => [...m.keys()]))].sort();
  for (const id of ruleIds) {
    rows.push({
      label: show(id, 64),
      monoLabel: true,
      values: cells.map((m): StatusCell => {
        const c = m.get(id);
        if (!c) return { status: 'none' };
        if (c.status === 'fail') return { status: c.severity ?? 'error' };
        return { status: c.status === 'pass' ? 'pass' : 'skip' };
      }),
    });
  }
  const head = html`<tr><th scope="col">${tr(w('fact'))}</th>${readable.map(({ e }) => html`<th scope="col">${nodeTitle(e.report)}</th>`)}</tr>`;
  const body = rows.map((row) => {
    const differs = new Set(row.values.map(key)).size > 1;
    return html`<tr${differs ? html` class="differs" data-differs="true"` : ''}><th scope="row"${row.monoLabel ? html` class="mono"` : ''}>${tr(row.label)}${differs ? html`<span class="vh"> (${tr(w('differs'))})</span>` : ''}</th>${row.values.map((v) => cellHtml(v, row.mono))}</tr>`;
  });
  return html`<div class="scroll"><table class="facts"><caption>${tr(w('factsCaption'))}</caption><thead>${head}</thead><tbody>${body}</tbody></table></div>`;
}

function skippedTable(groups: readonly SkipGroup[], nodes: readonly NodeEntry[]): SafeHtml {
  const name = (i: number) => { const e = nodes[i]!; return isUnreadable(e) ? show(e.from) : nodeTitle(e.report); };
  const rows = groups.map((g) => html`<tr id="${g.id}"><th scope="row" class="mono">${show(g.ruleId)}</th><td>${tr(g.reason, (x) => show(x, Number.MAX_SAFE_INTEGER))}</td><td>${g.nodes.length === nodes.length ? tr(w('allNodes')) : g.nodes.map(name).join(', ')}</td></tr>`);
  return html`<details class="skipped"><summary>${tr(w('fleetSkippedHeading'))} (${groups.length})</summary><table><caption>${tr(w('fleetSkippedCaption'))}</caption><thead><tr><th scope="col">${tr(w('rule'))}</th><th scope="col">${tr(w('reason'))}</th><th scope="col">${tr(w('nodesCol'))}</th></tr></thead><tbody>${rows}</tbody></table></details>`;
}

export interface FleetViews {
  /** The table, the heatmap, the facts side by side and the skipped rules. */
  body: SafeHtml;
  /** The id of the skipped rules' table, for the nodes' sections to point at. */
  skippedAt?: string;
}

/** `prefix`: the part's, for its element ids (a page may hold several fleets: a fleet and a cluster's nodes). */
export function fleetView(nodes: readonly NodeEntry[], anchors: readonly string[], lang: 'en' | 'zh', prefix = ''): FleetViews {
  const readable: Readable[] = nodes.map((e, i) => ({ e, i })).filter((x): x is Readable => !isUnreadable(x.e));
  const groups = skipGroups(readable, prefix);
  const groupOf = new Map<string, string>();
  for (const g of groups) for (const i of g.nodes) groupOf.set(`${i}\u0000${g.ruleId}`, g.id);
  const cells = readable.map(({ e, i }) => ruleCells(e, anchors[i]!, (ruleId) => groupOf.get(`${i}\u0000${ruleId}`)));
  const table = html`<section class="fleet" aria-labelledby="${prefix}fleet-h"><h2 id="${prefix}fleet-h">${tr(w('fleetHeading'))} (${nodes.length})</h2>${fleetTable(nodes, anchors)}${ruleHeatmap(readable, cells, lang, prefix)}</section>`;
  const facts = readable.length >= 2 ? html`<section class="facts" aria-labelledby="${prefix}facts-h"><h2 id="${prefix}facts-h">${tr(w('factsHeading'))}</h2>${factsTable(readable, cells)}</section>` : '';
  const skipped = groups.length > 0 ? html`<section class="fleet-skipped" id="${prefix}skipped" aria-labelledby="${prefix}skipped-h"><h2 id="${prefix}skipped-h">${tr(w('fleetSkippedHeading'))}</h2>${skippedTable(groups, nodes)}</section>` : '';
  return { body: html`${table}${facts}${skipped}`, ...(groups.length > 0 ? { skippedAt: `${prefix}skipped` } : {}) };
}
