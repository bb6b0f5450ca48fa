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

const STATUS_WORD = { healthy: 'healthy', findings: 'withFindings', incomplete: 'incomplete', unreadable: 'unreadable' } as const;

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
  reason?: Text;
  anchor: string;
}

function ruleCells(n: DoctorNode, anchor: string): Map<string, RuleCell> {
  const cells = new Map<string, RuleCell>();
  const r = n.report;
  r.results.forEach((x, i) => {
    const alt = n.translation?.results[i]?.ruleId === x.ruleId ? n.translation.results[i] : undefined;
    cells.set(x.ruleId, { status: x.status, anchor: `${anchor}-s${i}`, ...(x.reason !== undefined ? { reason: paired(r.lang, x.reason, alt?.reason) } : {}) });
  });
  r.findings.forEach((f, i) => {
    const c = cells.get(f.ruleId) ?? { status: 'fail' as const, anchor: '' };
    if (c.severity === undefined || WEIGHT[f.severity] > WEIGHT[c.severity]) {
      const g = n.translation?.findings[i];
      cells.set(f.ruleId, { ...c, status: 'fail', severity: f.severity, title: paired(r.lang, f.title, g?.ruleId === f.ruleId ? g.title : undefined), anchor: `${anchor}-f${i}` });
    }
  });
  return cells;
}

function textIn(t: Text | undefined, lang: 'en' | 'zh'): string {
  if (t === undefined) return '';
  if (typeof t === 'string') return t;
  return 'en' in t ? t[lang] : t.text;
}

/** The rules' results of every readable node as a heatmap, cells linking to the finding or the skip reason. */
export function ruleHeatmap(nodes: readonly NodeEntry[], anchors: readonly string[], lang: 'en' | 'zh'): SafeHtml | '' {
  const readable = nodes.map((e, i) => ({ e, i })).filter((x): x is { e: DoctorNode; i: number } => !isUnreadable(x.e));
  if (readable.length === 0) return '';
  const cells = readable.map(({ e, i }) => ruleCells(e, anchors[i]!));
  const ruleIds = [...new Set(cells.flatMap((m) => [...m.keys()]))].sort();
  const statusWord: Record<RuleResult['status'], Localized> = { pass: w('pass'), fail: w('fail'), skipped: w('skip') };
  const chart = heatmap({
    id: 'rule-heatmap',
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
      const label = inBoth((l) => {
        const what = cell.status === 'fail' && cell.severity ? `${sev(cell.severity)[l]}: ${show(textIn(cell.title, l), 160)}` : cell.status === 'skipped' ? `${statusWord.skipped[l]}: ${show(textIn(cell.reason, l), 160)}` : statusWord[cell.status][l];
        return `${node} · ${rule}: ${what}`;
      });
      const value = cell.status === 'skipped' ? null : cell.status === 'fail' ? WEIGHT[cell.severity ?? 'info'] : 0;
      return { value, label, ...(cell.status === 'fail' ? { mark: '✗' } : {}), ...(cell.status !== 'pass' && cell.anchor ? { href: `#${cell.anchor}` } : {}) };
    },
  });
  return html`<figure class="heatmap">${chart}<figcaption>${tr(w('heatmapDesc'))}</figcaption><div class="cell-detail" aria-live="polite"><p>${tr(w('cellHint'))}</p></div><a class="go" hidden href="#main">${tr(w('goToFinding'))}</a></figure>`;
}

interface FactRow {
  label: Text;
  values: Text[];
  mono?: boolean;
}

function key(t: Text): string {
  return typeof t === 'string' ? t : 'en' in t ? t.en : t.text;
}

/** The nodes' facts side by side: one column per readable node, rows where they differ marked. */
export function factsTable(nodes: readonly NodeEntry[]): SafeHtml | '' {
  const readable = nodes.filter((e): e is DoctorNode => !isUnreadable(e));
  if (readable.length < 2) return '';
  const yesNo = (b: boolean): Localized => (b ? w('yes') : w('no'));
  const rows: FactRow[] = [
    { label: w('kernel'), values: readable.map((e) => show(e.report.node.kernel ?? '?')), mono: true },
    { label: w('os'), values: readable.map((e) => show(e.report.node.os ?? '?')) },
    { label: w('k8sNode'), values: readable.map((e) => yesNo(e.report.node.kubernetesNode)) },
    { label: w('origin'), values: readable.map((e) => e.report.node.origin.kind) },
    { label: w('collected'), values: readable.map((e) => show(e.report.node.collectedAt)), mono: true },
    { label: w('readNotes'), values: readable.map((e) => (e.report.notes ?? []).map((n) => show(n.code)).join(', ') || '-'), mono: true },
  ];
  const perNode = readable.map((e) => ruleCells(e, ''));
  const ruleIds = [...new Set(perNode.flatMap((m) => [...m.keys()]))].sort();
  for (const id of ruleIds) {
    rows.push({
      label: show(id, 64),
      mono: true,
      values: perNode.map((m) => {
        const c = m.get(id);
        if (!c) return w('notRun');
        if (c.status === 'fail' && c.severity) return sev(c.severity);
        return c.status === 'pass' ? w('pass') : w('skip');
      }),
    });
  }
  const head = html`<tr><th scope="col">${tr(w('fact'))}</th>${readable.map((e) => html`<th scope="col">${nodeTitle(e.report)}</th>`)}</tr>`;
  const body = rows.map((row) => {
    const differs = new Set(row.values.map(key)).size > 1;
    return html`<tr${differs ? html` class="differs" data-differs="true"` : ''}><th scope="row"${row.mono ? html` class="mono"` : ''}>${tr(row.label)}${differs ? html`<span class="vh"> (${tr(w('differs'))})</span>` : ''}</th>${row.values.map((v) => html`<td>${tr(v)}</td>`)}</tr>`;
  });
  return html`<div class="scroll"><table class="facts"><caption>${tr(w('factsCaption'))}</caption><thead>${head}</thead><tbody>${body}</tbody></table></div>`;
}

export function fleetView(nodes: readonly NodeEntry[], anchors: readonly string[], lang: 'en' | 'zh'): SafeHtml {
  return html`<section class="fleet" aria-labelledby="fleet-h"><h2 id="fleet-h">${tr(w('fleetHeading'))} (${nodes.length})</h2>${fleetTable(nodes, anchors)}${ruleHeatmap(nodes, anchors, lang)}</section>${readableCount(nodes) >= 2 ? html`<section class="facts" aria-labelledby="facts-h"><h2 id="facts-h">${tr(w('factsHeading'))}</h2>${factsTable(nodes)}</section>` : ''}`;
}

function readableCount(nodes: readonly NodeEntry[]): number {
  return nodes.filter((e) => !isUnreadable(e)).length;
}

