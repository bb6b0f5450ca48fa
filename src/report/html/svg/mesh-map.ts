// A node-by-node matrix drawn small enough for a 50-node mesh on every plane and probe: cells of one
// colour in a row are one path segment (no element per cell), so a page of twelve 50 x 50 maps stays
// a few hundred kilobytes. What a cell holds is not in the drawing: the page's script finds the cell
// under a click (or the arrow keys) from the map's geometry (data-x0, data-y0, data-s, data-order)
// and shows that pair's numbers. Outlines and lines drawn over the cells mark what findings name.
import { html, join, SafeHtml } from '../html.js';
import { inLang, type Text } from '../i18n.js';
import { maxOf } from '../../../util/arrays.js';
import { checkId, num, shorten, svgRoot, type ChartFrame } from './common.js';

/** A cell's look: a colour (#hex), `na` (measured nothing: hatched), or undefined (no cell). */
export type MapFill = string | 'na' | undefined;

/** Something a finding names, in display positions (rows and columns in the drawn order, end exclusive). */
export interface MapMark {
  label: Text;
  /** Outlined blocks. */
  boxes?: readonly { r0: number; r1: number; c0: number; c1: number }[];
  /** A line across the whole map before this position, on both axes (a cut between two groups). */
  cutAt?: number;
}

export interface MeshMapOptions extends ChartFrame {
  names: readonly string[];
  /** Display position -> node index. */
  order: readonly number[];
  fill(from: number, to: number): MapFill;
  /** Display positions where a new group starts (a faint line before each). */
  groupStarts?: readonly number[];
  marks?: readonly MapMark[];
  /**
   * The id of an earlier map of the same names and order whose labels this one shows (an SVG
   * <use>): the maps of one mesh share their 2 x n labels, drawn once.
   */
  labelsOf?: string;
}

/** The id of a map's label group (what `labelsOf` of a later map points at). */
export function labelsId(mapId: string): string {
  return `${checkId(mapId)}-l`;
}

const LABEL_CHARS = 20;
const CHAR_W = 6.6;

export function cellSizeFor(n: number): number {
  return n <= 8 ? 26 : n <= 16 ? 18 : n <= 30 ? 12 : 9;
}

export function meshMap(o: MeshMapOptions): SafeHtml {
  const id = checkId(o.id);
  const n = o.order.length;
  const s = cellSizeFor(n);
  const chars = Math.min(LABEL_CHARS, Math.max(2, maxOf(o.names.map((x) => [...x].length), 2)));
  const left = Math.ceil(chars * CHAR_W) + 8;
  const top = Math.ceil(chars * CHAR_W * 0.71) + 12;
  const side = n * s;
  const width = left + side + Math.ceil(chars * CHAR_W * 0.71) + 6;
  const height = top + side + 6;
  const font = s < 12 ? 8 : 11;
  const label = (i: number) => {
    const name = o.names[i]!;
    const short = shorten(name, LABEL_CHARS);
    return { short, title: short === name ? '' : html`<title>${name}</title>` };
  };
  const rowLabels = o.order.map((i, p) => {
    const l = label(i);
    return html`<text x="${left - 4}" y="${num(top + p * s + s * 0.75)}" text-anchor="end">${l.title}${l.short}</text>`;
  });
  const colLabels = o.order.map((i, p) => {
    const l = label(i);
    return html`<text transform="translate(${num(left + p * s + s * 0.7)} ${top - 3}) rotate(-45)">${l.title}${l.short}</text>`;
  });
  // Runs of one look along each row: one path per look.
  const paths = new Map<string, string[]>();
  for (let r = 0; r < n; r++) {
    let c = 0;
    while (c < n) {
      const look = r === c ? undefined : o.fill(o.order[r]!, o.order[c]!);
      let e = c + 1;
      while (e < n && e !== r && (look === undefined ? false : o.fill(o.order[r]!, o.order[e]!) === look)) e++;
      if (look !== undefined) {
        if (look !== 'na') checkColor(look);
        const list = paths.get(look) ?? [];
        list.push(`M${left + c * s} ${top + r * s}h${(e - c) * s - 1}v${s - 1}h${-((e - c) * s - 1)}z`);
        paths.set(look, list);
      }
      c = e;
    }
  }
  const cells = [...paths].map(([look, d]) => html`<path d="${d.join('')}" fill="${look === 'na' ? `url(#${id}-na)` : look}"/>`);
  const groups = (o.groupStarts ?? []).filter((p) => p > 0 && p < n).map((p) => html`<line class="grp" x1="${left + p * s - 0.5}" x2="${left + p * s - 0.5}" y1="${top}" y2="${top + side}"/><line class="grp" y1="${top + p * s - 0.5}" y2="${top + p * s - 0.5}" x1="${left}" x2="${left + side}"/>`);
  const marks = (o.marks ?? []).map((m, k) => {
    const boxes = (m.boxes ?? []).map((b) => html`<rect x="${left + b.c0 * s - 1}" y="${top + b.r0 * s - 1}" width="${(b.c1 - b.c0) * s + 1}" height="${(b.r1 - b.r0) * s + 1}"/>`);
    const cut = m.cutAt === undefined ? '' : html`<line class="cut" x1="${left + m.cutAt * s - 0.5}" x2="${left + m.cutAt * s - 0.5}" y1="${top - 4}" y2="${top + side + 4}"/><line class="cut" y1="${top + m.cutAt * s - 0.5}" y2="${top + m.cutAt * s - 0.5}" x1="${left - 4}" x2="${left + side + 4}"/>`;
    return html`<g class="fmark" data-mark="${k}"><title>${inLang(m.label, o.lang)}</title>${boxes}${cut}</g>`;
  });
  const defs = html`<defs><pattern id="${id}-na" width="4" height="4" patternUnits="userSpaceOnUse"><rect width="4" height="4" fill="#f2f2f2"/><path d="M0 4L4 0" stroke="#8a8a8a" stroke-width="1"/></pattern></defs>`;
  const labels = o.labelsOf === undefined ? html`<g class="lbl" id="${labelsId(id)}" font-size="${font}">${rowLabels}${colLabels}</g>` : html`<use href="#${labelsId(o.labelsOf)}"/>`;
  const body = join([defs, labels, ...cells, ...groups, ...marks, html`<rect class="sel" x="0" y="0" width="${s - 1}" height="${s - 1}" visibility="hidden"/>`]);
  const root = svgRoot(o, width, height, body).toString();
  // The geometry the page's script reads to find the cell under a click, and a tab stop.
  const geometry = html` class="chart mesh-map" tabindex="0" data-x0="${left}" data-y0="${top}" data-s="${s}" data-n="${n}" data-order="${o.order.join(',')}"`.toString();
  return new SafeHtml(root.replace(' class="chart"', geometry));
}

function checkColor(value: string): string {
  if (!/^#[0-9a-fA-F]{3,8}$/.test(value)) throw new Error(`not a colour: ${JSON.stringify(value)}`);
  return value;
}
