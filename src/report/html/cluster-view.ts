// `cluster doctor -o html` (and `doctor --from-dir --cluster-from -o html`): the cluster rules'
// findings first, then the nodes as a fleet (the table, the rules heatmap, the facts side by side)
// and each node's report: issue 12's "the cluster's findings in the same report". The summary
// counts the cluster's findings and every node's, as the text report does.
import { SEVERITY_ORDER } from '../../engine/run-rules.js';
import type { Finding, Severity } from '../../engine/types.js';
import { clusterRulesVerdict, type ClusterDoctorReport } from '../cluster-doctor-model.js';
import { show } from '../safe-text.js';
import { doctorView, findingView, heading, idMaker, nodeTitle } from './doctor-view.js';
import { fleetView } from './fleet-view.js';
import { html, join } from './html.js';
import { fill, tr } from './i18n.js';
import { isUnreadable, type NodeEntry } from './model.js';
import { page } from './page.js';
import { summaryView, type SummaryData } from './summary.js';
import { w } from './words.js';
import { CLUSTER_HTML_WORDS } from './view-words.js';

const WORDS = CLUSTER_HTML_WORDS;

/** Healthy only when every cluster rule was judged (cluster-doctor-model.ts clusterRulesVerdict). */
function noFindingsView(r: ClusterDoctorReport): ReturnType<typeof html> {
  const v = clusterRulesVerdict(r);
  if (v === 'notJudged') return html`<p class="verdict v-inconclusive">${tr(WORDS.notJudged)}</p>`;
  if (v === 'partlyJudged') return html`<p class="verdict v-healthy">${tr(fill(WORDS.noFindingsPartly, { passed: r.summary.passed, skipped: r.summary.skipped }))}</p>`;
  return html`<p class="verdict v-healthy">${tr(WORDS.noFindings)}</p>`;
}

export function renderClusterHtml(r: ClusterDoctorReport, opts: { now?: Date } = {}): string {
  const ids = idMaker();
  const nodes: NodeEntry[] = r.nodes.map((n) => (n.report ? { from: n.from, report: n.report } : { from: n.from, error: n.error ?? { code: 'E_UNKNOWN', message: '' } }));
  const anchors = nodes.map((_, i) => `n${i}`);
  // The most severe finding: the cluster's first, then each node's.
  const rank = (s: Severity) => SEVERITY_ORDER.indexOf(s);
  const candidates: { f: Finding; anchor: string; about: string }[] = [
    ...r.findings.map((f, i) => ({ f, anchor: `cl-f${i}`, about: 'cluster' })),
    ...nodes.flatMap((e, i) => (isUnreadable(e) || !e.report.findings[0] ? [] : [{ f: e.report.findings[0], anchor: `n${i}-f0`, about: nodeTitle(e.report) }])),
  ];
  const top = candidates.reduce<(typeof candidates)[number] | undefined>((best, c) => (!best || rank(c.f.severity) < rank(best.f.severity) ? c : best), undefined);
  const s = r.summary;
  const extra = html`<p class="cluster-line" data-nodes="${s.nodes}" data-failing="${s.nodesFailing}" data-errors="${s.nodeErrors}" data-findings="${s.findings}">${tr(fill(WORDS.line, { nodes: s.nodes, failing: s.nodesFailing, errors: s.nodeErrors, passed: s.passed, skipped: s.skipped, failed: s.failed }))}</p>`;
  const data: SummaryData = {
    verdict: s.findings > 0 ? 'findings' : s.nodeErrors > 0 ? 'unreadable' : r.cluster?.partial ? 'inconclusive' : 'healthy',
    bySeverity: { ...s.bySeverity },
    ...(top ? { top: { finding: top.f, node: top.about, anchor: top.anchor, lang: r.lang } } : {}),
    extra,
  };
  const findings = r.findings.map((f, i) => findingView(f, undefined, r.lang, `cl-f${i}`, 3, ids));
  const skipped = r.results.filter((x) => x.status === 'skipped');
  const skippedView = skipped.length === 0 ? '' : html`<details class="skipped"><summary>${tr(fill(WORDS.skipped, { n: skipped.length }))}</summary><table><thead><tr><th scope="col">${tr(w('rule'))}</th><th scope="col">${tr(w('reason'))}</th></tr></thead><tbody>${skipped.map((x) => html`<tr><th scope="row" class="mono">${show(x.ruleId)}</th><td><span lang="${r.lang}">${show(x.reason ?? '')}</span></td></tr>`)}</tbody></table></details>`;
  const source = r.cluster ? html`<p class="meta">${tr(fill(WORDS.source, { source: show(JSON.stringify(r.cluster.source), 300) }))}</p>` : '';
  const without = r.withoutFacts.length === 0 ? '' : html`<p class="note">${tr(fill(WORDS.withoutFacts, { list: r.withoutFacts.slice(0, 200).map((x) => show(x, 120)).join(', ') }))}</p>`;
  const cluster = html`<section class="cluster" id="cluster" aria-labelledby="cluster-h">${heading(2, tr(WORDS.heading), 'cluster-h')}${source}${without}${findings.length > 0 ? heading(3, html`${tr(w('findingsHeading'))} (${findings.length})`) : noFindingsView(r)}${findings}${skippedView}</section>`;
  const fleet = nodes.length > 1 ? fleetView(nodes, anchors, r.lang) : undefined;
  const nodeViews = nodes.map((e, i) => (isUnreadable(e)
    ? html`<section class="node" id="${anchors[i]!}" aria-labelledby="${anchors[i]!}-h"><h2 id="${anchors[i]!}-h">${show(e.from)}</h2><p class="error-box">${tr(w('unreadableBundle'))}: <code>podpath: ${show(e.error.code)}: ${show(e.error.message)}</code></p></section>`
    : doctorView(e, anchors[i]!, 2, ids, { skippedAt: fleet?.skippedAt })));
  return page({
    lang: r.lang,
    subject: fill(WORDS.subject, { n: s.nodes }),
    generatedAt: (opts.now ?? new Date()).toISOString(),
    version: r.podpathVersion,
    body: join([summaryView(data), cluster, fleet?.body, ...nodeViews]),
  }).toString();
}
