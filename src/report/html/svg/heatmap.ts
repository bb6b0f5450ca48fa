// A heatmap: rows by columns of cells coloured by value, rows and columns sorted so that what
// fails together lines up (a bad node is a dark row, a bad peer a dark column, a cut a dark block).
// Each cell has a <title> (its tooltip and accessible name), may carry a mark (a symbol, so the
// colour is not the only cue), an in-page link, and the id of a detail element the page's script
// shows when the cell is clicked: the click hook the mesh view uses for a pair's probes.
import { html, join, type SafeHtml } from '../html.js';
import { swapped, type Text } from '../i18n.js';
import { maxOf } from '../../../util/arrays.js';
import { checkAnchor, checkId, num, shorten, svgRoot, type ChartFrame } from './common.js';

export interface HeatmapAxis {
  /** Shown beside the row or above the column (cut to fit; whole in the title). */
  label: string;
}

export interface HeatmapCell {
  /** Higher is worse; null: nothing measured (drawn hatched, not coloured). */
  value: number | null;
  /** The cell's title: what a tooltip and a screen reader say. */
  label: Text;
  /** A symbol drawn in the cell (✗, !, ·): the value without colour. */
  mark?: string;
  /** An in-page anchor (`#id`) the cell links to. */
  href?: string;
  /** The id of an element the page's script shows when the cell is clicked. */
  detail?: string;
  /**
   * An in-page anchor the click shows a link to, the cell itself not being a link (no tab stop):
   * for the many cells whose detail is elsewhere in the page. Its title may then be short (the
   * click panel says the row and the column before it).
   */
  goto?: string;
}

export interface HeatmapOptions extends ChartFrame {
  rows: readonly HeatmapAxis[];
  cols: readonly HeatmapAxis[];
  cell(row: number, col: number): HeatmapCell | undefined;
  /** The fill for a value (null: not measured). */
  color(value: number | null): string;
  /** Sort rows and columns, worst first (default); false keeps the given order. */
  sort?: boolean;
  cellSize?: number;
}

/**
 * Row and column order, worst first: by the sum of their values (higher worse), then by how many
 * cells are bad (> 0), then by their original order (a stable, deterministic layout).
 */
export function badnessOrder(nRows: number, nCols: number, value: (r: number, c: number) => number | null): { rows: number[]; cols: number[] } {
  const rowSum = new Array<number>(nRows).fill(0);
  const colSum = new Array<number>(nCols).fill(0);
  const rowBad = new Array<number>(nRows).fill(0);
  const colBad = new Array<number>(nCols).fill(0);
  for (let r = 0; r < nRows; r++) {
    for (let c = 0; c < nCols; c++) {
      const v = value(r, c);
      if (v === null || !Number.isFinite(v)) continue;
      rowSum[r]! += v;
      colSum[c]! += v;
      if (v > 0) {
        rowBad[r]!++;
        colBad[c]!++;
      }
    }
  }
  const order = (n: number, sum: number[], bad: number[]) => Array.from({ length: n }, (_, i) => i).sort((a, b) => sum[b]! - sum[a]! || bad[b]! - bad[a]! || a - b);
  return { rows: order(nRows, rowSum, rowBad), cols: order(nCols, colSum, colBad) };
}

const CHAR_W = 6.6;
const LABEL_CHARS = 28;

export function heatmap(o: HeatmapOptions): SafeHtml {
  const id = checkId(o.id);
  const size = o.cellSize ?? 18;
  const cells = o.rows.map((_, r) => o.cols.map((__, c) => o.cell(r, c)));
  const { rows, cols } = o.sort === false
    ? { rows: o.rows.map((_, i) => i), cols: o.cols.map((_, i) => i) }
    : badnessOrder(o.rows.length, o.cols.length, (r, c) => cells[r]![c]?.value ?? null);
  const rowChars = Math.min(LABEL_CHARS, Math.max(1, maxOf(o.rows.map((a) => [...a.label].length), 1)));
  const colChars = Math.min(LABEL_CHARS, Math.max(1, maxOf(o.cols.map((a) => [...a.label].length), 1)));
  const left = Math.ceil(rowChars * CHAR_W) + 8;
  // Column labels stand at -45°: they need about 0.71 of their length in height and width.
  const top = Math.max(24, Math.ceil(colChars * CHAR_W * 0.71) + 10);
  const width = left + cols.length * size + Math.ceil(colChars * CHAR_W * 0.71) + 4;
  const height = top + rows.length * size + 4;
  const rowLabels = rows.map((r, i) => html`<text class="rl" data-r="${r}" x="${left - 6}" y="${num(top + i * size + size * 0.7)}" text-anchor="end"><title>${o.rows[r]!.label}</title>${shorten(o.rows[r]!.label, LABEL_CHARS)}</text>`);
  const colLabels = cols.map((c, j) => {
    const x = left + j * size + size * 0.6;
    return html`<text class="cl" data-c="${c}" transform="translate(${num(x)} ${top - 4}) rotate(-45)"><title>${o.cols[c]!.label}</title>${shorten(o.cols[c]!.label, LABEL_CHARS)}</text>`;
  });
  const body: SafeHtml[] = [];
  rows.forEach((r, i) => {
    cols.forEach((c, j) => {
      const cell = cells[r]![c];
      if (!cell) return;
      const x = left + j * size;
      const y = top + i * size;
      const fill = cell.value === null ? `url(#${id}-na)` : checkColor(o.color(cell.value));
      const mark = cell.mark ? html`<text class="mk" x="${num(x + size / 2)}" y="${num(y + size * 0.7)}" text-anchor="middle" aria-hidden="true">${cell.mark}</text>` : '';
      const attrs = html` class="cell" data-r="${r}" data-c="${c}"${cell.value === null ? '' : html` data-v="${num(cell.value)}"`}${cell.detail ? html` data-detail="${checkId(cell.detail)}"` : ''}${cell.goto ? html` data-goto="${checkAnchor(cell.goto)}"` : ''}`;
      const shape = html`${swapped('title', cell.label, o.lang)}<rect x="${x}" y="${y}" width="${size - 1}" height="${size - 1}" fill="${fill}"/>${mark}`;
      body.push(cell.href
        ? html`<a href="${checkAnchor(cell.href)}"${attrs}>${shape}</a>`
        : cell.detail
          ? html`<g${attrs} tabindex="0" role="button">${shape}</g>`
          // Nothing more to show than its title: no tab stop (a 50 x 50 matrix is not 2,500 of them).
          : html`<g${attrs}>${shape}</g>`);
    });
  });
  const defs = html`<defs><pattern id="${id}-na" width="4" height="4" patternUnits="userSpaceOnUse"><rect width="4" height="4" fill="#f2f2f2"/><path d="M0 4L4 0" stroke="#9a9a9a" stroke-width="1"/></pattern></defs>`;
  return svgRoot(o, width, height, join([defs, ...colLabels, ...rowLabels, ...body]), 'group');
}

/** A fill goes in an attribute: it must be a colour (#hex), whatever the caller's `color` returned. */
function checkColor(value: string): string {
  if (!/^#[0-9a-fA-F]{3,8}$/.test(value)) throw new Error(`not a colour: ${JSON.stringify(value)}`);
  return value;
}
