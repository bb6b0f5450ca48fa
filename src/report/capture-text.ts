// Human output of `pcap analyze`: findings first (severity, one line, frames, display filter,
// what it means), then the capture's tables. The findings come from the capture rules, already in
// the run's language; this only lays them out.
import pc from 'picocolors';
import type { CaptureSummary } from '../evidence/capture-summary.js';
import type { FrameSetJson } from '../evidence/frame-set.js';
import type { Finding, Lang, Severity } from '../engine/types.js';
import { severityRank } from '../engine/run-rules.js';
import { displayWidth, padEndDisplay, padStartDisplay } from '../util/display-width.js';
import { show } from './safe-text.js';
import { maxOf, pushAll } from '../util/arrays.js';
import { t, type Localized, type MessageData } from '../util/i18n.js';

export type Colors = ReturnType<typeof pc.createColors>;

export function colors(enabled: boolean): Colors {
  return pc.createColors(enabled);
}

/**
 * The capture findings' severity tags, five columns wide (a Chinese character counts two) so the
 * messages line up; shorter than SEVERITY_LABELS, hence their own entries.
 */
export const CAPTURE_SEVERITY_TAGS: Record<Severity, Localized> = {
  critical: { en: 'CRIT ', zh: '严重 ' },
  error: { en: 'ERROR', zh: '错误 ' },
  warning: { en: 'WARN ', zh: '警告 ' },
  info: { en: 'info ', zh: '信息 ' },
};

/** The words of `pcap analyze`'s human output; `{name}` is filled from measured numbers. */
export const CAPTURE_TEXTS = {
  none: { en: 'No findings.', zh: '没有发现问题。' },
  frames: { en: 'frames:', zh: '帧号：' },
  filter: { en: 'filter:', zh: '过滤器：' },
  inner: { en: 'inner', zh: '内层' },
  outer: { en: 'outer', zh: '外层' },
  ipv4Header: { en: 'IPv4 header', zh: 'IPv4 首部' },
  layer: { en: '{scope} {proto}', zh: '{scope} {proto}' },
  summary: { en: ': {format}, {frames} frames ({ip} IP, {tunnel} tunnelled)', zh: '：{format}，{frames} 帧（IP {ip} 个，隧道封装 {tunnel} 个）' },
  span: { en: ', {first} .. {last} ({seconds} s)', zh: '，{first} .. {last}（{seconds} 秒）' },
  cut: { en: 'cut short at byte {offset} ({code}): only its first {frames} frames are summed up below', zh: '在第 {offset} 字节处中断（{code}）：以下只统计了前 {frames} 帧' },
  checksums: { en: 'Checksums', zh: '校验和' },
  colLayer: { en: 'layer', zh: '层' },
  colOk: { en: 'ok', zh: '正确' },
  colBad: { en: 'bad', zh: '错误' },
  colNone: { en: 'none', zh: '无' },
  colUnverifiable: { en: 'unverifiable', zh: '无法校验' },
  colWire: { en: 'wire', zh: '线路错误' },
  colOffload: { en: 'offload', zh: '卸载' },
  colLco: { en: 'lco', zh: 'LCO' },
  colUnknown: { en: 'unknown', zh: '未知' },
  handshakeTitle: { en: 'TCP handshakes', zh: 'TCP 握手' },
  handshakes: { en: ': {total} seen, {completed} completed ({first} at the first try)', zh: '：共 {total} 个，完成 {completed} 个（一次成功 {first} 个）' },
  colConnection: { en: 'connection', zh: '连接' },
  colState: { en: 'state', zh: '状态' },
  colSyns: { en: 'SYNs', zh: 'SYN 数' },
  colSynIntervals: { en: 'SYN intervals (s)', zh: 'SYN 间隔（秒）' },
  colSynAcks: { en: 'SYN-ACKs', zh: 'SYN-ACK 数' },
  colDoneAfter: { en: 'done after (s)', zh: '完成用时（秒）' },
  backoff: { en: ', back-off', zh: '，指数退避' },
  innerFlow: { en: '(inner) ', zh: '（内层）' },
  more: { en: '... {n} more (see --json)', zh: '…… 另有 {n} 个（见 --json）' },
  moreFlows: { en: '... {n} more flows (see --json)', zh: '…… 另有 {n} 个流（见 --json）' },
  sizes: { en: 'Sizes', zh: '大小' },
  sizesNote: { en: ' (IP total length, packets per bucket)', zh: '（IP 总长度，各区间的报文数）' },
  colFlow: { en: 'flow', zh: '流' },
  colPackets: { en: 'packets', zh: '报文数' },
  colMax: { en: 'max', zh: '最大' },
} satisfies Record<string, Localized>;

