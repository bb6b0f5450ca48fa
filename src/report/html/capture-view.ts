// Captures as HTML. `pcap analyze`: per capture its findings, the checksums per layer and per
// sender (the wrong ones marked), the TCP handshakes worth a look on a time axis (a SYN repeated at
// 1, 3, 7 s is the kernel's back-off, the gaps written above), the packets by size, the busiest
// flows. `pcap diff`: each direction's loss, and the runs of lost packets on a time axis.
import type { CaptureDiff, DirectionLoss } from '../../evidence/capture-diff.js';
import type { CaptureSummary, Handshake } from '../../evidence/capture-summary.js';
import type { Finding, Lang } from '../../engine/types.js';
import { formatRate } from '../../util/units.js';
import { show } from '../safe-text.js';
import { cw } from './capture-words.js';
import { findingView, heading, type Ids } from './doctor-view.js';
import { html, type SafeHtml } from './html.js';
import { fill, tr, type Text } from './i18n.js';
import type { CaptureDiffPart, CapturePart } from './model.js';
import { findingsSummary, twinOf } from './part-summary.js';
import { summaryView } from './summary.js';
import { bars } from './svg/bars.js';
import { fmt } from './svg/common.js';
import { timeline, type TimelineLane } from './svg/timeline.js';
import { w } from './words.js';

/** Handshakes drawn on one time axis; the rest are counted. */
const MAX_LANES = 16;
const MAX_ROWS = 50;

function findingsOf(findings: readonly Finding[], translation: readonly Finding[] | undefined, lang: Lang, anchor: string, ids: Ids): SafeHtml {
  if (findings.length === 0) return html``;
  const views = findings.map((f, i) => findingView(f, twinOf(f, i, translation), lang, `${anchor}-f${i}`, 4, ids));
  return html`${heading(3, html`${tr(w('findingsHeading'))} (${findings.length})`)}${views}`;
}

function checksumView(s: CaptureSummary): SafeHtml {
  const c = s.checksums;
  const layers = c.layers.map((l) => html`<tr${l.bad > 0 ? html` class="differs"` : ''}><th scope="row" class="mono">${show(l.layer)}</th><td class="num">${l.ok}</td><td class="num">${l.bad}</td><td class="num">${l.none}</td><td class="num">${l.unverifiable}</td><td class="mono">${l.bad > 0 ? `wire ${l.badByCause.wire}, offload ${l.badByCause.offload}, lco ${l.badByCause.lco}, unknown ${l.badByCause.unknown}` : ''}</td></tr>`);
  const layerTable = c.layers.length === 0 ? '' : html`<div class="scroll"><table class="cks"><caption>${tr(cw('layersCaption'))}</caption><thead><tr><th scope="col">${tr(cw('layer'))}</th><th scope="col" class="num">${tr(cw('ok'))}</th><th scope="col" class="num">${tr(cw('bad'))}</th><th scope="col" class="num">${tr(cw('none'))}</th><th scope="col" class="num">${tr(cw('unverifiable'))}</th><th scope="col">${tr(cw('byCause'))}</th></tr></thead><tbody>${layers}</tbody></table></div>`;
  const senders = c.senders.map((x) => {
    const rows = x.tallies.slice(0, MAX_ROWS).map((t) => html`<tr${t.bad > 0 ? html` class="differs" data-bad="${t.bad}"` : ''}><th scope="row" class="mono">${show(t.src, 80)}</th><td class="num">${t.ok}</td><td class="num">${t.bad}</td></tr>`);
    const healthy = x.healthy > 0 ? html`<p class="meta">${tr(fill(cw('healthySenders'), { n: x.healthy }))}</p>` : '';
    return html`<div class="scroll"><table class="senders" data-layer="${show(x.layer)}"><caption>${tr(fill(cw('sendersCaption'), { layer: show(x.layer) }))}</caption><thead><tr><th scope="col">${tr(cw('sender'))}</th><th scope="col" class="num">${tr(cw('ok'))}</th><th scope="col" class="num">${tr(cw('bad'))}</th></tr></thead><tbody>${rows}</tbody></table></div>${healthy}`;
  });
  const groups = c.badGroups.slice(0, MAX_ROWS).map((g) => html`<tr><td class="mono">${show(g.layer)}</td><td>${show(g.cause)}${g.answered ? html` (${tr(cw('answered'))})` : ''}</td><td class="mono">${show(g.src, 80)} ${'→'} ${show(g.dst, 80)}${g.dstPort !== undefined ? `:${g.dstPort}` : ''}</td><td class="num">${g.count}</td><td class="mono">#${g.example.frame}: 0x${g.example.got.toString(16)}${g.example.expected !== undefined ? ` / 0x${g.example.expected.toString(16)}` : ''}</td></tr>`);
  const groupTable = groups.length === 0 ? '' : html`<div class="scroll"><table class="bad-groups"><caption>${tr(cw('badGroupsCaption'))}</caption><thead><tr><th scope="col">${tr(cw('layer'))}</th><th scope="col">${tr(cw('cause'))}</th><th scope="col">${tr(cw('flow'))}</th><th scope="col" class="num">${tr(cw('count'))}</th><th scope="col">${tr(cw('example'))}</th></tr></thead><tbody>${groups}</tbody></table></div>`;
  const ffff = c.tunnelFfff.count > 0 ? html`<p class="ffff" data-count="${c.tunnelFfff.count}">${tr(fill(cw('ffff'), { n: c.tunnelFfff.count, srcs: c.tunnelFfff.srcs.slice(0, 10).map((x) => show(x, 80)).join(', ') }))}</p>` : '';
  return html`${heading(3, tr(cw('checksums')))}${layerTable}${ffff}${senders}${groupTable}`;
}

