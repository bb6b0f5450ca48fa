// Human output of `podpath mesh` while it runs: one line per cell on a pipe, a progress bar on a
// terminal, and a short tally at the end. The numbers only: which pattern they show and what it
// means is for the rules over the matrix.
import pc from 'picocolors';
import type { MeshCell } from '../evidence/mesh-matrix.js';

/** What the coordinator reports as it goes and at the end (the fields shown here). */
export interface MeshProgressView { stage: string; round: number; rounds: number; cells: number; totalCells: number }
export interface MeshOutcomeView {
  rounds: number;
  ms: number;
  errors: { where: string; round?: number; code: string; message: string }[];
  errorsDropped: number;
}
import { formatRate } from '../util/units.js';
import { show } from './safe-text.js';
import { label } from './labels.js';
import { t, type Lang, type Localized, type MessageData } from '../util/i18n.js';

/** Whether a cell's numbers show anything short of complete: loss, a size limit, an error, a refusal. */
export function cellShortfall(c: MeshCell): string[] {
  const out: string[] = [];
  if (c.error) out.push(`error ${c.error.code}`);
  if (c.verified === false) out.push('not an agent');
  if (c.udp && c.udp.received < c.udp.sent) out.push('udp loss');
  if (c.tcp && c.tcp.connected < c.tcp.attempts) out.push('tcp failed');
  if (c.icmp && !c.icmp.skipped && c.icmp.received < c.icmp.sent) out.push('icmp loss');
  if (c.sweep && (c.sweep.smallestFailing !== undefined || c.sweep.largestPassing === undefined)) out.push('size limit');
  if (c.ramp?.lossOnsetBps !== undefined) out.push('rate limit');
  return out;
}

/** This output's own words while `podpath mesh` runs (a catalogue: src/report/catalogue.ts). */
export const MESH_TEXTS = {
  'short.error': { en: 'error {code}', zh: '错误 {code}' },
  'short.not an agent': { en: 'not an agent', zh: '不是 agent' },
  'short.udp loss': { en: 'udp loss', zh: 'UDP 丢包' },
  'short.tcp failed': { en: 'tcp failed', zh: 'TCP 失败' },
  'short.icmp loss': { en: 'icmp loss', zh: 'ICMP 丢包' },
  'short.size limit': { en: 'size limit', zh: '大小受限' },
  'short.rate limit': { en: 'rate limit', zh: '速率受限' },
  rampStage: { en: 'ramp ', zh: '速率爬升 ' },
  arrived: { en: ' ({n} arrived)', zh: '（到达 {n}）' },
  icmpSkipped: { en: 'icmp skipped', zh: 'ICMP 已跳过' },
  sweepNone: { en: 'sweep none', zh: '尺寸扫描 无' },
  sweep: { en: 'sweep {largest}', zh: '尺寸扫描 {largest}' },
  sweepLost: { en: ' ({n} lost)', zh: '（{n} 丢失）' },
  rampClean: { en: 'ramp clean to {rate}', zh: '速率爬升至 {rate} 无丢包' },
  rampLoss: { en: 'ramp loss at {rate}', zh: '速率爬升在 {rate} 丢包' },
  thenBlackhole: { en: ' then blackhole', zh: '，随后黑洞' },
  probes: { en: 'probes', zh: '探测' },
  refused: { en: '{probe} refused ({code})', zh: '{probe} 被拒绝（{code}）' },
  asking: { en: 'asking every agent', zh: '询问每个 agent' },
  closing: { en: 'closing', zh: '收尾' },
  round: { en: '{stage} round {round}/{rounds}', zh: '{stage} 第 {round}/{rounds} 轮' },
  bar: { en: '{cells}/{total} cells, {short} short', zh: '{cells}/{total} 个单元格，{short} 个不完整' },
  summary: { en: 'mesh: {cells} cells in {rounds} rounds, {seconds} s; {short} short of complete', zh: 'mesh：{cells} 个单元格，{rounds} 轮，{seconds} 秒；{short} 个不完整' },
  agentErrors: { en: '{n} agent errors:', zh: 'agent 错误 {n} 个：' },
  errorRound: { en: ' round {round}', zh: ' 第 {round} 轮' },
  moreErrors: { en: "  ... {n} more (in the matrix's errors)", zh: '  ……另有 {n} 个（见矩阵的 errors）' },
  matrix: { en: 'matrix: {file}', zh: '矩阵：{file}' },
  notJudged: { en: '{code}: the mesh rules judge at most {limit} nodes; this mesh has {nodes}: no findings (judge a --sample run, or a part of the cluster)', zh: '{code}：mesh 规则最多判断 {limit} 个节点，本次 mesh 有 {nodes} 个：没有问题结论（请判断 --sample 的运行结果，或集群的一部分）' },
  findingsCount: { en: 'mesh findings: {n}', zh: 'mesh 发现：{n} 项' },
  noTrace: { en: 'trace: no trace of {node}: {code}: {message}', zh: 'trace：没有 {node} 的跟踪：{code}：{message}' },
  traceChange: { en: 'trace: {node}: {change}', zh: 'trace：{node}：{change}' },
  htmlWrote: { en: 'html: {file} ({bytes} bytes)', zh: 'html：{file}（{bytes} 字节）' },
} satisfies Record<string, Localized>;

