// What every chart shares: the <svg> root with its accessible name and description, numbers as
// short text (no NaN, no exponent), "nice" axis ticks, and the palette (Okabe-Ito: tells colours
// apart for the colour-blind; shapes and dashes carry the same information where it matters).
import type { Lang } from '../../../engine/types.js';
import { html, type HtmlValue, type SafeHtml } from '../html.js';
import { swapped, type Text } from '../i18n.js';

export interface ChartFrame {
  /** Unique in the page: the ids of the title and description derive from it. */
  id: string;
  title: Text;
  desc?: Text;
  /** The document's language: text that only the script can swap starts in it. */
  lang: Lang;
}

const ID = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;

/** Ids and anchors charts put in attributes are made by podpath, never taken from input: checked. */
export function checkId(id: string): string {
  if (!ID.test(id)) throw new Error(`chart id must match ${ID}: ${JSON.stringify(id)}`);
  return id;
}

/** An in-page link (`#id`): the only kind of link a chart makes. */
export function checkAnchor(href: string): string {
  if (!href.startsWith('#') || !ID.test(href.slice(1))) throw new Error(`chart links are in-page anchors: ${JSON.stringify(href)}`);
  return href;
}

/**
 * The root element. `role` is img for a picture read as a whole; group when its cells are links a
 * keyboard or a screen reader reaches one by one (an img's children are not exposed).
 */
export function svgRoot(f: ChartFrame, width: number, height: number, body: HtmlValue, role: 'img' | 'group' = 'img'): SafeHtml {
  const id = checkId(f.id);
  const labelled = f.desc === undefined ? `${id}-t` : `${id}-t ${id}-d`;
  return html`<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="${id}" role="${role}" aria-labelledby="${labelled}" viewBox="0 0 ${num(width)} ${num(height)}" width="${num(width)}" height="${num(height)}">${swapped('title', f.title, f.lang, html` id="${id}-t"`)}${f.desc === undefined ? '' : swapped('title', f.desc, f.lang, html` id="${id}-d" class="desc"`)}${body}</svg>`;
}

/** A coordinate or a value as short text: at most 2 decimals, never NaN or an exponent. */
export function num(x: number): string {
  if (!Number.isFinite(x)) return '0';
  const r = Math.round(x * 100) / 100;
  return Object.is(r, -0) ? '0' : String(r);
}

/** A value for people: thousands grouped, up to 3 significant decimals. */
export function fmt(x: number): string {
  if (!Number.isFinite(x)) return '?';
  const abs = Math.abs(x);
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : abs >= 1 ? 2 : 3;
  return x.toLocaleString('en-US', { maximumFractionDigits: digits });
}

/** Evenly spaced round values covering [min, max] (1, 2 or 5 times a power of ten apart). */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [0];
  if (max < min) [min, max] = [max, min];
  if (max === min) return [min];
  const raw = (max - min) / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const ticks: number[] = [];
  for (let v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step) ticks.push(Math.round(v / step) * step);
  return ticks;
}

/** A linear map from [d0, d1] to [r0, r1] (a degenerate domain maps to the middle). */
export function scale(d0: number, d1: number, r0: number, r1: number): (v: number) => number {
  if (d1 === d0) return () => (r0 + r1) / 2;
  return (v) => r0 + ((v - d0) / (d1 - d0)) * (r1 - r0);
}

export const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9'] as const;
export const DASHES = ['', '6 3', '2 3', '8 3 2 3'] as const;

/** The finite values only, and how many were left out. */
export function finitePoints(points: readonly (readonly [number, number])[]): { kept: [number, number][]; dropped: number } {
  const kept = points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y)).map(([x, y]) => [x, y] as [number, number]);
  return { kept, dropped: points.length - kept.length };
}

/** Text a chart cuts to fit (the whole text stays in the element's <title>). */
export function shorten(s: string, max: number): string {
  const chars = [...s];
  return chars.length <= max ? s : `${chars.slice(0, Math.max(1, max - 1)).join('')}…`;
}

export interface Plot {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** An axis's label and unit: `size (bytes)`. */
export interface AxisSpec {
  label: Text;
  unit?: string;
  /** The domain; by default from the data (and from 0 for counts and percentages). */
  min?: number;
  max?: number;
}

export function axisTitle(a: AxisSpec): Text {
  if (a.unit === undefined) return a.label;
  const u = a.unit;
  if (typeof a.label === 'string') return `${a.label} (${u})`;
  if ('en' in a.label) return { en: `${a.label.en} (${u})`, zh: `${a.label.zh}(${u})` };
  return { lang: a.label.lang, text: `${a.label.text} (${u})` };
}

/** The frame, ticks and tick values of an x and a y axis, and their titles. */
export function axes(p: Plot, x: { ticks: number[]; at: (v: number) => number; title: Text }, y: { ticks: number[]; at: (v: number) => number; title: Text }): SafeHtml {
  const bottom = p.top + p.height;
  const right = p.left + p.width;
  const xt = x.ticks.map((v) => html`<line x1="${num(x.at(v))}" x2="${num(x.at(v))}" y1="${num(bottom)}" y2="${num(bottom + 4)}"/><text x="${num(x.at(v))}" y="${num(bottom + 16)}" text-anchor="middle">${fmt(v)}</text>`);
  const yt = y.ticks.map((v) => html`<line x1="${num(p.left - 4)}" x2="${num(right)}" y1="${num(y.at(v))}" y2="${num(y.at(v))}" class="grid"/><text x="${num(p.left - 7)}" y="${num(y.at(v) + 4)}" text-anchor="end">${fmt(v)}</text>`);
  return html`<g class="axis" aria-hidden="true"><line x1="${num(p.left)}" x2="${num(right)}" y1="${num(bottom)}" y2="${num(bottom)}"/><line x1="${num(p.left)}" x2="${num(p.left)}" y1="${num(p.top)}" y2="${num(bottom)}"/>${xt}${yt}</g><text class="at" x="${num(p.left + p.width / 2)}" y="${num(bottom + 34)}" text-anchor="middle">${tspans(x.title)}</text><text class="at" transform="translate(14 ${num(p.top + p.height / 2)}) rotate(-90)" text-anchor="middle">${tspans(y.title)}</text>`;
}

/** Text inside an SVG <text>: both languages as tspans the page's CSS picks from, like spans in HTML. */
export function tspans(t: Text): SafeHtml {
  if (typeof t === 'string') return html`${t}`;
  if ('en' in t) return t.en === t.zh ? html`${t.en}` : html`<tspan class="i" lang="en">${t.en}</tspan><tspan class="i" lang="zh">${t.zh}</tspan>`;
  return html`<tspan lang="${t.lang}">${t.text}</tspan>`;
}