function handshakeLane(h: Handshake, lang: Lang): TimelineLane {
  const state = cw(`state_${h.state}`);
  const events = [
    ...h.syns.map((t, k) => ({ t, label: k === 0 ? cw('syn') : cw('synAgain'), kind: k === 0 ? 'send' as const : 'retry' as const })),
    ...h.synAcks.map((t) => ({ t, label: cw('synAck'), kind: 'reply' as const })),
  ];
  return { label: `${show(h.client, 60)} → ${show(h.server, 60)} (${state[lang]})`, events };
}

function handshakeView(s: CaptureSummary, id: string, lang: Lang): SafeHtml {
  const h = s.handshakes;
  const line = html`<p class="hs-line" data-total="${h.total}" data-completed="${h.completed}">${tr(fill(cw('handshakeLine'), { total: h.total, completed: h.completed, first: h.completedFirstTry }))}</p>`;
  if (h.notable.length === 0) return html`${heading(3, tr(cw('handshakes')))}${line}`;
  const lanes = h.notable.slice(0, MAX_LANES).map((x) => handshakeLane(x, lang));
  const more = h.notable.length - lanes.length;
  const chart = timeline({ id, lang, title: cw('handshakeChart'), axis: cw('sinceFirstSyn'), lanes });
  return html`${heading(3, tr(cw('handshakes')))}${line}<figure><figcaption>${tr(cw('handshakeChart'))}</figcaption><div class="scroll">${chart}</div>${more > 0 || h.notableTruncated ? html`<p class="meta">${tr(fill(cw('moreHandshakes'), { n: more }))}</p>` : ''}</figure>`;
}