type MeshText = keyof typeof MESH_TEXTS;
const say = (lang: Lang) => (k: MeshText, data?: MessageData) => t(MESH_TEXTS[k], lang, data);

/** A shortfall of cellShortfall in the run's language. */
export function sayShortfall(s: string, lang: Lang = 'en'): string {
  if (s.startsWith('error ')) return say(lang)('short.error', { code: s.slice(6) });
  const key = `short.${s}`;
  return key in MESH_TEXTS ? say(lang)(key as MeshText) : s;
}

export function cellLine(c: MeshCell, color = false, lang: Lang = 'en'): string {
  const k = color ? pc : pc.createColors(false);
  const w = say(lang);
  const parts: string[] = [`${c.stage === 'ramp' ? w('rampStage') : ''}${c.plane}`, `${show(c.from, 80)} -> ${show(c.to, 80)}`];
  if (c.error) parts.push(`${show(c.error.code, 64)}: ${show(c.error.message, 200)}`);
  if (c.udp) parts.push(`udp ${c.udp.received}/${c.udp.sent}${c.udp.arrivedAtPeer !== undefined ? w('arrived', { n: c.udp.arrivedAtPeer }) : ''}${c.udp.rttMs ? ` rtt ${c.udp.rttMs.avg} ms` : ''}`);
  if (c.tcp) parts.push(`tcp ${c.tcp.connected}/${c.tcp.attempts}`);
  if (c.icmp) parts.push(c.icmp.skipped ? w('icmpSkipped') : `icmp ${c.icmp.received}/${c.icmp.sent}`);
  if (c.sweep) {
    parts.push(c.sweep.largestPassing === undefined ? w('sweepNone')
      : `${w('sweep', { largest: c.sweep.largestPassing })}${c.sweep.smallestFailing !== undefined ? w('sweepLost', { n: c.sweep.smallestFailing }) : ''}`);
  }
  if (c.ramp) parts.push(c.ramp.lossOnsetBps === undefined ? w('rampClean', { rate: formatRate(c.ramp.steps.at(-1)?.rateBps ?? 0) }) : `${w('rampLoss', { rate: formatRate(c.ramp.lossOnsetBps) })}${c.ramp.blackhole ? w('thenBlackhole') : ''}`);
  for (const r of c.refused) parts.push(w('refused', { probe: r.probe === 'all' ? w('probes') : show(r.probe, 16), code: show(r.code, 64) }));
  const short = cellShortfall(c);
  const mark = short.length ? k.red('!! ') : k.green('ok ');
  return `${mark}${parts.join('  ')}`;
}

/** Why the matrix was not judged (one line, for stderr). */
export function notJudgedText(n: { code: string; limit: number; nodes: number }, lang: Lang = 'en'): string {
  return `podpath: ${say(lang)('notJudged', n)}\n`;
}

/** A node whose kernel could not be traced around a round (said once per node and error, for stderr). */
export function noTraceText(e: { node: string; code: string; message: string }, lang: Lang = 'en'): string {
  return `podpath: ${say(lang)('noTrace', { node: show(e.node, 253), code: show(e.code, 64), message: show(e.message, 300) })}\n`;
}

