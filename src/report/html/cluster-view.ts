// `cluster doctor -o html` (and `doctor --from-dir --cluster-from -o html`, and `podpath report` of
// their JSON): the cluster rules' findings first, then the nodes as a fleet (the table, the rules
// heatmap, the facts side by side) and each node's report: issue 12's "the cluster's findings in the
// same report". The summary counts the cluster's findings and every node's, as the text report
// does. With the same run's report in the other language, every text of it switches language.
import { SEVERITY_ORDER } from '../../engine/run-rules.js';
import type { Finding, Severity } from '../../engine/types.js';
import { clusterRulesVerdict, isClusterInconclusive, type ClusterDoctorReport } from '../cluster-doctor-model.js';
import { show } from '../safe-text.js';
import { doctorView, findingView, heading, nodeTitle, type Ids } from './doctor-view.js';
import { fleetView } from './fleet-view.js';
import { html, join, type SafeHtml } from './html.js';
import { fill, paired, tr, type Text } from './i18n.js';
import { isUnreadable, type ClusterPart, type NodeEntry } from './model.js';
import { twinOf } from './part-summary.js';
import { judgedOf, summaryView, type SummaryData } from './summary.js';
import { w } from './words.js';
import { CLUSTER_HTML_WORDS } from './view-words.js';
import { CLUSTER_DOCTOR_WORDS } from '../cluster-doctor.js';

const WORDS = CLUSTER_HTML_WORDS;

/** Healthy only when every cluster rule was judged (cluster-doctor-model.ts clusterRulesVerdict). */
function noFindingsView(r: ClusterDoctorReport): ReturnType<typeof html> {
  const v = clusterRulesVerdict(r);
  if (v === 'notJudged') return html`<p class="verdict v-inconclusive">${tr(WORDS.notJudged)}</p>`;
  if (v === 'partlyJudged') return html`<p class="verdict v-healthy">${tr(fill(WORDS.noFindingsPartly, { passed: r.summary.passed, skipped: r.summary.skipped }))}</p>`;
  return html`<p class="verdict v-healthy">${tr(WORDS.noFindings)}</p>`;
}

/** A node's report and, when it is the same judgement, the translation's. */
function nodeEntries(r: ClusterDoctorReport, t?: ClusterDoctorReport): NodeEntry[] {
  return r.nodes.map((n, i) => {
    if (!n.report) return { from: n.from, error: n.error ?? { code: 'E_UNKNOWN', message: '' } };
    const o = t?.nodes[i]?.report;
    const same = o && o.findings.length === n.report.findings.length && o.findings.every((f, k) => f.ruleId === n.report!.findings[k]!.ruleId && f.messageId === n.report!.findings[k]!.messageId);
    return { from: n.from, report: n.report, ...(same ? { translation: o } : {}) };
  });
}

/** Where the cluster facts came from, in words (the server and context, or the dump's files), what was read, and what was cut short. */
function sourceView(c: NonNullable<ClusterDoctorReport['cluster']>): SafeHtml {
  const src = c.source;
  const files = src.files ?? [];
  const shown = files.slice(0, 20).map((f) => show(f, 200)).join(', ') + (files.length > 20 ? ', …' : '');
  const from = src.kind === 'api'
    ? (src.context ? fill(WORDS.sourceApiContext, { server: show(src.server ?? '?', 200), context: show(src.context, 120) }) : fill(WORDS.sourceApi, { server: show(src.server ?? '?', 200) }))
    : fill(WORDS.sourceFiles, { n: files.length, files: shown || '-' });
  const counts = Object.entries(c.counts).map(([k, n]) => `${n} ${show(k, 64)}`).join(', ') || '-';
  const line = { en: fill(WORDS.source, { source: from.en, counts }).en, zh: fill(WORDS.source, { source: from.zh, counts }).zh };
  const partial = c.partial.map((p) => html`<p class="note" role="note">${tr(fill(CLUSTER_DOCTOR_WORDS.partial, { code: show(p.code, 64), resource: show(p.resource, 120), message: show(p.message, 300) }))}</p>`);
  return html`<p class="meta cluster-source">${tr(line)}</p>${partial}`;
}

