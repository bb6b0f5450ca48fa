// Human output: findings first (severity, one line, frames, display filter), then tables.
import pc from 'picocolors';
import type { FileAnalysis } from './capture-analysis.js';
import { formatFrames } from './frame-set.js';
import { sortFindings, type Finding, type Severity } from './findings.js';
import { layerLabel } from './layers.js';

export type Colors = ReturnType<typeof pc.createColors>;

export function colors(enabled: boolean): Colors {
  return pc.createColors(enabled);
}

export type Lang = 'en' | 'zh';

const SEVERITY_TAG: Record<Lang, Record<Severity, string>> = {
  en: { error: 'ERROR', warning: 'WARN ', info: 'info ' },
  zh: { error: '错误 ', warning: '警告 ', info: '信息 ' },
};

const WORDS = {
  en: { none: 'No findings.', frames: 'frames:', filter: 'filter:' },
  zh: { none: '没有发现问题。', frames: '帧号：', filter: '过滤器：' },
};

export function severityTag(s: Severity, c: Colors, lang: Lang = 'en'): string {
  const tag = SEVERITY_TAG[lang][s];
  return s === 'error' ? c.red(c.bold(tag)) : s === 'warning' ? c.yellow(tag) : c.cyan(tag);
}

export function renderFindings(findings: Finding[], c: Colors, showFile: boolean, lang: Lang = 'en'): string[] {
  const lines: string[] = [];
  const w = WORDS[lang];
  if (findings.length === 0) {
    lines.push(c.green(w.none));
    return lines;
  }
  for (const f of sortFindings(findings)) {
    // Chinese when asked and written; the English text otherwise (never a half-empty line).
    const message = lang === 'zh' && f.zh ? f.zh.message : f.message;
    const detail = lang === 'zh' && f.zh ? (f.zh.detail ?? f.detail) : f.detail;
    lines.push(`${severityTag(f.severity, c, lang)} ${message}${showFile && f.file ? c.dim(` [${f.file}]`) : ''}`);
    if (f.frames && f.frames.count > 0) lines.push(`       ${c.dim(w.frames)} ${formatFrames(f.frames)}`);
    if (f.filter) lines.push(`       ${c.dim(w.filter)} ${f.filter}`);
    if (detail) lines.push(`       ${c.dim(detail)}`);
  }
  return lines;
}

/** A plain left-aligned table; numbers right-aligned. */
export function table(header: string[], rows: (string | number)[][], c: Colors): string[] {
  const cells = [header, ...rows.map((r) => r.map(String))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const numeric = header.map((_, i) => rows.length > 0 && rows.every((r) => typeof r[i] === 'number'));
  const fmt = (r: string[]) => r.map((v, i) => (numeric[i] ? v.padStart(widths[i]!) : v.padEnd(widths[i]!))).join('  ').trimEnd();
  return [c.bold(fmt(header)), ...cells.slice(1).map(fmt)];
}

const iso = (t: number) => new Date(t * 1000).toISOString();

export function renderFileTables(a: FileAnalysis, c: Colors, maxRows = 10): string[] {
  const out: string[] = [];
  const w = a.window;
  out.push(
    c.bold(`${a.file}`) +
      `: ${a.read.format}, ${a.read.frames} frames (${a.packets.ip} IP, ${a.packets.tunnel} tunnelled)` +
      (w ? `, ${iso(w.first)} .. ${iso(w.last)} (${w.seconds.toFixed(1)} s)` : ''),
  );
  if (a.checksums.layers.length) {
    out.push('', c.bold('Checksums'));
    out.push(
      ...table(
        ['layer', 'ok', 'bad', 'none', 'unverifiable', 'wire', 'offload', 'lco', 'unknown'],
        a.checksums.layers.map((l) => [layerLabel(l.layer), l.ok, l.bad, l.none, l.unverifiable, l.badByCause.wire, l.badByCause.offload, l.badByCause.lco, l.badByCause.unknown]),
        c,
      ),
    );
  }
  const h = a.handshakes;
  if (h.total > 0) {
    out.push('', c.bold('TCP handshakes') + `: ${h.total} seen, ${h.completed} completed (${h.completedFirstTry} at the first try)`);
    if (h.notable.length) {
      out.push(
        ...table(
          ['connection', 'state', 'SYNs', 'SYN intervals (s)', 'SYN-ACKs', 'done after (s)'],
          h.notable.slice(0, maxRows).map((x) => [
            `${x.scope === 'inner' ? '(inner) ' : ''}${x.client} -> ${x.server}`,
            x.state + (x.backoff ? ', back-off' : ''),
            x.syns.length,
            x.synIntervals.join(' ') || '-',
            x.synAcks.length,
            x.completedAfter === undefined ? '-' : x.completedAfter.toFixed(1),
          ]),
          c,
        ),
      );
      if (h.notable.length > maxRows) out.push(c.dim(`... ${h.notable.length - maxRows} more (see --json)`));
    }
  }
  if (a.sizes.flows.length) {
    out.push('', c.bold('Sizes') + ' (IP total length, packets per bucket)');
    out.push(
      ...table(
        ['flow', 'packets', ...a.sizes.bucketLabels, 'max'],
        a.sizes.flows.slice(0, maxRows).map((f) => [f.scope === 'inner' ? `(inner) ${f.flow}` : f.flow, f.packets, ...f.buckets, f.maxIpLength]),
        c,
      ),
    );
    if (a.sizes.flows.length > maxRows) out.push(c.dim(`... ${a.sizes.flows.length - maxRows} more flows (see --json)`));
  }
  return out;
}

export function renderAnalyze(files: FileAnalysis[], c: Colors, lang: Lang = 'en'): string {
  const findings = files.flatMap((f) => f.findings);
  const lines = [...renderFindings(findings, c, files.length > 1, lang)];
  for (const f of files) lines.push('', ...renderFileTables(f, c));
  return lines.join('\n') + '\n';
}
