// Kernel drop traces (issue 14: `podpath trace`, and `probe --trace`'s traces around each probe) as
// HTML: per window (the quiet baseline, then the traced one) the drops by kernel reason and code
// location, busiest first, with their count per second, the devices they were seen on, and the
// baseline's count of the same place beside; the busiest places per second on a chart; the packet
// filter's verdicts for the probe's packets; what was enabled on the host and removed.
import type { DropRow, DropTrace, DropWindow } from '../../evidence/drop-trace.js';
import type { NodeDropTrace } from '../../evidence/drop-evidence.js';
import type { Lang, Localized } from '../../engine/types.js';
import { show } from '../safe-text.js';
import { heading } from './doctor-view.js';
import { html, type SafeHtml } from './html.js';
import { fill, tr, type Text } from './i18n.js';
import type { TracePart } from './model.js';
import { curve } from './svg/curve.js';
import { fmt } from './svg/common.js';
import { TRACE_WORDS } from './view-words.js';

const WORDS = TRACE_WORDS;

const MAX_ROWS = 40;
const CHART_SERIES = 5;

function key(r: DropRow): string {
  return `${r.reason ?? ''}\u0000${r.symbol ?? r.location}`;
}

function windowTable(w: DropWindow, baseline: DropWindow | undefined, id: string): SafeHtml {
  if (w.drops.length === 0) return html`<p>${tr(WORDS.none)}</p>`;
  const base = new Map((baseline?.drops ?? []).map((r) => [key(r), r.total]));
  const rows = [...w.drops].sort((a, b) => b.total - a.total).slice(0, MAX_ROWS).map((r) => html`<tr data-reason="${show(r.reason ?? '', 64)}" data-total="${r.total}"><th scope="row" class="mono">${show(r.reason ?? '?', 64)}</th><td class="mono">${show(r.location, 200)}${r.module ? ` [${show(r.module, 64)}]` : ''}</td><td class="num">${r.total}</td><td class="mono">${r.perSecond.slice(0, 60).join(' ')}</td><td class="mono">${r.devices.slice(0, 6).map((d) => `${show(d.device, 32)} ${d.count}`).join(', ')}</td>${baseline ? html`<td class="num">${base.get(key(r)) ?? 0}</td>` : ''}</tr>`);
  const other = w.other && w.other.total > 0 ? html`<p class="meta">${tr(fill(WORDS.other, { total: w.other.total, keys: w.other.keys }))}</p>` : '';
  return html`<div class="scroll"><table class="drops" id="${id}"><caption>${tr(WORDS.caption)}</caption><thead><tr><th scope="col">${tr(WORDS.reason)}</th><th scope="col">${tr(WORDS.location)}</th><th scope="col" class="num">${tr(WORDS.total)}</th><th scope="col">${tr(WORDS.perSecond)}</th><th scope="col">${tr(WORDS.devices)}</th>${baseline ? html`<th scope="col" class="num">${tr(WORDS.inBaseline)}</th>` : ''}</tr></thead><tbody>${rows}</tbody></table></div>${other}`;
}

function windowChart(w: DropWindow, id: string, lang: Lang): SafeHtml | '' {
  const top = [...w.drops].sort((a, b) => b.total - a.total).slice(0, CHART_SERIES).filter((r) => r.perSecond.length > 1);
  if (top.length === 0) return '';
  const series = top.map((r) => ({ name: `${show(r.reason ?? '?', 40)} ${show(r.symbol ?? r.location, 60)}`, points: r.perSecond.slice(0, 600).map((n, s) => [s, n] as const) }));
  return html`<figure><figcaption>${tr(WORDS.chart)}</figcaption>${curve({ id, lang, title: WORDS.chart, x: { label: WORDS.seconds, unit: 's', min: 0 }, y: { label: WORDS.drops, min: 0 }, series, height: 240 + 18 * series.length })}</figure>`;
}

