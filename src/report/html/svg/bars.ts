// Bars over named categories (a capture's packets per size bucket: `<=1472`, `<=1500`...): the
// categories in the given order, each bar with a <title> giving its category and count.
import { html, join, type SafeHtml } from '../html.js';
import { maxOf } from '../../../util/arrays.js';
import { axes, axisTitle, fmt, niceTicks, num, PALETTE, scale, svgRoot, type AxisSpec, type ChartFrame } from './common.js';

export interface BarsOptions extends ChartFrame {
  bars: readonly { label: string; count: number }[];
  x: AxisSpec;
  y: AxisSpec;
  width?: number;
  height?: number;
}

export function bars(o: BarsOptions): SafeHtml {
  const width = o.width ?? 560;
  const height = o.height ?? 240;
  const p = { left: 58, top: 12, width: width - 58 - 16, height: height - 12 - 46 };
  const items = o.bars.map((b) => ({ label: b.label, count: Number.isFinite(b.count) && b.count > 0 ? b.count : 0 }));
  const top = maxOf(items.map((b) => b.count), 1);
  const yt = niceTicks(0, Math.max(1, top), 5);
  const Y = scale(0, Math.max(top, yt[yt.length - 1]!), p.top + p.height, p.top);
  const slot = p.width / Math.max(1, items.length);
  const rects = items.map((b, i) => {
    const x = p.left + i * slot;
    return html`<rect class="bar" x="${num(x + 2)}" y="${num(Y(b.count))}" width="${num(Math.max(1, slot - 4))}" height="${num(Y(0) - Y(b.count))}" fill="${PALETTE[0]}" data-count="${b.count}"><title>${b.label}: ${fmt(b.count)}</title></rect><text x="${num(x + slot / 2)}" y="${num(p.top + p.height + 16)}" text-anchor="middle">${b.label}</text>`;
  });
  const ax = axes(p, { ticks: [], at: () => 0, title: axisTitle(o.x) }, { ticks: yt, at: Y, title: axisTitle(o.y) });
  return svgRoot(o, width, height, join([ax, ...rects]));
}