export function clusterView(part: ClusterPart, prefix: string, ids: Ids): { summary: SafeHtml; body: SafeHtml; subject: Text } {
  const r = part.report;
  const t = part.translation;
  const nodes = nodeEntries(r, t);
  const anchors = nodes.map((_, i) => `${prefix}n${i}`);
  const cl = `${prefix}cl`;
  // The most severe finding: the cluster's first, then each node's.
  const rank = (s: Severity) => SEVERITY_ORDER.indexOf(s);
  const candidates: { f: Finding; other?: Finding; anchor: string; about: string }[] = [
    ...r.findings.map((f, i) => ({ f, other: twinOf(f, i, t?.findings), anchor: `${cl}-f${i}`, about: 'cluster' })),
    ...nodes.flatMap((e, i) => (isUnreadable(e) || !e.report.findings[0] ? [] : [{ f: e.report.findings[0], other: twinOf(e.report.findings[0], 0, e.translation?.findings), anchor: `${anchors[i]!}-f0`, about: nodeTitle(e.report) }])),
  ];
  const top = candidates.reduce<(typeof candidates)[number] | undefined>((best, c) => (!best || rank(c.f.severity) < rank(best.f.severity) ? c : best), undefined);
  const s = r.summary;
  const extra = html`<p class="cluster-line" data-nodes="${s.nodes}" data-failing="${s.nodesFailing}" data-errors="${s.nodeErrors}" data-findings="${s.findings}">${tr(fill(WORDS.line, { nodes: s.nodes, failing: s.nodesFailing, errors: s.nodeErrors, passed: s.passed, skipped: s.skipped, failed: s.failed }))}</p>`;
  const data: SummaryData = {
    verdict: s.findings > 0 ? 'findings' : s.nodeErrors > 0 ? 'unreadable' : isClusterInconclusive(r) ? 'inconclusive' : 'healthy',
    bySeverity: { ...s.bySeverity },
    ...(top ? { top: { finding: top.f, ...(top.other ? { other: top.other } : {}), node: top.about, anchor: top.anchor, lang: r.lang } } : {}),
    extra,
    judged: nodes.reduce((j, e) => (isUnreadable(e) ? j : { judged: j.judged + e.report.summary.rules - e.report.summary.skipped, total: j.total + e.report.summary.rules }), judgedOf(r.results)),
  };
  const findings = r.findings.map((f, i) => findingView(f, twinOf(f, i, t?.findings), r.lang, `${cl}-f${i}`, 3, ids));
  const skipped = r.results.map((x, i) => ({ x, alt: t?.results[i]?.ruleId === x.ruleId ? t.results[i]!.reason : undefined })).filter(({ x }) => x.status === 'skipped');
  const skippedView = skipped.length === 0 ? '' : html`<details class="skipped"><summary>${tr(fill(WORDS.skipped, { n: skipped.length }))}</summary><table><thead><tr><th scope="col">${tr(w('rule'))}</th><th scope="col">${tr(w('reason'))}</th></tr></thead><tbody>${skipped.map(({ x, alt }) => html`<tr><th scope="row" class="mono">${show(x.ruleId)}</th><td>${tr(paired(r.lang, x.reason ?? '', alt), (v) => show(v))}</td></tr>`)}</tbody></table></details>`;
  const source = r.cluster ? sourceView(r.cluster) : '';
  const without = r.withoutFacts.length === 0 ? '' : html`<p class="note">${tr(fill(WORDS.withoutFacts, { list: r.withoutFacts.slice(0, 200).map((x) => show(x, 120)).join(', ') }))}</p>`;
  const cluster = html`<section class="cluster" id="${prefix}cluster" aria-labelledby="${prefix}cluster-h">${heading(2, tr(WORDS.heading), `${prefix}cluster-h`)}${source}${without}${findings.length > 0 ? heading(3, html`${tr(w('findingsHeading'))} (${findings.length})`) : noFindingsView(r)}${findings}${skippedView}</section>`;
  const fleet = nodes.length > 1 ? fleetView(nodes, anchors, r.lang, prefix) : undefined;
  const nodeViews = nodes.map((e, i) => (isUnreadable(e)
    ? html`<section class="node" id="${anchors[i]!}" aria-labelledby="${anchors[i]!}-h"><h2 id="${anchors[i]!}-h">${show(e.from)}</h2><p class="error-box">${tr(w('unreadableBundle'))}: <code>podpath: ${show(e.error.code)}: ${show(e.error.message)}</code></p></section>`
    : doctorView(e, anchors[i]!, 2, ids, { skippedAt: fleet?.skippedAt })));
  return { summary: summaryView(data, `${prefix}summary`), body: join([cluster, fleet?.body, ...nodeViews]), subject: fill(WORDS.subject, { n: s.nodes }) };
}