function sizeView(s: CaptureSummary, id: string, lang: Lang): SafeHtml {
  const z = s.sizes;
  const totals = z.bucketLabels.map((label, i) => ({ label, count: z.flows.reduce((n, f) => n + (f.buckets[i] ?? 0), 0) }));
  const chart = bars({ id, lang, title: cw('sizesChart'), bars: totals.map((b) => ({ label: show(b.label, 16), count: b.count })), x: { label: cw('ipLength') }, y: { label: cw('packets') } });
  const flows = [...z.flows].sort((a, b) => b.packets - a.packets).slice(0, 20).map((f) => html`<tr><th scope="row" class="mono">${show(f.flow, 160)}</th><td>${show(f.scope)}</td><td class="num">${f.packets}</td><td class="num">${f.maxIpLength}</td><td class="num">${f.atMax}</td><td class="num">${f.fragments}</td></tr>`);
  const table = flows.length === 0 ? '' : html`<div class="scroll"><table class="flows"><caption>${tr(cw('flowsCaption'))}</caption><thead><tr><th scope="col">${tr(cw('flow'))}</th><th scope="col">${tr(cw('scope'))}</th><th scope="col" class="num">${tr(cw('count'))}</th><th scope="col" class="num">${tr(cw('maxLength'))}</th><th scope="col" class="num">${tr(cw('atMax'))}</th><th scope="col" class="num">${tr(cw('fragments'))}</th></tr></thead><tbody>${flows}</tbody></table></div>`;
  return html`${heading(3, tr(cw('sizes')))}<figure><figcaption>${tr(cw('sizesChart'))}</figcaption>${chart}</figure>${table}`;
}

export function captureView(part: CapturePart, prefix: string, ids: Ids): { summary: SafeHtml; body: SafeHtml; subject: Text } {
  const all = part.files.flatMap((f, i) => f.findings.map((x, k) => ({ x, t: twinOf(x, k, f.translation), anchor: `${prefix}c${i}-f${k}` })));
  const readErrors = part.files.some((f) => f.summary.read.error !== undefined);
  const summary = findingsSummary({
    findings: all.map((a) => a.x),
    translation: all.map((a) => a.t ?? a.x),
    lang: part.lang,
    anchor: (i) => all[i]!.anchor,
    about: part.files.length === 1 ? show(part.files[0]!.summary.file) : `${part.files.length}`,
    verdict: all.length > 0 ? 'findings' : readErrors ? 'inconclusive' : 'healthy',
    judged: part.judged,
  });
  const body = part.files.map((f, i) => {
    const s = f.summary;
    const a = `${prefix}c${i}`;
    const meta = fill(cw('captureMeta'), { format: s.read.format, frames: s.read.frames, seconds: fmt(s.window?.seconds ?? 0) });
    const err = s.read.error ? html`<p class="error-box">${tr(fill(cw('readError'), { frames: s.read.frames }))}: <code>${show(s.read.error.code, 64)}: ${show(s.read.error.message)}</code></p>` : '';
    return html`<section class="capture" id="${a}" aria-labelledby="${a}-h">${heading(2, tr(fill(cw('captureHeading'), { file: show(s.file) })), `${a}-h`)}<p class="meta">${tr(meta)}</p>${err}${findingsOf(f.findings, f.translation, part.lang, a, ids)}${checksumView(s)}${handshakeView(s, `${a}-hs`, part.lang)}${sizeView(s, `${a}-sz`, part.lang)}</section>`;
  });
  const subject = part.files.length === 1 ? fill(cw('captureSubject'), { file: show(part.files[0]!.summary.file) }) : fill(cw('capturesSubject'), { n: part.files.length });
  return { summary: summaryView(summary, `${prefix}summary`), body: html`${body}`, subject };
}

function directionRow(d: DirectionLoss): SafeHtml {
  return html`<tr${d.lost > 0 ? html` class="differs"` : ''} data-lost="${d.lost}"><th scope="row" class="mono">${show(d.from, 80)} ${'→'} ${show(d.to, 80)}</th><td class="num">${d.sent}</td><td class="num">${d.delivered}</td><td class="num">${d.lost}</td><td class="num">${d.size ? d.size.threshold : ''}</td><td class="num">${formatRate(d.peakRate)}</td></tr>`;
}

