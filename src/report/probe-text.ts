// Human output of `podpath probe`: what was measured, one block per direction and path (numbers
// only), then the probe rules' findings, which say where each loss happened, in the run's language.
import type { DropsEvidence } from '../evidence/drop-evidence.js';
import pc from 'picocolors';
import { SEVERITY_ORDER, type RunOutcome } from '../engine/run-rules.js';
import type { Lang } from '../engine/types.js';
import type { DirectionReport, PeerProbeReport } from '../evidence/probe-run.js';
import { pushAll } from '../util/arrays.js';
import { formatRate } from '../util/units.js';
import { t } from '../util/i18n.js';
import { findingsCount, label, severityLabel } from './labels.js';
import { show } from './safe-text.js';
import { paintSeverity, renderFinding } from './text.js';

type Colors = ReturnType<typeof pc.createColors>;

/** What `podpath probe` measured and what the probe rules made of it. */
export interface ProbeView {
  report: PeerProbeReport;
  outcome: RunOutcome;
  lang: Lang;
  /** Kernel drop traces around each direction (--trace): in the JSON as measured. */
  drops?: DropsEvidence;
}

type Words = Record<Lang, string>;

/** This report's own words, in both languages; `{name}` is filled from measured numbers. */
export const PROBE_TEXTS = {
  title: { en: 'podpath probe', zh: 'podpath 探测' },
  underlay: { en: 'underlay', zh: '底层网络' },
  overlay: { en: 'overlay', zh: 'overlay' },
  thisNode: { en: 'this node', zh: '本节点' },
  ok: { en: 'ok ', zh: '正常' },
  lost: { en: 'LOST', zh: '丢失' },
  limit: { en: 'LIMIT', zh: '上限' },
  loss: { en: 'LOSS', zh: '丢包' },
  fail: { en: 'FAIL', zh: '失败' },
  skip: { en: 'skip', zh: '跳过' },
  echo: { en: 'UDP echo: {received}/{sent} back', zh: 'UDP 回显:{received}/{sent} 返回' },
  rtt: { en: ', rtt avg {avg} ms', zh: ',平均往返 {avg} ms' },
  arrived: { en: ', {arrived} counted by the receiver', zh: ',接收端统计到 {arrived} 个' },
  sendErrors: { en: '; sendto() failed: {errors}', zh: ';sendto() 失败:{errors}' },
  sweepNone: { en: 'size sweep: not even {size}-byte datagrams crossed', zh: '大小扫描:连 {size} 字节的报文都没有通过' },
  sweepAll: { en: 'size sweep: every size up to {size} bytes crossed', zh: '大小扫描:直到 {size} 字节的所有大小都通过了' },
  sweepLimit: { en: 'size sweep: largest UDP payload that crosses is {largest} bytes; {smallest} never arrives', zh: '大小扫描:能通过的最大 UDP 载荷为 {largest} 字节;{smallest} 字节始终无法到达' },
  rampClean: { en: 'rate ramp: no loss up to {rate} (stopped by {stoppedBy})', zh: '速率爬升:直到 {rate} 无丢包(停止原因:{stoppedBy})' },
  rampLoss: { en: 'rate ramp: loss starts between {clean} and {onset}', zh: '速率爬升:丢包出现在 {clean} 与 {onset} 之间' },
  policer: { en: 'policer: sustained limit about {limit}, burst about {burst} kB (holds at {holds})', zh: '限速器:持续速率约 {limit},突发约 {burst} kB(保持测试:{holds})' },
  hold: { en: '{rate} tripped after {seconds} s', zh: '{rate} 在 {seconds} 秒后触发' },
  blackhole: { en: 'blackhole', zh: '黑洞' },
  recovered: { en: 'then nothing at all crossed; recovered after {seconds} s', zh: '随后完全没有报文通过;{seconds} 秒后恢复' },
  notRecovered: { en: 'then nothing at all crossed; not recovered after {seconds} s', zh: '随后完全没有报文通过;{seconds} 秒后仍未恢复' },
  tcp: { en: 'TCP {target}: {connected}/{attempts} handshakes', zh: 'TCP {target}:{connected}/{attempts} 次握手完成' },
  probesRefused: { en: 'probes', zh: '探测' },
  dnsOk: { en: 'rcode {rcode}, {answers} answers, {ms} ms', zh: 'rcode {rcode},{answers} 条应答,{ms} ms' },
  error: { en: 'error', zh: '错误' },
  noFindings: { en: 'No rule found a problem in these probes.', zh: '规则未在这些探测中发现问题。' },
} satisfies Record<string, Words>;

function say(key: keyof typeof PROBE_TEXTS, lang: Lang, data: Record<string, string | number> = {}): string {
  return t(PROBE_TEXTS[key], lang, data);
}

/** `this node` as the report's language says it; a peer's address as is (shown safely). */
function node(name: string, lang: Lang): string {
  return name === 'this node' ? say('thisNode', lang) : show(name);
}

