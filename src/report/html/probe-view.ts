// `podpath probe PEER` as HTML: the findings, each direction's numbers, the DF size sweeps and rate
// ramps as curves (probe-charts.ts), and with --trace the kernel's drops on both nodes around each
// probe (trace-view.ts).
import { formatRate } from '../../util/units.js';
import { show } from '../safe-text.js';
import { findingView, heading, type Ids } from './doctor-view.js';
import { html, type SafeHtml } from './html.js';
import { fill, tr, type Text } from './i18n.js';
import type { ProbePart } from './model.js';
import { findingsSummary, twinOf } from './part-summary.js';
import { summaryView } from './summary.js';
import { dirName, rampChart, sweepChart } from './probe-charts.js';
import { fmt } from './svg/common.js';
import { nodeTracesView } from './trace-view.js';
import { w } from './words.js';
import { PROBE_HTML_WORDS } from './view-words.js';

const WORDS = PROBE_HTML_WORDS;

export function probeView(part: ProbePart, prefix: string, ids: Ids): { summary: SafeHtml; body: SafeHtml; subject: Text } {
  const a = `${prefix}probe`;
  const peer = show(part.peer, 120);
  const summary = findingsSummary({ findings: part.findings, translation: part.translation, lang: part.lang, anchor: (i) => `${a}-f${i}`, about: peer, judged: part.judged });
  const findings = part.findings.map((f, i) => findingView(f, twinOf(f, i, part.translation), part.lang, `${a}-f${i}`, 4, ids));
  const rows = part.directions.map((d) => {
    const r = d.result;
    return html`<tr><th scope="row" class="mono">${dirName(d)}</th><td class="num">${r.echo ? `${r.echo.received}/${r.echo.sent}` : ''}</td><td class="num">${r.echo?.rttMs ? fmt(r.echo.rttMs.avg) : ''}</td><td class="num">${r.sweep ? (r.sweep.largestPassing ?? '-') : ''}</td><td class="num">${r.ramp?.lossOnsetBps !== undefined ? formatRate(r.ramp.lossOnsetBps) : ''}</td></tr>`;
  });
  const table = html`<div class="scroll"><table class="directions"><caption>${tr(WORDS.caption)}</caption><thead><tr><th scope="col">${tr(WORDS.direction)}</th><th scope="col" class="num">${tr(WORDS.echo)}</th><th scope="col" class="num">${tr(WORDS.rtt)}</th><th scope="col" class="num">${tr(WORDS.largest)}</th><th scope="col" class="num">${tr(WORDS.onset)}</th></tr></thead><tbody>${rows}</tbody></table></div>`;
  const sweep = sweepChart(part.directions, `${a}-sweep`, part.lang);
  const ramp = rampChart(part.directions, `${a}-ramp`, part.lang);
  const drops = part.drops && part.drops.length > 0 ? html`${heading(3, tr(WORDS.drops))}${nodeTracesView(part.drops, `${a}-dr`, part.lang, 4)}` : '';
  const errors = part.errors.length === 0 ? '' : html`${heading(3, tr(WORDS.errors))}<ul class="evidence">${part.errors.map((e) => html`<li><code>${show(e, 600)}</code></li>`)}</ul>`;
  const body = html`<section class="probe" id="${a}" aria-labelledby="${a}-h">${heading(2, tr(fill(WORDS.heading, { peer })), `${a}-h`)}${findings.length > 0 ? heading(3, html`${tr(w('findingsHeading'))} (${findings.length})`) : ''}${findings}${table}${sweep}${ramp}${drops}${errors}</section>`;
  return { summary: summaryView(summary, `${prefix}summary`), body, subject: fill(WORDS.subject, { peer }) };
}