/** A tracing agent's host change (the words of TEXT_LABELS' trace lines, said by the caller), for stderr. */
export function traceChangeText(node: string, change: string, lang: Lang = 'en'): string {
  return `podpath: ${say(lang)('traceChange', { node: show(node, 253), change })}\n`;
}

/** Where the HTML report went (stderr). */
export function htmlWroteText(file: string, bytes: number, lang: Lang = 'en'): string {
  return `${say(lang)('htmlWrote', { file: show(file), bytes })}\n`;
}

/** How many findings, when they are in the JSON on stdout rather than printed (one line, for stderr). */
export function findingsCountText(n: number, lang: Lang = 'en'): string {
  return `${say(lang)('findingsCount', { n })}\n`;
}

export function progressBar(p: MeshProgressView, failing: number, width = 30, lang: Lang = 'en'): string {
  const w = say(lang);
  const frac = p.totalCells ? Math.min(1, p.cells / p.totalCells) : 0;
  const filled = Math.round(frac * width);
  const stage = p.stage === 'hello' ? w('asking') : p.stage === 'close' ? w('closing') : w('round', { stage: p.stage, round: p.round, rounds: p.rounds });
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${w('bar', { cells: p.cells, total: p.totalCells, short: failing })}  ${stage}`;
}

export function summaryText(o: MeshOutcomeView, tally: { cells: number; short: number; byShortfall: Map<string, number> }, out?: string, lang: Lang = 'en'): string {
  const w = say(lang);
  const list = [...tally.byShortfall].map(([k, n]) => `${sayShortfall(k, lang)} ${n}`).join(lang === 'zh' ? '，' : ', ');
  const lines = [`${w('summary', { cells: tally.cells, rounds: o.rounds, seconds: (o.ms / 1000).toFixed(1), short: tally.short })}${tally.short ? (lang === 'zh' ? `（${list}）` : ` (${list})`) : ''}`];
  if (o.errors.length) {
    lines.push(w('agentErrors', { n: o.errors.length + o.errorsDropped }));
    for (const e of o.errors.slice(0, 10)) lines.push(`  ${show(e.where, 200)}${e.round !== undefined ? w('errorRound', { round: e.round }) : ''}: ${show(e.code, 64)} ${show(e.message, 300)}`);
    if (o.errors.length + o.errorsDropped > 10) lines.push(w('moreErrors', { n: o.errors.length + o.errorsDropped - 10 }));
  }
  if (out) lines.push(w('matrix', { file: show(out) }));
  return lines.join('\n') + '\n';
}

/** The words around the mesh rules' findings (a catalogue: src/report/catalogue.ts). */
export const MESH_FINDING_WORDS = {
  none: { en: 'mesh findings: none (every cell explained as passing)', zh: 'mesh 发现:无(所有单元格均通过)' },
  head: { en: 'mesh findings:', zh: 'mesh 发现:' },
  next: { en: 'next:', zh: '下一步:' },
} satisfies Record<string, Localized>;

/** The mesh rules' findings after the summary: each message, the cells that prove it, what to do next. */
export function meshFindingsText(findings: readonly { severity: string; ruleId: string; message: string; detail?: string; evidence: { source: string; text: string }[]; evidenceOmitted?: number; remediation: { description: string; commands: string[] }[] }[], lang: 'en' | 'zh' = 'en'): string {
  const w = (k: keyof typeof MESH_FINDING_WORDS) => MESH_FINDING_WORDS[k][lang];
  if (findings.length === 0) return `${w('none')}\n`;
  const lines = [w('head')];
  for (const f of findings) {
    lines.push(`${f.severity.toUpperCase()} [${show(f.ruleId, 64)}] ${show(f.message, 2000)}`);
    if (f.detail) lines.push(`    ${show(f.detail, 2000)}`);
    for (const e of f.evidence) lines.push(`    ${show(e.source, 200)}: ${show(e.text, 600)}`);
    if (f.evidenceOmitted) lines.push(`    ${label('moreEvidence', lang, { n: f.evidenceOmitted })}`);
    for (const step of f.remediation) {
      lines.push(`    ${w('next')} ${show(step.description, 300)}`);
      for (const c of step.commands) lines.push(`      ${show(c, 600)}`);
    }
  }
  return lines.join('\n') + '\n';
}