function directionLines(d: DirectionReport, lang: Lang, c: Colors): string[] {
  const out: string[] = [];
  const mark = { ok: c.green(say('ok', lang)), lost: c.red(say('lost', lang)), limit: c.yellow(say('limit', lang)), loss: c.red(say('loss', lang)), fail: c.red(say('fail', lang)), skip: c.yellow(say('skip', lang)) };
  out.push(c.bold(`${say(d.label, lang)}: ${node(d.from, lang)} -> ${node(d.to, lang)}`));
  const e = d.result.echo;
  if (e) {
    const errors = Object.entries(e.sendErrors ?? {}).filter(([, n]) => n > 0).map(([code, n]) => `${show(code)} x${n}`).join(', ');
    const lostSome = e.received < e.sent;
    out.push(`  ${lostSome ? mark.lost : mark.ok} ${say('echo', lang, { received: e.received, sent: e.sent })}`
      + (e.rttMs ? say('rtt', lang, { avg: e.rttMs.avg }) : '')
      + (lostSome && e.arrivedAtPeer !== undefined ? say('arrived', lang, { arrived: e.arrivedAtPeer }) : '')
      + (errors ? say('sendErrors', lang, { errors }) : ''));
  }
  const s = d.result.sweep;
  if (s) {
    if (s.largestPassing === undefined) out.push(`  ${mark.lost} ${say('sweepNone', lang, { size: s.tries[0]?.size ?? 44 })}`);
    else if (s.smallestFailing === undefined) out.push(`  ${mark.ok} ${say('sweepAll', lang, { size: s.largestPassing })}`);
    else out.push(`  ${mark.limit} ${say('sweepLimit', lang, { largest: s.largestPassing, smallest: s.smallestFailing })}`);
  }
  const rr = d.result.ramp;
  if (rr) {
    if (rr.lossOnsetBps === undefined) out.push(`  ${mark.ok} ${say('rampClean', lang, { rate: formatRate(rr.steps.at(-1)?.rateBps ?? 0), stoppedBy: show(rr.stoppedBy) })}`);
    else {
      out.push(`  ${mark.loss} ${say('rampLoss', lang, { clean: formatRate(rr.lastCleanBps ?? 0), onset: formatRate(rr.lossOnsetBps) })}`);
      if (rr.estimate) {
        const holds = rr.estimate.holds.map((h) => say('hold', lang, { rate: formatRate(h.rateBps), seconds: (h.tripMs / 1000).toFixed(2) })).join(', ');
        out.push(`       ${say('policer', lang, { limit: formatRate(rr.estimate.limitBps), burst: Math.round(rr.estimate.burstBytes / 1000), holds })}`);
      }
      if (rr.blackhole?.detected) {
        const after = rr.blackhole.recoveredAfterMs !== undefined
          ? say('recovered', lang, { seconds: (rr.blackhole.recoveredAfterMs / 1000).toFixed(1) })
          : say('notRecovered', lang, { seconds: (rr.blackhole.watchedMs / 1000).toFixed(0) });
        out.push(`       ${c.red(say('blackhole', lang))}: ${after}`);
      }
    }
  }
  const t = d.result.tcp;
  if (t) {
    out.push(`  ${t.connected === t.attempts ? mark.ok : mark.fail} ${say('tcp', lang, { target: show(t.target), connected: t.connected, attempts: t.attempts })}`
      + (t.connectMs.length ? `, ${t.connectMs.join('/')} ms` : '')
      + (Object.keys(t.failures).length ? `; ${show(JSON.stringify(t.failures))}` : ''));
  }
  // What the sending agent would not do (its --allow-probe policy), said instead of a silent gap.
  for (const r of d.result.refused ?? []) out.push(`  ${mark.skip} ${r.probe === 'all' ? say('probesRefused', lang) : r.probe.toUpperCase()}: ${show(r.message)} (${show(r.code)})`);
  for (const q of d.result.dns ?? []) {
    const what = q.ok ? say('dnsOk', lang, { rcode: q.rcode ?? '?', answers: q.answers ?? 0, ms: q.ms ?? '?' }) : show(q.error ?? `rcode ${q.rcode}`);
    out.push(`  ${q.ok ? mark.ok : mark.fail} DNS ${show(q.transport)} ${show(q.server)} ${show(q.name)}: ${what}`);
  }
  return out;
}

export function renderProbeText(run: ProbeView, opts: { color?: boolean } = {}): string {
  const c = pc.createColors(opts.color ?? false);
  const { report: r, outcome, lang } = run;
  // Names, errors and messages come from the peer's answers: show() them.
  const out: string[] = [c.bold(`${say('title', lang)} ${show(r.peer)}  (${show(r.startedAt)})`)];
  for (const d of r.directions) {
    out.push('');
    pushAll(out, directionLines(d, lang, c));
  }
  out.push('');
  if (outcome.findings.length === 0) out.push(c.green(say('noFindings', lang)), '');
  for (const s of SEVERITY_ORDER) {
    const group = outcome.findings.filter((f) => f.severity === s);
    if (group.length === 0) continue;
    out.push(paintSeverity(c, s, `${severityLabel(s, lang)} (${group.length})`));
    for (const f of group) pushAll(out, renderFinding(f, lang, c)).push('');
  }
  const skipped = outcome.results.filter((x) => x.status === 'skipped');
  if (skipped.length > 0) {
    out.push(c.dim(`${label('skipped', lang)} (${skipped.length}):`));
    for (const x of skipped) out.push(c.dim(`  - ${show(x.ruleId)}: ${show(x.reason ?? '', Number.MAX_SAFE_INTEGER)}`));
  }
  const passed = outcome.results.filter((x) => x.status === 'pass').length;
  out.push(`${label('passed', lang)}: ${passed}/${outcome.results.length} ${label('rules', lang)}; ${findingsCount(outcome.findings.length, lang)}`);
  for (const e of r.errors) out.push('', c.red(`${say('error', lang)}: ${show(e)}`));
  return out.join('\n') + '\n';
}
