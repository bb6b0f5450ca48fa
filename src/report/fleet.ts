// Reports over many nodes (`podpath doctor --from A --from B`, `--from-dir`): a one-line-per-node
// summary table first (node, kernel, findings by severity, top finding), then each node's own report.
// JSON: an array of the per-node reports, unreadable bundles as error entries in their place.
import pc from 'picocolors';
import { SEVERITY_ORDER } from '../engine/run-rules.js';
import type { Lang, Severity } from '../engine/types.js';
import type { ReportFormat } from './index.js';
import { label, severityLabel } from './labels.js';
import { renderMarkdown } from './markdown.js';
import { renderText } from './text.js';
import { isInconclusive, type FleetEntry } from './model.js';
import { displayWidth, padEndDisplay, padStartDisplay } from '../util/display-width.js';
import { demoteHeadings, jsonText, mdCell, mdCode, mdText, show } from './safe-text.js';
import { maxOf } from '../util/arrays.js';
import { VERSION } from '../util/version.js';
import { renderFleetHtml } from './html/render.js';

/** The JSON form of a bundle that could not be read (a report entry has schema `podpath.doctor`). */
export const FLEET_ERROR_SCHEMA = 'podpath.doctor.error';

function heading(n: number, lang: Lang): string {
  return n === 1 ? label('fleetHeadingOne', lang) : label('fleetHeading', lang, { n });
}

export interface FleetRow {
  node: string;
  from: string;
  kernel: string;
  counts?: Record<Severity, number>;
  /** The most severe finding's rule id, or the bundle's error as `CODE: message`. */
  top: string;
  status: 'healthy' | 'findings' | 'unreadable' | 'inconclusive';
}

export function fleetRows(entries: FleetEntry[]): FleetRow[] {
  return entries.map((e) => {
    if ('error' in e) return { node: '?', from: e.from, kernel: '', top: `${e.error.code}: ${e.error.message}`, status: 'unreadable' };
    const r = e.report;
    return {
      node: r.node.hostname ?? '?',
      from: e.from,
      kernel: r.node.kernel ?? '?',
      counts: r.summary.bySeverity,
      top: r.findings[0]?.ruleId ?? (isInconclusive(r) ? (r.notes?.find((n) => /^E_(?:BUNDLE|TRANSCRIPT)_/.test(n.code))?.code ?? (r.verdict ? `inconclusive ${r.verdict.judged}/${r.verdict.total}` : '-')) : '-'),
      status: r.findings.length > 0 ? 'findings' : isInconclusive(r) ? 'inconclusive' : 'healthy',
    };
  });
}

export function fleetTotals(rows: FleetRow[]): Record<FleetRow['status'], number> {
  const totals = { healthy: 0, findings: 0, unreadable: 0, inconclusive: 0 };
  for (const r of rows) totals[r.status]++;
  return totals;
}

export function renderFleet(entries: FleetEntry[], format: ReportFormat, opts: { lang: Lang; color?: boolean; version?: string }): string {
  if (format === 'json') return renderFleetJson(entries);
  if (format === 'html') return renderFleetHtml(entries, { lang: opts.lang, version: opts.version ?? VERSION });
  if (format === 'markdown') return renderFleetMarkdown(entries, opts.lang);
  return renderFleetText(entries, opts);
}

export function renderFleetJson(entries: FleetEntry[]): string {
  const docs = entries.map((e) => ('error' in e ? { schema: FLEET_ERROR_SCHEMA, schemaVersion: 1, from: e.from, error: e.error } : e.report));
  return jsonText(docs) + '\n';
}

export { displayWidth } from '../util/display-width.js';
const padEnd = padEndDisplay;
const padStart = padStartDisplay;

/** The summary table as plain cells (header first); the text reporter pads and paints them. */
function tableCells(rows: FleetRow[], lang: Lang): string[][] {
  const header = [label('fleetNode', lang), label('fleetFrom', lang), label('fleetKernel', lang), ...SEVERITY_ORDER.map((s) => severityLabel(s, lang)), label('fleetTop', lang)];
  const body = rows.map((r) => [show(r.node), show(r.from), show(r.kernel), ...SEVERITY_ORDER.map((s) => (r.counts ? String(r.counts[s]) : '-')), show(r.status === 'unreadable' ? `${label('fleetUnreadable', lang)}: ${r.top}` : r.top)]);
  return [header, ...body];
}

export function renderFleetText(entries: FleetEntry[], opts: { lang: Lang; color?: boolean }): string {
  const c = pc.createColors(opts.color ?? false);
  const { lang } = opts;
  const rows = fleetRows(entries);
  const cells = tableCells(rows, lang);
  const widths = cells[0]!.map((_, col) => maxOf(cells.map((row) => displayWidth(row[col] ?? ''))));
  const numeric = (col: number) => col >= 3 && col < 3 + SEVERITY_ORDER.length;
  const last = cells[0]!.length - 1;
  const lines: string[] = [c.bold(heading(rows.length, lang)), ''];
  cells.forEach((row, i) => {
    const padded = row.map((cell, col) => (col === last ? cell : numeric(col) ? padStart(cell, widths[col]!) : padEnd(cell, widths[col]!)));
    const line = padded.join('  ').trimEnd();
    const status = i === 0 ? undefined : rows[i - 1]!.status;
    lines.push(i === 0 ? c.bold(line) : status === 'unreadable' ? c.red(line) : status === 'findings' || status === 'inconclusive' ? c.yellow(line) : line);
  });
  const totals = fleetTotals(rows);
  lines.push('', totalsLine(totals, lang));
  entries.forEach((e) => {
    const from = show(e.from);
    lines.push('', c.dim(`── ${from} ${'─'.repeat(Math.max(3, 72 - displayWidth(from)))}`));
    lines.push('error' in e ? c.red(`podpath: ${show(e.error.code)}: ${show(e.error.message)}`) : renderText(e.report, { color: opts.color }).trimEnd());
  });
  return lines.join('\n') + '\n';
}

function totalsLine(totals: Record<FleetRow['status'], number>, lang: Lang): string {
  const line = label('fleetTotals', lang, totals);
  return totals.inconclusive > 0 ? `${line}; ${label('fleetInconclusive', lang, { n: totals.inconclusive })}` : line;
}

/** A table cell: one row, pipes and markup escaped (the cells already went through show()). */
function cell(text: string): string {
  return mdCell(text);
}

export function renderFleetMarkdown(entries: FleetEntry[], lang: Lang): string {
  const rows = fleetRows(entries);
  const [header, ...body] = tableCells(rows, lang);
  const out: string[] = [`# ${heading(rows.length, lang)}`, ''];
  out.push(`| ${header!.map(cell).join(' | ')} |`);
  out.push(`|${header!.map((_, col) => (col >= 3 && col < 3 + SEVERITY_ORDER.length ? '---:' : '---')).join('|')}|`);
  for (const row of body) out.push(`| ${row.map(cell).join(' | ')} |`);
  out.push('', totalsLine(fleetTotals(rows), lang), '');
  for (const e of entries) {
    if ('error' in e) out.push(`## ${mdText(e.from)}`, '', mdCode(`podpath: ${e.error.code}: ${e.error.message}`), '');
    else out.push(demoteHeadings(renderMarkdown(e.report).trimEnd(), 1), '');
  }
  return out.join('\n');
}