function lossLane(d: DirectionLoss, start: number, lang: Lang): TimelineLane {
  const events = d.runs.flatMap((r) => {
    const label = fill(cw('lossRun'), { kind: r.kind, packets: r.packets, smallest: r.smallest, largest: r.largest, seconds: fmt(r.seconds) });
    const lost = { t: r.start - start, label: label[lang], kind: 'loss' as const };
    return r.untilEnd ? [lost] : [lost, { t: r.start - start + r.seconds, label: cw('gotThrough')[lang], kind: 'reply' as const }];
  });
  return { label: `${show(d.from, 40)} → ${show(d.to, 40)}`, events };
}

export function captureDiffView(part: CaptureDiffPart, prefix: string, ids: Ids): { summary: SafeHtml; body: SafeHtml; subject: Text } {
  const r: CaptureDiff = part.result;
  const a = `${prefix}diff`;
  const summary = findingsSummary({
    findings: part.findings,
    translation: part.translation,
    lang: part.lang,
    anchor: (i) => `${a}-f${i}`,
    about: 'pcap diff',
    verdict: part.findings.length > 0 ? 'findings' : r.sender.error || r.receiver.error ? 'inconclusive' : 'healthy',
    judged: part.judged,
  });
  const meta = html`<p class="meta">${tr(fill(cw('diffMeta'), { matched: r.matched, seconds: fmt(r.overlap.seconds), offset: fmt(r.clock.offset) }))}</p>`;
  const table = html`<div class="scroll"><table class="directions"><caption>${tr(cw('directionsCaption'))}</caption><thead><tr><th scope="col">${tr(cw('direction'))}</th><th scope="col" class="num">${tr(cw('sent'))}</th><th scope="col" class="num">${tr(cw('delivered'))}</th><th scope="col" class="num">${tr(cw('lost'))}</th><th scope="col" class="num">${tr(cw('sizeLimit'))}</th><th scope="col" class="num">${tr(cw('peakRate'))}</th></tr></thead><tbody>${directionRow(r.forward)}${directionRow(r.reverse)}</tbody></table></div>`;
  const anyRun = r.forward.runs.length + r.reverse.runs.length > 0;
  const chart = anyRun
    ? html`<figure><figcaption>${tr(cw('lossOverTime'))}</figcaption><div class="scroll">${timeline({ id: `${a}-loss`, lang: part.lang, title: cw('lossOverTime'), axis: cw('sinceOverlap'), lanes: [lossLane(r.forward, r.overlap.start, part.lang), lossLane(r.reverse, r.overlap.start, part.lang)], gaps: false })}</div></figure>`
    : r.forward.lost + r.reverse.lost === 0 ? html`<p>${tr(cw('noLoss'))}</p>` : '';
  const altered = r.altered.count > 0 ? html`<p class="note">${tr(fill(cw('altered'), { n: r.altered.count, fields: Object.keys(r.altered.fields).slice(0, 12).map((k) => show(k, 40)).join(', ') }))}</p>` : '';
  const offload = r.segmentationOffload.suspected ? html`<p class="note">${tr(fill(cw('offload'), { sender: r.segmentationOffload.largestTcpSender, receiver: r.segmentationOffload.largestTcpReceiver }))}</p>` : '';
  const errors = [r.sender, r.receiver].filter((s) => s.error).map((s) => html`<p class="error-box"><code>${show(s.file)}: ${show(s.error!.code, 64)}: ${show(s.error!.message)}</code></p>`);
  const title = fill(cw('diffHeading'), { sender: show(r.sender.file), receiver: show(r.receiver.file) });
  const body = html`<section class="capture-diff" id="${a}" aria-labelledby="${a}-h">${heading(2, tr(title), `${a}-h`)}${meta}${errors}${findingsOf(part.findings, part.translation, part.lang, a, ids)}${table}${chart}${altered}${offload}</section>`;
  return { summary: summaryView(summary, `${prefix}summary`), body, subject: cw('diffSubject') };
}
