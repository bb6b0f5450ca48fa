// The summary at the top of every report: the verdict (problems found, no problems, inconclusive
// when the evidence is incomplete, unreadable), findings counted by severity, the most severe
// finding in one line with a link to it; the rules' or the nodes' tally. It counts what the
// reports say (their summary.bySeverity); it judges nothing itself.
import { judgedOf, SEVERITY_ORDER, type Judged } from '../../engine/run-rules.js';
import type { Finding, Severity } from '../../engine/types.js';
import { isInconclusive } from '../model.js';
import { show } from '../safe-text.js';
import { html, type SafeHtml } from './html.js';
import { fill, paired, tr } from './i18n.js';
import { isUnreadable, type NodeEntry } from './model.js';
import { nodeTitle, sevBadge } from './doctor-view.js';
import { w } from './words.js';

export type Verdict = 'findings' | 'unreadable' | 'inconclusive' | 'healthy' | 'empty';

export interface SummaryData {
  verdict: Verdict;
  bySeverity: Record<Severity, number>;
  top?: { finding: Finding; other?: Finding; node: string; anchor: string; lang: 'en' | 'zh' };
  /** One node: its rules' tally. */
  rules?: { rules: number; passed: number; skipped: number; findings: number };
  /** Several nodes: how many are in each state (as the fleet's text report counts them). */
  nodes?: { n: number; healthy: number; findings: number; incomplete: number; unreadable: number };
  /** A line of the part's own after the verdict (a mesh: its nodes and cells). */
  extra?: SafeHtml;
  /** How many of the rules that ran could judge (passed or failed) rather than skip; summed over nodes. */
  judged?: Judged;
}

export { judgedOf, type Judged };

/** The summary of doctor reports; `anchors[i]` is node i's element id. */
export function summarize(nodes: readonly NodeEntry[], anchors: readonly string[]): SummaryData {
  const bySeverity = Object.fromEntries(SEVERITY_ORDER.map((s) => [s, 0])) as Record<Severity, number>;
  const tally = { n: nodes.length, healthy: 0, findings: 0, incomplete: 0, unreadable: 0 };
  const judged = { judged: 0, total: 0 };
  let top: SummaryData['top'];
  const rank = (s: Severity) => SEVERITY_ORDER.indexOf(s);
  nodes.forEach((e, i) => {
    if (isUnreadable(e)) {
      tally.unreadable++;
      return;
    }
    const r = e.report;
    judged.judged += r.summary.rules - r.summary.skipped;
    judged.total += r.summary.rules;
    for (const s of SEVERITY_ORDER) bySeverity[s] += r.summary.bySeverity[s] ?? 0;
    if (r.findings.length > 0) tally.findings++;
    else if (isInconclusive(r)) tally.incomplete++;
    else tally.healthy++;
    const f = r.findings[0];
    if (f && (!top || rank(f.severity) < rank(top.finding.severity))) {
      const g = e.translation?.findings[0];
      top = { finding: f, other: g && g.ruleId === f.ruleId && g.messageId === f.messageId ? g : undefined, node: nodeTitle(r), anchor: `${anchors[i]}-f0`, lang: r.lang };
    }
  });
  const verdict: Verdict = nodes.length === 0 ? 'empty' : tally.findings > 0 ? 'findings' : tally.unreadable > 0 ? 'unreadable' : tally.incomplete > 0 ? 'inconclusive' : 'healthy';
  const one = nodes.length === 1 && !isUnreadable(nodes[0]!) ? nodes[0].report.summary : undefined;
  return {
    verdict,
    bySeverity,
    top,
    ...(nodes.some((e) => !isUnreadable(e)) ? { judged } : {}),
    ...(one ? { rules: { rules: one.rules, passed: one.passed, skipped: one.skipped, findings: one.findings } } : {}),
    ...(nodes.length > 1 ? { nodes: tally } : {}),
  };
}

const VERDICT_WORD = { findings: 'verdictFindings', unreadable: 'verdictUnreadable', inconclusive: 'verdictInconclusive', healthy: 'verdictHealthy', empty: 'verdictEmpty' } as const;

export function summaryView(s: SummaryData, id = 'summary'): SafeHtml {
  const counts = SEVERITY_ORDER.map((sv) => html`<li data-severity="${sv}">${sevBadge(sv)}<span class="n" data-count="${s.bySeverity[sv]}">${s.bySeverity[sv]}</span></li>`);
  const top = s.top
    ? html`<p class="top-finding">${tr(w('topFinding'))}: ${sevBadge(s.top.finding.severity)} <a href="#${s.top.anchor}">${tr(paired(s.top.lang, s.top.finding.title, s.top.other?.title), (x) => show(x))}</a> <span class="rule-id">${show(s.top.finding.ruleId)}</span> (${s.top.node})</p>`
    : html`<p class="top-finding">${tr(w('topFinding'))}: ${tr(w('none'))}</p>`;
  const rules = s.rules ? html`<p class="rules-line" data-rules="${s.rules.rules}" data-passed="${s.rules.passed}" data-skipped="${s.rules.skipped}" data-findings="${s.rules.findings}">${tr(fill(w('rulesLine'), s.rules))}</p>` : '';
  const judged = s.judged ? html`<p class="judged-line" data-judged="${s.judged.judged}" data-total="${s.judged.total}">${tr(fill(w('judgedLine'), { judged: s.judged.judged, total: s.judged.total }))}</p>` : '';
  const nodes = s.nodes ? html`<p class="nodes-line" data-nodes="${s.nodes.n}" data-healthy="${s.nodes.healthy}" data-with-findings="${s.nodes.findings}" data-incomplete="${s.nodes.incomplete}" data-unreadable="${s.nodes.unreadable}">${tr(fill(w('nodesLine'), s.nodes))}</p>` : '';
  return html`<section class="summary" id="${id}" aria-labelledby="${id}-h"><h2 id="${id}-h">${tr(w('summary'))}</h2><p class="verdict v-${s.verdict}" data-verdict="${s.verdict}">${tr(w(VERDICT_WORD[s.verdict]))}</p>${nodes}${s.extra ?? ''}<h3 class="vh">${tr(w('bySeverity'))}</h3><ul class="counts">${counts}</ul>${top}${judged}${rules}</section>`;
}
