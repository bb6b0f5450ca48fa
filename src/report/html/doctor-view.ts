// One node's doctor report as HTML, in the text report's order: the node, notes, findings (what is
// wrong, the evidence lines and where each came from, the fix and its undo with copy buttons, the
// references), then the skipped rules with their reasons, the probes' sweeps and ramps as curves
// (doctor --peer), then the peer's own report.
// Strings from the report go through show() as in the text report (one line, clipped where the
// text report clips), then through the html tag (escaped).
import type { Finding, Lang, Severity } from '../../engine/types.js';
import { isInconclusive, type DoctorReport } from '../model.js';
import { show } from '../safe-text.js';
import { html, join, trusted, type HtmlValue, type SafeHtml } from './html.js';
import { fill, paired, tr } from './i18n.js';
import type { DoctorNode } from './model.js';
import { lbl, sev, w } from './words.js';
import { rampChart, sweepChart } from './probe-charts.js';
import { PROBE_HTML_WORDS } from './view-words.js';
import { LABELS } from '../labels.js';

const ALL = Number.MAX_SAFE_INTEGER;

/** Element ids: made here from counters and indexes, never from input. */
export interface Ids {
  next(prefix: string): string;
}

export function idMaker(): Ids {
  const n = new Map<string, number>();
  return {
    next(prefix) {
      const i = (n.get(prefix) ?? 0) + 1;
      n.set(prefix, i);
      return `${prefix}${i}`;
    },
  };
}

export function heading(level: number, content: HtmlValue, id?: string): SafeHtml {
  const l = Math.min(6, Math.max(1, level));
  return html`${trusted(`<h${l}`)}${id ? html` id="${id}"` : ''}>${content}${trusted(`</h${l}>`)}`;
}

export function sevBadge(s: Severity): SafeHtml {
  return html`<span class="sev sev-${s}">${tr(sev(s))}</span>`;
}

/** The same finding of the run in the other language, when it is there and is the same finding. */
function twin(f: Finding, i: number, t?: DoctorReport): Finding | undefined {
  const g = t?.findings[i];
  return g && g.ruleId === f.ruleId && g.messageId === f.messageId ? g : undefined;
}

/**
 * A command block; the page's script gives it its copy button (page.ts copyTemplates: the
 * button's words in both languages are in the page once, not in each of a fleet's hundreds of
 * blocks; without script there is nothing to press anyway). The copy is the commands exactly as the
 * text report prints them (after `$ `).
 */
export function commands(cmds: readonly string[], id: string, what: CopyWhat): SafeHtml {
  const lines = cmds.map((c) => html`<span class="cmd">${show(c, ALL)}</span>`);
  return html`<div class="cmds" data-c="${what}"><pre><code id="${id}">${join(lines, trusted('\n'))}</code></pre></div>`;
}

export type CopyWhat = 'fix' | 'undo';

/** The copy buttons the script clones into each command block, by what the block holds. */
export function copyTemplates(): SafeHtml {
  const words: Record<CopyWhat, 'copyFix' | 'copyUndo'> = { fix: 'copyFix', undo: 'copyUndo' };
  return join((Object.keys(words) as CopyWhat[]).map((k) => html`<template id="copy-${k}"><button type="button" class="js-only">${tr(w('copy'))}<span class="vh"> ${tr(w(words[k]))}</span></button><span class="copied" role="status"></span></template>`));
}