/** A TCP handshake's state as the handshakes table names it (a state not listed shows as is). */
export const HANDSHAKE_STATE_NAMES: Record<string, Localized> = {
  completed: { en: 'completed', zh: '已完成' },
  reset: { en: 'reset', zh: '被重置' },
  'no-synack': { en: 'no-synack', zh: '无 SYN-ACK' },
  'synack-no-ack': { en: 'synack-no-ack', zh: 'SYN-ACK 无 ACK' },
};

type CaptureTextKey = keyof typeof CAPTURE_TEXTS;

/** A table's header: one catalogue entry per column. */
export function header<K extends string>(texts: Record<K, Localized>, keys: readonly K[], lang: Lang): string[] {
  return keys.map((k) => t(texts[k], lang));
}

const CHECKSUM_COLUMNS: readonly CaptureTextKey[] = ['colLayer', 'colOk', 'colBad', 'colNone', 'colUnverifiable', 'colWire', 'colOffload', 'colLco', 'colUnknown'];
const HANDSHAKE_COLUMNS: readonly CaptureTextKey[] = ['colConnection', 'colState', 'colSyns', 'colSynIntervals', 'colSynAcks', 'colDoneAfter'];
const SIZE_COLUMNS: readonly CaptureTextKey[] = ['colFlow', 'colPackets'];

/** `12-14, 18, 20-25 (+312 more)`, at most `maxShown` ranges. */
export function formatFrames(set: FrameSetJson, maxShown = 12): string {
  const shown = set.ranges.slice(0, maxShown).map((r) => (r.from === r.to ? `${r.from}` : `${r.from}-${r.to}`));
  const keptFrames = set.ranges.reduce((n, r) => n + r.to - r.from + 1, 0);
  const shownFrames = set.ranges.slice(0, maxShown).reduce((n, r) => n + r.to - r.from + 1, 0);
  // `count` can exceed the frames kept (cap) and frames can repeat (one frame, several layers).
  const more = Math.max(set.count, keptFrames) - shownFrames;
  return shown.join(', ') + (more > 0 ? ` (+${more} more)` : '');
}

/** Protocol names, the same in every language. */
const PROTO_NAMES: Record<string, string> = { udp: 'UDP', tcp: 'TCP', icmp: 'ICMP', icmpv6: 'ICMPv6' };

/** `outer UDP`, `inner IPv4 header`; `外层 UDP`, `内层 IPv4 首部` (layers are `(outer|inner)-proto`). */
export function layerLabel(layer: string, lang: Lang = 'en'): string {
  const [scope, proto] = layer.split('-', 2);
  const where = scope === 'inner' || scope === 'outer' ? t(CAPTURE_TEXTS[scope], lang) : String(scope);
  const what = proto === 'ipv4' ? t(CAPTURE_TEXTS.ipv4Header, lang) : (PROTO_NAMES[proto ?? ''] ?? String(proto));
  return t(CAPTURE_TEXTS.layer, lang, { scope: where, proto: what });
}

/** Most severe first; in the order given among equals (file by file, rule by rule). */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort((a, b) => severityRank(a.severity) - severityRank(b.severity));
}

export function severityTag(s: Severity, c: Colors, lang: Lang = 'en'): string {
  const tag = t(CAPTURE_SEVERITY_TAGS[s], lang);
  return s === 'critical' || s === 'error' ? c.red(c.bold(tag)) : s === 'warning' ? c.yellow(tag) : c.cyan(tag);
}

export function renderFindings(findings: readonly Finding[], c: Colors, showFile: boolean, lang: Lang = 'en'): string[] {
  const lines: string[] = [];
  if (findings.length === 0) {
    lines.push(c.green(t(CAPTURE_TEXTS.none, lang)));
    return lines;
  }
  for (const f of sortFindings(findings)) {
    const at = f.location;
    // File names come from the command line (a directory listing may hold anything): show() them, and the text around them.
    lines.push(`${severityTag(f.severity, c, lang)} ${show(f.message, Number.MAX_SAFE_INTEGER)}${showFile && at?.file ? c.dim(` [${show(at.file)}]`) : ''}`);
    if (at?.frames && at.frames.count > 0) lines.push(`       ${c.dim(t(CAPTURE_TEXTS.frames, lang))} ${formatFrames(at.frames)}`);
    if (at?.filter) lines.push(`       ${c.dim(t(CAPTURE_TEXTS.filter, lang))} ${show(at.filter, Number.MAX_SAFE_INTEGER)}`);
    if (f.detail) lines.push(`       ${c.dim(show(f.detail, Number.MAX_SAFE_INTEGER))}`);
  }
  return lines;
}

