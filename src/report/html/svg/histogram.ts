// A histogram: bars over value ranges (a capture's packet sizes, RTTs), each bar with a <title>
// giving its range and count; empty bins keep their place so gaps show.
import { html, type SafeHtml } from '../html.js';
import { join } from '../html.js';
import { maxOf, minOf } from '../../../util/arrays.js';
import { axes, axisTitle, fmt, niceTicks, num, PALETTE, scale, svgRoot, type AxisSpec, type ChartFrame } from './common.js';

export interface Bin {
  /** Inclusive lower bound. */
  from: number;
  /** Exclusive upper bound. */
  to: number;
  count: number;
}

export interface HistogramOptions extends ChartFrame {
  bins: readonly Bin[];
  x: AxisSpec;
  y: AxisSpec;
  width?: number;
  height?: number;
}

/** Equal-width bins over the values (the last bin includes its upper bound). */
export function binValues(values: readonly number[], count: number): Bin[] {
  const v = values.filter(Number.isFinite);
  if (v.length === 0 || count < 1) return [];
  const lo = minOf(v);
  const hi = maxOf(v);
  const width = hi === lo ? 1 : (hi - lo) / count;
  const bins = Array.from({ length: count }, (_, i) => ({ from: lo + i * width, to: lo + (i + 1) * width, count: 0 }));
  for (const x of v) bins[Math.min(count - 1, Math.floor((x - lo) / width))]!.count++;
  return bins;
}

export function histogram(o: HistogramOptions): SafeHtml {
  const width = o.width ?? 560;
  const height = o.height ?? 260;
  const p = { left: 58, top: 12, width: width - 58 - 16, height: height - 12 - 46 };
  const bins = o.bins.filter((b) => Number.isFinite(b.from) && Number.isFinite(b.to) && Number.isFinite(b.count) && b.to > b.from && b.count >= 0);
  const x0 = o.x.min ?? minOf(bins.map((b) => b.from), 0);
  const x1 = o.x.max ?? maxOf(bins.map((b) => b.to), 1);
  const y1 = o.y.max ?? maxOf(bins.map((b) => b.count), 1);
  const xt = niceTicks(x0, x1, 6);
  const yt = niceTicks(0, Math.max(1, y1), 5);
  const X = scale(x0, x1, p.left, p.left + p.width);
  const Y = scale(0, Math.max(y1, yt[yt.length - 1]!), p.top + p.height, p.top);
  const xu = o.x.unit ? ` ${o.x.unit}` : '';
  const bars = bins.map((b) => {
    const x = X(b.from);
    const w = Math.max(1, X(b.to) - x - 1);
    return html`<rect class="bar" x="${num(x)}" y="${num(Y(b.count))}" width="${num(w)}" height="${num(Y(0) - Y(b.count))}" fill="${PALETTE[0]}" data-count="${b.count}"><title>${fmt(b.from)}${'–'}${fmt(b.to)}${xu}: ${fmt(b.count)}</title></rect>`;
  });
  return svgRoot(o, width, height, join([axes(p, { ticks: xt.filter((t) => t >= x0 && t <= x1), at: X, title: axisTitle(o.x) }, { ticks: yt, at: Y, title: axisTitle(o.y) }), ...bars]));
}
