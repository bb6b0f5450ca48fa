// A heatmap: rows by columns of cells coloured by value, rows and columns sorted so that what
// fails together lines up (a bad node is a dark row, a bad peer a dark column, a cut a dark block).
// Each cell has a <title> (its tooltip and accessible name), may carry a mark (a symbol, so the
// colour is not the only cue), an in-page link, and the id of a detail element the page's script
// shows when the cell is clicked. The cells travel as data the page's script draws (see heatmap()).
import { dataBlock, html, plainText, SafeHtml } from '../html.js';
import { inLang, isLocalized, tr, type Text } from '../i18n.js';
import { w } from '../words.js';
import { maxOf } from '../../../util/arrays.js';
import { checkAnchor, checkId, num, svgRoot, type ChartFrame } from './common.js';

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

/** A label in the data: one string, or [en, zh] when the languages differ. */
type DataText = string | [string, string];

function dataText(t: Text): DataText {
  if (isLocalized(t) && t.en !== t.zh) return [plainText(t.en), plainText(t.zh)];
  return plainText(inLang(t, 'en'));
}

/** Strings used by many cells (a thousand "pass"), each kept once: a cell holds its index. */
function dictionary<T>(key: (v: T) => string = (v) => JSON.stringify(v)) {
  const list: T[] = [];
  const at = new Map<string, number>();
  return {
    list,
    index(v: T): number {
      const k = key(v);
      let i = at.get(k);
      if (i === undefined) {
        i = list.length;
        list.push(v);
        at.set(k, i);
      }
      return i;
    },
  };
}

/** How a cell leads on: a link, a link the click panel shows, an element the click panel shows. */
const KIND = { href: 0, goto: 1, detail: 2 } as const;

/**
 * The SVG frame (its size, name and description, the hatching) and, beside it, the cells as
 * compact JSON (`dataBlock`) the page's script draws at load: a 50 x 30 matrix is 1,500 cells, at
 * ~170 bytes each as markup, ~15 as data. Rows and columns are listed once in the drawn order, each
 * with its index in the input (the cells' `data-r`/`data-c`); a cell is
 * `[row position, column position, value, label, mark, link, kind]`, the last three -1 or left off
 * when absent, labels, marks and links indexes into lists where each is written once. The page
 * needs its script for a heatmap (as for the language switch): without it a note says so.
 */
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
  const labels = dictionary<DataText>();
  const marks = dictionary<string>((m) => m);
  const links = dictionary<string>((l) => l);
  const fills: Record<string, string> = {};
  const data: (number | null)[][] = [];
  rows.forEach((r, i) => {
    cols.forEach((c, j) => {
      const cell = cells[r]![c];
      if (!cell) return;
      const v = cell.value === null ? null : Number(num(cell.value));
      if (v !== null) fills[String(v)] ??= checkColor(o.color(cell.value!));
      const link = cell.href !== undefined ? { to: checkAnchor(cell.href), kind: KIND.href } : cell.goto !== undefined ? { to: checkAnchor(cell.goto), kind: KIND.goto } : cell.detail !== undefined ? { to: checkId(cell.detail), kind: KIND.detail } : undefined;
      const entry: (number | null)[] = [i, j, v, labels.index(dataText(cell.label)), cell.mark ? marks.index(plainText(cell.mark)) : -1, link ? links.index(link.to) : -1, link?.kind ?? -1];
      while (entry.length > 4 && entry[entry.length - 1] === -1) entry.pop();
      data.push(entry);
    });
  });
  const block = {
    s: size,
    x0: left,
    y0: top,
    lc: LABEL_CHARS,
    r: rows.map((r) => [plainText(o.rows[r]!.label), r]),
    c: cols.map((c) => [plainText(o.cols[c]!.label), c]),
    f: fills,
    t: labels.list,
    m: marks.list,
    a: links.list,
    k: data,
  };
  const defs = html`<defs><pattern id="${id}-na" width="4" height="4" patternUnits="userSpaceOnUse"><rect width="4" height="4" fill="#f2f2f2"/><path d="M0 4L4 0" stroke="#9a9a9a" stroke-width="1"/></pattern></defs>`;
  const svg = svgRoot(o, width, height, defs, 'group').toString()// The script finds the data of each heatmap from its root.
    .replace(' class="chart"', ` class="chart" data-hm="${id}-data"`);
  return html`${new SafeHtml(svg)}${dataBlock(`${id}-data`, block)}<noscript><p class="note">${tr(w('chartNeedsScript'))}</p></noscript>`;
}

/** A fill goes in an attribute: it must be a colour (#hex), whatever the caller's `color` returned. */
function checkColor(value: string): string {
  if (!/^#[0-9a-fA-F]{3,8}$/.test(value)) throw new Error(`not a colour: ${JSON.stringify(value)}`);
  return value;
}
