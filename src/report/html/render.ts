// The HTML report: the page, the summary first, then each part's view. A part's kind picks its
// view in VIEWS (the extension point: a mesh, a capture or a trace adds its kind and view here).
import type { Lang } from '../../engine/types.js';
import type { DoctorReport, FleetEntry } from '../model.js';
import { doctorView, idMaker, nodeTitle, type Ids } from './doctor-view.js';
import { fleetView } from './fleet-view.js';
import { meshView } from './mesh-view.js';
import { captureDiffView, captureView } from './capture-view.js';
import { nodeDiffView } from './node-diff-view.js';
import { traceView } from './trace-view.js';
import { probeView } from './probe-view.js';
import { clusterView } from './cluster-view.js';
import type { ClusterDoctorReport } from '../cluster-doctor-model.js';
import { html, join, type SafeHtml } from './html.js';
import type { DoctorPart, HtmlReportInput, NodeEntry, ReportPart } from './model.js';
import { isUnreadable } from './model.js';
import { page } from './page.js';
import { summarize, summaryView } from './summary.js';
import { show } from '../safe-text.js';
import { fill, tr, type Text } from './i18n.js';
import { w } from './words.js';

interface ViewContext {
  lang: Lang;
  ids: Ids;
  /** A prefix unique to this part, for its element ids. */
  prefix: string;
}

/** How each kind of part is drawn (its own summary goes into the page's summary). */
const VIEWS: { [K in ReportPart['kind']]: (part: Extract<ReportPart, { kind: K }>, ctx: ViewContext) => { summary: SafeHtml; body: SafeHtml; subject: Text } } = {
  doctor: doctorPartView,
  mesh: (part, ctx) => meshView(part, ctx.prefix, ctx.ids),
  capture: (part, ctx) => captureView(part, ctx.prefix, ctx.ids),
  'capture-diff': (part, ctx) => captureDiffView(part, ctx.prefix, ctx.ids),
  'node-diff': (part, ctx) => nodeDiffView(part, ctx.prefix),
  trace: (part, ctx) => traceView(part, ctx.prefix),
  probe: (part, ctx) => probeView(part, ctx.prefix, ctx.ids),
  cluster: (part, ctx) => clusterView(part, ctx.prefix, ctx.ids),
};

function nodeAnchors(part: DoctorPart, prefix: string): string[] {
  return part.nodes.map((_, i) => `${prefix}n${i}`);
}

function unreadableView(e: Extract<NodeEntry, { error: unknown }>, anchor: string): SafeHtml {
  return html`<section class="node" id="${anchor}" aria-labelledby="${anchor}-h"><h2 id="${anchor}-h">${show(e.from)}</h2><p class="error-box">${tr(w('unreadableBundle'))}: <code>podpath: ${show(e.error.code)}: ${show(e.error.message)}</code></p></section>`;
}

function doctorPartView(part: DoctorPart, ctx: ViewContext): { summary: SafeHtml; body: SafeHtml; subject: Text } {
  const anchors = nodeAnchors(part, ctx.prefix);
  const summary = summaryView(summarize(part.nodes, anchors), `${ctx.prefix}summary`);
  const fleet = part.nodes.length > 1 ? fleetView(part.nodes, anchors, ctx.lang, ctx.prefix) : undefined;
  const nodes = part.nodes.map((e, i) => (isUnreadable(e) ? unreadableView(e, anchors[i]!) : doctorView(e, anchors[i]!, 2, ctx.ids, { skippedAt: fleet?.skippedAt })));
  const only = part.nodes.length === 1 ? part.nodes[0]! : undefined;
  const subject: Text = only ? (isUnreadable(only) ? show(only.from) : nodeTitle(only.report)) : fill(w('nNodes'), { n: part.nodes.length });
  return { summary, body: join([fleet?.body, ...nodes]), subject };
}

function viewOf(part: ReportPart, ctx: ViewContext): { summary: SafeHtml; body: SafeHtml; subject: Text } {
  switch (part.kind) {
    case 'doctor': return VIEWS.doctor(part, ctx);
    case 'mesh': return VIEWS.mesh(part, ctx);
    case 'capture': return VIEWS.capture(part, ctx);
    case 'capture-diff': return VIEWS['capture-diff'](part, ctx);
    case 'node-diff': return VIEWS['node-diff'](part, ctx);
    case 'trace': return VIEWS.trace(part, ctx);
    case 'probe': return VIEWS.probe(part, ctx);
    case 'cluster': return VIEWS.cluster(part, ctx);
  }
}

export function renderHtmlReport(input: HtmlReportInput): string {
  const ids = idMaker();
  const views = input.parts.map((part, i) => viewOf(part, { lang: input.lang, ids, prefix: input.parts.length === 1 ? '' : `p${i}` }));
  const subject = views.length === 1 ? views[0]!.subject : undefined;
  return page({ lang: input.lang, subject, generatedAt: input.generatedAt, version: input.version, body: join(views.flatMap((v) => [v.summary, v.body])) }).toString();
}

/** `doctor -o html`: one node (and its translation, when the rules ran in both languages). */
export function renderDoctorHtml(report: DoctorReport, opts: { translation?: DoctorReport; from?: string; now?: Date } = {}): string {
  return renderHtmlReport({
    lang: report.lang,
    parts: [{ kind: 'doctor', nodes: [{ from: opts.from ?? report.node.origin.path ?? report.node.origin.kind, report, ...(opts.translation ? { translation: opts.translation } : {}) }] }],
    generatedAt: (opts.now ?? new Date()).toISOString(),
    version: report.podpathVersion,
  });
}

/** `doctor --from A --from B -o html`: the fleet. */
export function renderFleetHtml(entries: readonly (FleetEntry & { translation?: DoctorReport })[], opts: { lang: Lang; version: string; now?: Date }): string {
  return renderHtmlReport({
    lang: opts.lang,
    parts: [{ kind: 'doctor', nodes: [...entries] }],
    generatedAt: (opts.now ?? new Date()).toISOString(),
    version: opts.version,
  });
}

/** `cluster doctor -o html` (and `doctor --cluster-from -o html`): with `translation`, both languages. */
export function renderClusterHtml(r: ClusterDoctorReport, opts: { translation?: ClusterDoctorReport; from?: string; now?: Date } = {}): string {
  return renderHtmlReport({
    lang: r.lang,
    parts: [{ kind: 'cluster', from: opts.from ?? 'cluster doctor', report: r, ...(opts.translation ? { translation: opts.translation } : {}) }],
    generatedAt: (opts.now ?? new Date()).toISOString(),
    version: r.podpathVersion,
  });
}
