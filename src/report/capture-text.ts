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

export type Colors = ReturnType<typeof pc.createColors>;

export function colors(enabled: boolean): Colors {
  return pc.createColors(enabled);
}

const SEVERITY_TAG: Record<Lang, Record<Severity, string>> = {
  en: { critical: 'CRIT ', error: 'ERROR', warning: 'WARN ', info: 'info ' },
  zh: { critical: '严重 ', error: '错误 ', warning: '警告 ', info: '信息 ' },
};

/** `12-14, 18, 20-25 (+312 more)`, at most `maxShown` ranges. */
export function formatFrames(set: FrameSetJson, maxShown = 12): string {
  const shown = set.ranges.slice(0, maxShown).map((r) => (r.from === r.to ? `${r.from}` : `${r.from}-${r.to}`));
  const keptFrames = set.ranges.reduce((n, r) => n + r.to - r.from + 1, 0);
  const shownFrames = set.ranges.slice(0, maxShown).reduce((n, r) => n + r.to - r.from + 1, 0);
  // `count` can exceed the frames kept (cap) and frames can repeat (one frame, several layers).
  const more = Math.max(set.count, keptFrames) - shownFrames;
  return shown.join(', ') + (more > 0 ? ` (+${more} more)` : '');
}

const LAYER_LABEL: Record<string, string> = { ipv4: 'IPv4 header', udp: 'UDP', tcp: 'TCP', icmp: 'ICMP', icmpv6: 'ICMPv6' };

/** `outer UDP`, `inner IPv4 header`. */
export function layerLabel(layer: string): string {
  const [scope, proto] = layer.split('-', 2);
  return `${scope} ${LAYER_LABEL[proto ?? ''] ?? proto}`;
}

/** `外层 UDP`, `内层 IPv4 首部`. */
export function layerLabelZh(layer: string): string {
  const [scope, proto] = layer.split('-', 2);
  return `${scope === 'inner' ? '内层' : '外层'} ${proto === 'ipv4' ? 'IPv4 首部' : (LAYER_LABEL[proto ?? ''] ?? proto)}`;
}

/** Most severe first; in the order given among equals (file by file, rule by rule). */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort((a, b) => severityRank(a.severity) - severityRank(b.severity));
}

const WORDS = {
  en: { none: 'No findings.', frames: 'frames:', filter: 'filter:' },
  zh: { none: '没有发现问题。', frames: '帧号：', filter: '过滤器：' },
};

export function severityTag(s: Severity, c: Colors, lang: Lang = 'en'): string {
  const tag = SEVERITY_TAG[lang][s];
  return s === 'critical' || s === 'error' ? c.red(c.bold(tag)) : s === 'warning' ? c.yellow(tag) : c.cyan(tag);
}