/** One trace: its windows, its rule verdicts and its host changes. `level` is its heading's level. */
export function dropTraceView(t: DropTrace, id: string, lang: Lang, level: number): SafeHtml {
  const meta = fill(WORDS.meta, { release: show(t.kernel.release, 64), source: show(t.source, 120), reasons: '{r}' });
  const reasons = t.kernel.reasonField ? WORDS.reasonsYes : WORDS.reasonsNo;
  const metaText: Localized = { en: meta.en.replace('{r}', reasons.en), zh: meta.zh.replace('{r}', reasons.zh) };
  const baseline = t.windows.find((x) => x.label === 'baseline');
  const windows = t.windows.filter((x) => x.label === 'main' || t.windows.length === 1).map((x, i) => {
    const title = fill(WORDS.window, { label: '{l}', events: x.events, seconds: fmt(x.seconds) });
    const lbl = x.label === 'baseline' ? WORDS.baseline : WORDS.main;
    const text: Localized = { en: title.en.replace('{l}', lbl.en), zh: title.zh.replace('{l}', lbl.zh) };
    return html`${heading(level + 1, tr(text))}${windowTable(x, x === baseline ? undefined : baseline, `${id}-w${i}`)}${windowChart(x, `${id}-c${i}`, lang)}`;
  });
  const baseLine = baseline && baseline !== t.windows.find((x) => x.label === 'main') && t.windows.length > 1
    ? html`<p class="meta">${tr({ en: fill(WORDS.window, { label: WORDS.baseline.en, events: baseline.events, seconds: fmt(baseline.seconds) }).en, zh: fill(WORDS.window, { label: WORDS.baseline.zh, events: baseline.events, seconds: fmt(baseline.seconds) }).zh })}</p>`
    : '';
  const rt = t.ruleTrace;
  const rules = rt && rt.verdicts.length > 0
    ? html`${heading(level + 1, tr(fill(WORDS.rules, { mode: rt.mode })))}<div class="scroll"><table class="verdicts"><thead><tr><th scope="col">${tr(WORDS.rule)}</th><th scope="col">${tr(WORDS.verdict)}</th><th scope="col" class="num">${tr(WORDS.packets)}</th></tr></thead><tbody>${rt.verdicts.slice(0, MAX_ROWS).map((v) => html`<tr${/drop|reject/i.test(v.verdict) ? html` class="differs"` : ''}><th scope="row" class="mono">${show(`${v.family ? `${v.family} ` : ''}${v.table} ${v.chain} ${v.kind}${v.handle !== undefined ? ` handle ${v.handle}` : ''}${v.rulenum !== undefined ? ` #${v.rulenum}` : ''}`, 200)}${v.rule ? html`<br><code>${show(v.rule, 400)}</code>` : ''}</th><td class="mono">${show(v.verdict, 64)}</td><td class="num">${v.packets}</td></tr>`)}</tbody></table></div>`
    : '';
  const changes = t.changes.length === 0 ? '' : html`<details><summary>${tr(WORDS.changes)}</summary><ul class="evidence">${t.changes.map((c) => html`<li><code>${show(JSON.stringify(c), 400)}</code></li>`)}</ul></details>`;
  return html`<p class="meta">${tr(metaText)}</p>${baseLine}${windows}${rules}${changes}`;
}

/** `probe --trace`'s traces: one per node and probe. */
export function nodeTracesView(traces: readonly NodeDropTrace[], id: string, lang: Lang, level: number): SafeHtml {
  return html`${traces.map((x, i) => {
    const node = x.node === 'local' ? WORDS.localNode : WORDS.peerNode;
    const title: Localized = { en: fill(WORDS.probeTrace, { node: node.en, probe: show(x.probe, 120) }).en, zh: fill(WORDS.probeTrace, { node: node.zh, probe: show(x.probe, 120) }).zh };
    const body = x.trace ? dropTraceView(x.trace, `${id}-${i}`, lang, level) : html`<p class="error-box">${tr(WORDS.traceError)}: <code>${show(x.error?.code ?? '?', 64)}: ${show(x.error?.message ?? '', 400)}</code></p>`;
    return html`${heading(level, tr(title))}${body}`;
  })}`;
}

export function traceView(part: TracePart, prefix: string): { summary: SafeHtml; body: SafeHtml; subject: Text } {
  const a = `${prefix}trace`;
  const main = part.trace.windows.find((w) => w.label === 'main') ?? part.trace.windows[0];
  const total = main?.drops.reduce((n, r) => n + r.total, 0) ?? 0;
  const id = `${prefix}summary`;
  const summary = html`<section class="summary" id="${id}" aria-labelledby="${id}-h"><h2 id="${id}-h">${tr(WORDS.summary)}</h2><p class="trace-line" data-drops="${total}" data-places="${main?.drops.length ?? 0}">${tr(fill(WORDS.summaryLine, { n: total, k: main?.drops.length ?? 0 }))}</p></section>`;
  const body = html`<section class="trace" id="${a}" aria-labelledby="${a}-h">${heading(2, tr(WORDS.heading), `${a}-h`)}${dropTraceView(part.trace, a, part.lang, 2)}</section>`;
  return { summary, body, subject: WORDS.subject };
}
