// Size sweeps and rate ramps as curves, for `probe -o html` and the probes of `doctor --peer -o html`:
// datagram size against the share that arrived (the cliff is the largest size that crosses, marked
// when one direction is drawn), offered rate against loss (where loss begins). One series per direction.
import type { Lang } from '../../engine/types.js';
import { show } from '../safe-text.js';
import { html, type SafeHtml } from './html.js';
import { tr } from './i18n.js';
import { curve } from './svg/curve.js';
import { PROBE_HTML_WORDS as WORDS } from './view-words.js';

/** What the charts read of a direction (`probe -o json`'s directions and doctor's `probes` both fit). */
export interface ChartDirection {
  from: string;
  to: string;
  label: string;
  result: {
    sweep?: { tries: readonly { size: number; sent: number; arrived: number }[]; largestPassing?: number };
    ramp?: { steps: readonly { rateBps: number; lossPct: number }[] };
  };
}

export function dirName(d: Pick<ChartDirection, 'from' | 'to' | 'label'>): string {
  return `${show(d.from, 60)} → ${show(d.to, 60)} (${show(d.label, 16)})`;
}

/** The sweeps of the directions that swept, as one chart (`id` is the svg's); '' when none did. */
export function sweepChart(directions: readonly ChartDirection[], id: string, lang: Lang): SafeHtml | '' {
  const sweeps = directions.filter((d) => (d.result.sweep?.tries.length ?? 0) > 0);
  if (sweeps.length === 0) return '';
  const only = sweeps.length === 1 ? sweeps[0]!.result.sweep!.largestPassing : undefined;
  return html`<figure><figcaption>${tr(WORDS.sweepChart)}</figcaption>${curve({
    id, lang, title: WORDS.sweepChart,
    x: { label: WORDS.size, unit: 'B' }, y: { label: WORDS.arrived, unit: '%', min: 0, max: 100 },
    series: sweeps.map((d) => ({ name: dirName(d), points: d.result.sweep!.tries.filter((t) => t.sent > 0).map((t) => [t.size, (100 * t.arrived) / t.sent] as const) })),
    marks: only !== undefined ? [{ x: only, label: WORDS.largestMark }] : [],
    height: 300 + 18 * sweeps.length,
  })}</figure>`;
}

/** The ramps of the directions that ramped, as one chart; '' when none did. */
export function rampChart(directions: readonly ChartDirection[], id: string, lang: Lang): SafeHtml | '' {
  const ramps = directions.filter((d) => (d.result.ramp?.steps.length ?? 0) > 0);
  if (ramps.length === 0) return '';
  return html`<figure><figcaption>${tr(WORDS.rampChart)}</figcaption>${curve({
    id, lang, title: WORDS.rampChart,
    x: { label: WORDS.rate, unit: 'Mbit/s', min: 0 }, y: { label: WORDS.loss, unit: '%', min: 0, max: 100 },
    series: ramps.map((d) => ({ name: dirName(d), points: d.result.ramp!.steps.map((s) => [s.rateBps / 1e6, s.lossPct] as const) })),
    height: 300 + 18 * ramps.length,
  })}</figure>`;
}
