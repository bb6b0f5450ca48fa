// A time axis with events in lanes (one lane per connection or per node): a SYN and its
// retransmissions at 0, 1, 3, 7 s show the kernel's back-off doubling; each gap to the previous
// event of the lane is written above it, each event has a <title> with its time and label.
import { html, join, type SafeHtml } from '../html.js';
import { inLang, type Text } from '../i18n.js';
import { w } from '../words.js';
import { formatMessage } from '../../../util/i18n.js';
import { maxOf, minOf } from '../../../util/arrays.js';
import { axes, fmt, niceTicks, num, scale, shorten, svgRoot, type ChartFrame } from './common.js';

export type EventKind = 'send' | 'retry' | 'reply' | 'loss' | 'note';

export interface TimelineEvent {
  /** Seconds from the start of the window. */
  t: number;
  label: Text;
  kind?: EventKind;
}

export interface TimelineLane {
  label: string;
  events: readonly TimelineEvent[];
}

export interface TimelineOptions extends ChartFrame {
  lanes: readonly TimelineLane[];
  /** The axis title; the unit is seconds. */
  axis: Text;
  width?: number;
  /** Write the gap to the previous event above each event (the back-off); default true. */
  gaps?: boolean;
}

// Shape and colour per kind: the shape alone tells them apart.
const MARK: Record<EventKind, { color: string; path: (x: number, y: number) => string }> = {
  send: { color: '#0072B2', path: (x, y) => `M${num(x - 5)} ${num(y - 5)}h10v10h-10z` },
  retry: { color: '#D55E00', path: (x, y) => `M${num(x)} ${num(y - 6)}l6 12h-12z` },
  reply: { color: '#009E73', path: (x, y) => `M${num(x - 6)} ${num(y)}a6 6 0 1 0 12 0a6 6 0 1 0 -12 0` },
  loss: { color: '#000000', path: (x, y) => `M${num(x - 5)} ${num(y - 5)}l10 10m0 -10l-10 10` },
  note: { color: '#6a3d9a', path: (x, y) => `M${num(x)} ${num(y - 6)}l6 6l-6 6l-6 -6z` },
};

export function timeline(o: TimelineOptions): SafeHtml {
  const width = o.width ?? 640;
  const laneH = 34;
  const labelW = Math.min(160, 12 + 6.6 * Math.max(4, maxOf(o.lanes.map((l) => Math.min(22, [...l.label].length)), 4)));
  const p = { left: labelW, top: 8, width: width - labelW - 20, height: Math.max(1, o.lanes.length) * laneH };
  const height = p.top + p.height + 46;
  const times = o.lanes.flatMap((l) => l.events.map((e) => e.t)).filter(Number.isFinite);
  const t0 = Math.min(0, minOf(times, 0));
  const t1 = Math.max(maxOf(times, 1), t0 + 1);
  const ticks = niceTicks(t0, t1, 8);
  const X = scale(t0, Math.max(t1, ticks[ticks.length - 1]!), p.left, p.left + p.width);
  const showGaps = o.gaps !== false;
  const lanes = o.lanes.map((lane, i) => {
    const y = p.top + i * laneH + laneH / 2 + 4;
    const events = lane.events.filter((e) => Number.isFinite(e.t)).slice().sort((a, b) => a.t - b.t);
    const marks = events.map((e, k) => {
      const kind = e.kind ?? 'send';
      const m = MARK[kind];
      const x = X(e.t);
      const gap = showGaps && k > 0 ? html`<text class="gap" x="${num((X(events[k - 1]!.t) + x) / 2)}" y="${num(y - 9)}" text-anchor="middle">+${fmt(e.t - events[k - 1]!.t)} s</text>` : '';
      const stroke = kind === 'loss' ? html` stroke="${m.color}" stroke-width="2" fill="none"` : html` fill="${m.color}"`;
      return html`${gap}<path class="ev ev-${kind}" d="${m.path(x, y)}"${stroke} data-t="${num(e.t)}"><title>${fmt(e.t)} s: ${inLang(e.label, o.lang)}</title></path>`;
    });
    return html`<g class="lane"><text class="ll" x="${p.left - 8}" y="${num(y + 4)}" text-anchor="end"><title>${lane.label}</title>${shorten(lane.label, 22)}</text><line x1="${p.left}" x2="${num(p.left + p.width)}" y1="${num(y)}" y2="${num(y)}" class="lane-line"/>${marks}</g>`;
  });
  const yNone = { ticks: [], at: () => 0, title: '' };
  return svgRoot(o, width, height, join([axes(p, { ticks, at: X, title: asText(o.axis) }, yNone), ...lanes]));
}

function asText(t: Text): Text {
  if (typeof t === 'string') return `${t} (s)`;
  if ('en' in t) return { en: formatMessage(w('inSeconds').en, { title: t.en }), zh: formatMessage(w('inSeconds').zh, { title: t.zh }) };
  return { lang: t.lang, text: `${t.text} (s)` };
}