/** A plain left-aligned table; numbers right-aligned; Chinese cells count two columns a character. */
export function table(header: string[], rows: (string | number)[][], c: Colors): string[] {
  const cells = [header, ...rows.map((r) => r.map((v) => show(v)))];
  const widths = header.map((_, i) => maxOf(cells.map((r) => displayWidth(r[i] ?? ''))));
  const numeric = header.map((_, i) => rows.length > 0 && rows.every((r) => typeof r[i] === 'number'));
  const fmt = (r: string[]) => r.map((v, i) => (numeric[i] ? padStartDisplay(v, widths[i]!) : padEndDisplay(v, widths[i]!))).join('  ').trimEnd();
  return [c.bold(fmt(header)), ...cells.slice(1).map(fmt)];
}

const iso = (seconds: number) => new Date(seconds * 1000).toISOString();

export function renderFileTables(a: CaptureSummary, c: Colors, maxRows = 10, lang: Lang = 'en'): string[] {
  const out: string[] = [];
  const say = (key: CaptureTextKey, data?: MessageData) => t(CAPTURE_TEXTS[key], lang, data);
  const w = a.window;
  out.push(
    c.bold(show(a.file)) +
      say('summary', { format: a.read.format, frames: a.read.frames, ip: a.packets.ip, tunnel: a.packets.tunnel }) +
      (w ? say('span', { first: iso(w.first), last: iso(w.last), seconds: w.seconds.toFixed(1) }) : ''),
  );
  // A capture read in part: what follows covers the frames before the point where reading stopped.
  if (a.read.error) out.push(c.yellow(say('cut', { offset: a.read.error.offset, code: a.read.error.code, frames: a.read.frames })));
  if (a.checksums.layers.length) {
    out.push('', c.bold(say('checksums')));
    pushAll(
      out,
      table(
        header(CAPTURE_TEXTS, CHECKSUM_COLUMNS, lang),
        a.checksums.layers.map((l) => [layerLabel(l.layer, lang), l.ok, l.bad, l.none, l.unverifiable, l.badByCause.wire, l.badByCause.offload, l.badByCause.lco, l.badByCause.unknown]),
        c,
      ),
    );
  }
  const h = a.handshakes;
  if (h.total > 0) {
    out.push('', c.bold(say('handshakeTitle')) + say('handshakes', { total: h.total, completed: h.completed, first: h.completedFirstTry }));
    if (h.notable.length) {
      pushAll(
        out,
        table(
          header(CAPTURE_TEXTS, HANDSHAKE_COLUMNS, lang),
          h.notable.slice(0, maxRows).map((x) => {
            const state = HANDSHAKE_STATE_NAMES[x.state];
            return [
              `${x.scope === 'inner' ? say('innerFlow') : ''}${x.client} -> ${x.server}`,
              (state ? t(state, lang) : x.state) + (x.backoff ? say('backoff') : ''),
              x.syns.length,
              x.synIntervals.join(' ') || '-',
              x.synAcks.length,
              x.completedAfter === undefined ? '-' : x.completedAfter.toFixed(1),
            ];
          }),
          c,
        ),
      );
      if (h.notable.length > maxRows) out.push(c.dim(say('more', { n: h.notable.length - maxRows })));
    }
  }
  if (a.sizes.flows.length) {
    out.push('', c.bold(say('sizes')) + say('sizesNote'));
    pushAll(
      out,
      table(
        [...header(CAPTURE_TEXTS, SIZE_COLUMNS, lang), ...a.sizes.bucketLabels, say('colMax')],
        a.sizes.flows.slice(0, maxRows).map((f) => [f.scope === 'inner' ? `${say('innerFlow')}${f.flow}` : f.flow, f.packets, ...f.buckets, f.maxIpLength]),
        c,
      ),
    );
    if (a.sizes.flows.length > maxRows) out.push(c.dim(say('moreFlows', { n: a.sizes.flows.length - maxRows })));
  }
  return out;
}

export function renderAnalyze(files: readonly { summary: CaptureSummary; findings: readonly Finding[] }[], c: Colors, lang: Lang = 'en'): string {
  const findings = files.flatMap((f) => f.findings);
  const lines = [...renderFindings(findings, c, files.length > 1, lang)];
  for (const f of files) pushAll(lines, ['', ...renderFileTables(f.summary, c, 10, lang)]);
  return lines.join('\n') + '\n';
}