/** References: a web address is a link (http and https only: a `javascript:` one stays text). */
function reference(ref: string): SafeHtml {
  const shown = show(ref, ALL);
  if (/^https?:\/\/[^\s"'<>]+$/.test(ref) && shown === ref) return html`<a href="${ref}" rel="noreferrer noopener">${shown}</a>`;
  const gh = /^gh:([A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+)#(\d+)$/.exec(ref);
  if (gh) return html`<a href="https://github.com/${gh[1]!}/issues/${gh[2]!}" rel="noreferrer noopener">${shown}</a>`;
  return html`<span class="mono">${shown}</span>`;
}

function location(f: Finding): SafeHtml | '' {
  const loc = f.location;
  if (!loc) return '';
  const frames = loc.frames ? `${loc.frames.ranges.map((r) => (r.from === r.to ? String(r.from) : `${r.from}-${r.to}`)).join(', ')}${loc.frames.truncated ? ', …' : ''} (${loc.frames.count})` : undefined;
  return html`<p class="loc">${tr(w('where'))}: ${loc.file ? html`${tr(w('file'))} <code>${show(loc.file)}</code> ` : ''}${frames ? html`${tr(w('frames'))} ${frames} ` : ''}${loc.filter ? html`${tr(w('filter'))} <code>${show(loc.filter, ALL)}</code>` : ''}</p>`;
}

export function findingView(f: Finding, other: Finding | undefined, lang: Lang, id: string, level: number, ids: Ids): SafeHtml {
  const t = (main: string, alt: string | undefined, max = ALL): SafeHtml => tr(paired(lang, main, alt), (s) => show(s, max));
  const evidence = f.evidence.length === 0 ? '' : html`${heading(level + 1, tr(lbl('evidence')))}<ul class="evidence">${f.evidence.map((e) => html`<li><span class="src mono">${show(e.source)}:</span> <code>${show(e.text)}</code></li>`)}${f.evidenceOmitted ? html`<li>${tr(fill(LABELS.moreEvidence, { n: f.evidenceOmitted }))}</li>` : ''}</ul>`;
  const steps = f.remediation.map((step, k) => {
    const alt = other?.remediation[k];
    return html`<div class="step">${heading(level + 1, html`${tr(lbl('fix'))}: ${t(step.description, alt?.description)}`)}${commands(step.commands, ids.next(`${id}-fix`), 'fix')}<p><strong>${tr(lbl('undo'))}</strong></p>${commands(step.undo, ids.next(`${id}-undo`), 'undo')}</div>`;
  });
  const refs = f.references.length === 0 ? '' : html`<p class="refs">${tr(lbl('references'))}: ${join(f.references.map(reference), ', ')}</p>`;
  return html`<article class="finding f-${f.severity}" id="${id}" data-rule="${show(f.ruleId)}" data-severity="${f.severity}">${heading(level, html`${sevBadge(f.severity)} ${t(f.title, other?.title, undefined)} <span class="rule-id">${show(f.ruleId)}</span>`)}<p>${t(f.message, other?.message)}</p>${f.detail ? html`<p class="detail">${t(f.detail, other?.detail)}</p>` : ''}${location(f)}${evidence}${steps}${refs}</article>`;
}

function oneLangNote(node: DoctorNode): SafeHtml | '' {
  if (node.translation) return '';
  // Shown only when the reader switched to the language the report lacks.
  const missing: Lang = node.report.lang === 'en' ? 'zh' : 'en';
  return html`<p class="note i" lang="${missing}">${w('oneLangOnly')[missing]}</p>`;
}

export function nodeTitle(r: DoctorReport): string {
  return show(r.node.hostname ?? '?');
}

/**
 * The node's report; `prefix` makes its ids (`n0`), `level` is its heading's level. In a fleet the
 * skipped rules are listed once for all nodes (`skippedAt`: that table's id) instead of per node.
 */
export function doctorView(node: DoctorNode, prefix: string, level: number, ids: Ids, opts: { skippedAt?: string } = {}): SafeHtml {
  const r = node.report;
  const tl = node.translation;
  const lang = r.lang;
  const t = (main: string, alt: string | undefined): SafeHtml => tr(paired(lang, main, alt), (s) => show(s, ALL));
  const origin = r.node.origin.path ? html`${r.node.origin.kind} <code>${show(r.node.origin.path)}</code>` : html`${r.node.origin.kind}`;
  const facts: HtmlValue[] = [];
  if (r.node.kernel) facts.push(html`${tr(lbl('kernel'))} ${show(r.node.kernel)}`);
  if (r.node.os) facts.push(show(r.node.os));
  facts.push(html`${tr(lbl('from'))}: ${origin}`);
  facts.push(tr(fill(w('collectedAt'), { at: show(r.node.collectedAt) })));
  const notes = (r.notes ?? []).map((n) => html`<p class="note" role="note"><strong>${tr(lbl('note'))}</strong>: <code>${show(n.code)}</code>: ${show(n.message, ALL)}</p>`);
  const notK8s = r.node.kubernetesNode ? '' : html`<p class="note" role="note">${tr(lbl('notK8s'))}</p>`;
  const none = r.findings.length > 0 ? '' : isInconclusive(r) ? html`<p class="verdict v-inconclusive">${tr(lbl('noFindingsIncomplete'))}</p>` : html`<p class="verdict v-healthy">${tr(lbl('noFindings'))}</p>`;
  const findings = r.findings.map((f, i) => findingView(f, twin(f, i, tl), lang, `${prefix}-f${i}`, level + 2, ids));
  const skipped = r.results.map((x, i) => ({ x, i })).filter(({ x }) => x.status === 'skipped');
  const skippedView = skipped.length === 0 ? '' : opts.skippedAt ? html`<p class="skipped-ref"><a href="#${opts.skippedAt}">${tr(fill(w('skippedHeading'), { n: skipped.length }))}</a>: ${tr(w('skippedInFleet'))}</p>` : html`<details class="skipped"><summary>${tr(fill(w('skippedHeading'), { n: skipped.length }))}</summary><table><thead><tr><th scope="col">${tr(w('rule'))}</th><th scope="col">${tr(w('reason'))}</th></tr></thead><tbody>${skipped.map(({ x, i }) => {
    const alt = tl?.results[i]?.ruleId === x.ruleId ? tl.results[i]?.reason : undefined;
    return html`<tr id="${prefix}-s${i}"><th scope="row" class="mono">${show(x.ruleId)}</th><td>${t(x.reason ?? '', alt)}</td></tr>`;
  })}</tbody></table></details>`;
  const rules = html`<p class="rules">${tr(lbl('passed'))}: ${r.summary.passed}/${r.summary.rules} ${tr(lbl('rules'))}; ${r.summary.findings} ${tr(lbl('findings'))}</p>`;
  const peer = r.peer ? peerView(r.peer, tl?.peer, prefix, level + 1, ids) : '';
  const probes = r.probes ? html`<section class="probes" aria-labelledby="${prefix}-pr-h">${heading(level + 1, tr(fill(PROBE_HTML_WORDS.heading, { peer: show(r.probes.peer, 120) })), `${prefix}-pr-h`)}${sweepChart(r.probes.directions, `${prefix}-sweep`, lang)}${rampChart(r.probes.directions, `${prefix}-ramp`, lang)}</section>` : '';
  return html`<section class="node" id="${prefix}" aria-labelledby="${prefix}-h">${heading(level, nodeTitle(r), `${prefix}-h`)}<p class="meta">${join(facts, ' · ')}</p>${oneLangNote(node)}${notes}${notK8s}${findings.length > 0 ? heading(level + 1, html`${tr(w('findingsHeading'))} (${findings.length})`) : ''}${none}${findings}${skippedView}${rules}${probes}${peer}</section>`;
}

function peerView(peer: NonNullable<DoctorReport['peer']>, alt: DoctorReport['peer'], prefix: string, level: number, ids: Ids): SafeHtml {
  const title = html`${tr(lbl('peer'))} ${show(peer.address)}`;
  if (!peer.report) return html`<section class="peer">${heading(level, title)}<p class="error-box">${tr(w('peerNone'))}: ${show(peer.error ?? '?', ALL)}</p></section>`;
  return html`<section class="peer">${heading(level, title)}${doctorView({ from: peer.address, report: peer.report, translation: alt?.report }, `${prefix}p`, level + 1, ids)}</section>`;
}
