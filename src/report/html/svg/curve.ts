// A curve: one or more series of (x, y) points joined by lines, on linear axes. For a size sweep
// (datagram size against share delivered, the cliff at the largest size that crosses) and a rate
// ramp (offered rate against loss). Marks are vertical lines at named x values (the path MTU, a
// limit found). Every point has a <title> with its numbers.
import { html, join, type SafeHtml } from '../html.js';
import { inLang, type Text } from '../i18n.js';
import { maxOf, minOf } from '../../../util/arrays.js';
import { axes, axisTitle, DASHES, finitePoints, fmt, niceTicks, num, PALETTE, scale, svgRoot, tspans, type AxisSpec, type ChartFrame } from './common.js';

export interface CurveSeries {
  name: Text;
  points: readonly (readonly [number, number])[];
}

export interface CurveOptions extends ChartFrame {
  x: AxisSpec;
  y: AxisSpec;
  series: readonly CurveSeries[];
  marks?: readonly { x: number; label: Text }[];
  width?: number;
  height?: number;
}

export function curve(o: CurveOptions): SafeHtml {
  const width = o.width ?? 560;
  const height = o.height ?? 300;
  const legendH = o.series.length > 1 ? 18 * o.series.length : 0;
  const p = { left: 58, top: 14 + legendH, width: width - 58 - 16, height: height - 14 - legendH - 46 };
  const series = o.series.map((s) => ({ name: s.name, ...finitePoints(s.points) }));
  const xs = series.flatMap((s) => s.kept.map(([x]) => x)).concat((o.marks ?? []).map((m) => m.x).filter(Number.isFinite));
  const ys = series.flatMap((s) => s.kept.map(([, y]) => y));
  const x0 = o.x.min ?? minOf(xs, 0);
  const x1 = o.x.max ?? maxOf(xs, 1);
  const y0 = o.y.min ?? Math.min(0, minOf(ys, 0));
  const y1 = o.y.max ?? maxOf(ys, 1);
  const xt = niceTicks(x0, x1, 6);
  const yt = niceTicks(y0, y1, 5);
  const X = scale(Math.min(x0, xt[0]!), Math.max(x1, xt[xt.length - 1]!), p.left, p.left + p.width);
  const Y = scale(Math.min(y0, yt[0]!), Math.max(y1, yt[yt.length - 1]!), p.top + p.height, p.top);
  const xu = o.x.unit ? ` ${o.x.unit}` : '';
  const yu = o.y.unit ? ` ${o.y.unit}` : '';
  const lines = series.map((s, i) => {
    const color = PALETTE[i % PALETTE.length]!;
    const dash = DASHES[i % DASHES.length]!;
    const sorted = [...s.kept].sort((a, b) => a[0] - b[0]);
    const path = sorted.map(([x, y], k) => `${k === 0 ? 'M' : 'L'}${num(X(x))} ${num(Y(y))}`).join('');
    const dots = sorted.map(([x, y]) => html`<circle cx="${num(X(x))}" cy="${num(Y(y))}" r="3" fill="${color}"><title>${inLang(s.name, o.lang)}: ${fmt(x)}${xu} ${'→'} ${fmt(y)}${yu}</title></circle>`);
    return html`<g class="series" data-series="${i}"><path d="${path}" fill="none" stroke="${color}" stroke-width="2"${dash ? html` stroke-dasharray="${dash}"` : ''}/>${dots}</g>`;
  });
  const legend = o.series.length > 1
    ? o.series.map((s, i) => html`<g class="legend"><line x1="${p.left}" x2="${p.left + 22}" y1="${10 + i * 18}" y2="${10 + i * 18}" stroke="${PALETTE[i % PALETTE.length]!}" stroke-width="2"${DASHES[i % DASHES.length] ? html` stroke-dasharray="${DASHES[i % DASHES.length]!}"` : ''}/><text x="${p.left + 28}" y="${14 + i * 18}">${tspans(s.name)}</text></g>`)
    : [];
  const marks = (o.marks ?? []).filter((m) => Number.isFinite(m.x)).map((m) => html`<g class="mark"><line x1="${num(X(m.x))}" x2="${num(X(m.x))}" y1="${p.top}" y2="${num(p.top + p.height)}" stroke="#444" stroke-dasharray="3 3"/><text x="${num(X(m.x) + 4)}" y="${p.top + 12}">${tspans(m.label)} ${fmt(m.x)}${xu}</text></g>`);
  const body = join([axes(p, { ticks: xt, at: X, title: axisTitle(o.x) }, { ticks: yt, at: Y, title: axisTitle(o.y) }), ...marks, ...lines, ...legend]);
  return svgRoot(o, width, height, body);
}