export function renderFindings(findings: readonly Finding[], c: Colors, showFile: boolean, lang: Lang = 'en'): string[] {
  const lines: string[] = [];
  const w = WORDS[lang];
  if (findings.length === 0) {
    lines.push(c.green(w.none));
    return lines;
  }
  for (const f of sortFindings(findings)) {
    const at = f.location;
    // File names come from the command line (a directory listing may hold anything): show() them, and the text around them.
    lines.push(`${severityTag(f.severity, c, lang)} ${show(f.message, Number.MAX_SAFE_INTEGER)}${showFile && at?.file ? c.dim(` [${show(at.file)}]`) : ''}`);
    if (at?.frames && at.frames.count > 0) lines.push(`       ${c.dim(w.frames)} ${formatFrames(at.frames)}`);
    if (at?.filter) lines.push(`       ${c.dim(w.filter)} ${show(at.filter, Number.MAX_SAFE_INTEGER)}`);
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

const iso = (t: number) => new Date(t * 1000).toISOString();

/** Headings and table labels of the human output, in both languages. */
export const TABLE_WORDS = {
  en: {
    summary: (format: string, frames: number, ip: number, tunnel: number) => `: ${format}, ${frames} frames (${ip} IP, ${tunnel} tunnelled)`,
    span: (first: string, last: string, s: string) => `, ${first} .. ${last} (${s} s)`,
    checksums: 'Checksums',
    checksumHead: ['layer', 'ok', 'bad', 'none', 'unverifiable', 'wire', 'offload', 'lco', 'unknown'],
    handshakes: (total: number, completed: number, first: number) => `: ${total} seen, ${completed} completed (${first} at the first try)`,
    handshakeTitle: 'TCP handshakes',
    handshakeHead: ['connection', 'state', 'SYNs', 'SYN intervals (s)', 'SYN-ACKs', 'done after (s)'],
    states: { completed: 'completed', reset: 'reset', 'no-synack': 'no-synack', 'synack-no-ack': 'synack-no-ack' } as Record<string, string>,
    backoff: ', back-off',
    inner: '(inner) ',
    more: (n: number) => `... ${n} more (see --json)`,
    moreFlows: (n: number) => `... ${n} more flows (see --json)`,
    sizes: 'Sizes',
    sizesNote: ' (IP total length, packets per bucket)',
    sizeHead: ['flow', 'packets'],
    max: 'max',
    cut: (offset: number, code: string, frames: number) => `cut short at byte ${offset} (${code}): only its first ${frames} frames are summed up below`,
  },
  zh: {
    summary: (format: string, frames: number, ip: number, tunnel: number) => `：${format}，${frames} 帧（IP ${ip} 个，隧道封装 ${tunnel} 个）`,
    span: (first: string, last: string, s: string) => `，${first} .. ${last}（${s} 秒）`,
    checksums: '校验和',
    checksumHead: ['层', '正确', '错误', '无', '无法校验', '线路错误', '卸载', 'LCO', '未知'],
    handshakes: (total: number, completed: number, first: number) => `：共 ${total} 个，完成 ${completed} 个（一次成功 ${first} 个）`,
    handshakeTitle: 'TCP 握手',
    handshakeHead: ['连接', '状态', 'SYN 数', 'SYN 间隔（秒）', 'SYN-ACK 数', '完成用时（秒）'],
    states: { completed: '已完成', reset: '被重置', 'no-synack': '无 SYN-ACK', 'synack-no-ack': 'SYN-ACK 无 ACK' } as Record<string, string>,
    backoff: '，指数退避',
    inner: '（内层）',
    more: (n: number) => `…… 另有 ${n} 个（见 --json）`,
    moreFlows: (n: number) => `…… 另有 ${n} 个流（见 --json）`,
    sizes: '大小',
    sizesNote: '（IP 总长度，各区间的报文数）',
    sizeHead: ['流', '报文数'],
    max: '最大',
    cut: (offset: number, code: string, frames: number) => `在第 ${offset} 字节处中断（${code}）：以下只统计了前 ${frames} 帧`,
  },
};

export function renderFileTables(a: CaptureSummary, c: Colors, maxRows = 10, lang: Lang = 'en'): string[] {
  const out: string[] = [];
  const t = TABLE_WORDS[lang];
  const w = a.window;
  out.push(
    c.bold(show(a.file)) +
      t.summary(a.read.format, a.read.frames, a.packets.ip, a.packets.tunnel) +
      (w ? t.span(iso(w.first), iso(w.last), w.seconds.toFixed(1)) : ''),
  );
  // A capture read in part: what follows covers the frames before the point where reading stopped.
  if (a.read.error) out.push(c.yellow(t.cut(a.read.error.offset, a.read.error.code, a.read.frames)));
  if (a.checksums.layers.length) {
    out.push('', c.bold(t.checksums));
    pushAll(
      out,
      table(
        t.checksumHead,
        a.checksums.layers.map((l) => [lang === 'zh' ? layerLabelZh(l.layer) : layerLabel(l.layer), l.ok, l.bad, l.none, l.unverifiable, l.badByCause.wire, l.badByCause.offload, l.badByCause.lco, l.badByCause.unknown]),
        c,
      ),
    );
  }
  const h = a.handshakes;
  if (h.total > 0) {
    out.push('', c.bold(t.handshakeTitle) + t.handshakes(h.total, h.completed, h.completedFirstTry));
    if (h.notable.length) {
      pushAll(
        out,
        table(
          t.handshakeHead,
          h.notable.slice(0, maxRows).map((x) => [
            `${x.scope === 'inner' ? t.inner : ''}${x.client} -> ${x.server}`,
            (t.states[x.state] ?? x.state) + (x.backoff ? t.backoff : ''),
            x.syns.length,
            x.synIntervals.join(' ') || '-',
            x.synAcks.length,
            x.completedAfter === undefined ? '-' : x.completedAfter.toFixed(1),
          ]),
          c,
        ),
      );
      if (h.notable.length > maxRows) out.push(c.dim(t.more(h.notable.length - maxRows)));
    }
  }
  if (a.sizes.flows.length) {
    out.push('', c.bold(t.sizes) + t.sizesNote);
    pushAll(
      out,
      table(
        [...t.sizeHead, ...a.sizes.bucketLabels, t.max],
        a.sizes.flows.slice(0, maxRows).map((f) => [f.scope === 'inner' ? `${t.inner}${f.flow}` : f.flow, f.packets, ...f.buckets, f.maxIpLength]),
        c,
      ),
    );
    if (a.sizes.flows.length > maxRows) out.push(c.dim(t.moreFlows(a.sizes.flows.length - maxRows)));
  }
  return out;
}

export function renderAnalyze(files: readonly { summary: CaptureSummary; findings: readonly Finding[] }[], c: Colors, lang: Lang = 'en'): string {
  const findings = files.flatMap((f) => f.findings);
  const lines = [...renderFindings(findings, c, files.length > 1, lang)];
  for (const f of files) pushAll(lines, ['', ...renderFileTables(f.summary, c, 10, lang)]);
  return lines.join('\n') + '\n';
}
