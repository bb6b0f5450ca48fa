// `podpath trace` as text: drops by reason and location, busiest first, the main window's rate
// beside the baseline's, per second, then the firewall's verdicts and what was changed and undone.
// Measured tables only: judging them is the rules' job. Every kernel- or firewall-supplied string
// (symbols, device names, rule text) is made terminal-safe before it is printed.
import { maxOf, pushAll } from '../util/arrays.js';
import type { DropRow, DropTrace, DropWindow, TraceNote } from '../evidence/drop-trace.js';
import { displayWidth, padEndDisplay, padStartDisplay } from '../util/display-width.js';
import { displayLine } from '../util/terminal-safe.js';
import { t, type Lang, type Localized, type MessageData } from '../util/i18n.js';
import { TEXT_LABELS, type TextLabel } from './text-labels.js';

const w = (key: TextLabel, lang: Lang, data?: MessageData) => t(TEXT_LABELS[key], lang, data);

const MAX_SERIES = 60;

function rate(total: number, seconds: number): string {
  return seconds > 0 ? (total / seconds).toFixed(2) : '-';
}

function keyOf(r: DropRow): string {
  return `${r.reason ?? r.reasonCode ?? ''}|${r.location}`;
}

function reasonText(r: DropRow): string {
  return r.reason ?? (r.reasonCode !== undefined ? `#${r.reasonCode}` : '-');
}

function devicesText(r: DropRow, attributed: boolean, lang: Lang): string {
  if (!attributed) return '';
  const parts = r.devices.slice(0, 4).map((d) => `${displayLine(d.device, 32)} ${d.count}`);
  if (r.devices.length > 4) parts.push(w('traceMoreDevices', lang, { n: r.devices.length - 4 }));
  if (r.unattributed > 0) parts.push(`? ${r.unattributed}`);
  return parts.join(', ');
}

function table(rows: string[][], rightAligned: Set<number>): string[] {
  const widths = rows[0]!.map((_, i) => maxOf(rows.map((r) => displayWidth(r[i]!))));
  return rows.map((r) => `  ${r.map((c, i) => (rightAligned.has(i) ? padStartDisplay(c, widths[i]!) : padEndDisplay(c, widths[i]!))).join('  ')}`.trimEnd());
}

/** A note of the trace (by its code) in a language; a code this build does not know shows with its parameters. */
export function noteText(n: TraceNote, lang: Lang = 'en'): string {
  const entry = (TEXT_LABELS as Record<string, Localized>)[n.code];
  return n.code.startsWith('TRACE_') && entry ? t(entry, lang, n.params) : `${n.code} ${JSON.stringify(n.params)}`;
}

function windowSection(win: DropWindow, base: DropWindow | undefined, attributed: boolean, lang: Lang): string[] {
  const out: string[] = [];
  const drops = win.drops.reduce((a, r) => a + r.total, 0) + (win.other?.total ?? 0);
  const name = w(win.label === 'main' ? 'traceMain' : 'traceBaseline', lang);
  const head = w(drops === 1 ? 'traceWindowOne' : 'traceWindow', lang, { window: name, seconds: win.seconds.toFixed(1), drops });
  const baseTotal = base ? base.drops.reduce((a, r) => a + r.total, 0) + (base.other?.total ?? 0) : 0;
  out.push(`${head}${win.label === 'main' && base ? w('traceWindowBase', lang, { seconds: base.seconds.toFixed(1), drops: baseTotal }) : ''}`);
  const baseRows = new Map((base?.drops ?? []).map((r) => [keyOf(r), r]));
  const rows = [...win.drops];
  // Places dropping only in the baseline are listed too (with 0 now): a quiet window is evidence.
  if (base) for (const r of base.drops) if (!win.drops.some((x) => keyOf(x) === keyOf(r))) rows.push({ ...r, total: 0, perSecond: [], devices: [], unattributed: 0 });
  if (rows.length === 0) {
    out.push(`  ${w('traceNoDrops', lang)}`);
    return out;
  }
  const header = [
    w('traceColReason', lang), w('traceColLocation', lang), w('traceColTotal', lang), w('traceColRate', lang),
    ...(base ? [w('traceColBaseRate', lang)] : []), w('traceColSpan', lang), ...(attributed ? [w('traceColDevices', lang)] : []),
  ];
  const body = rows.map((r) => {
    const b = baseRows.get(keyOf(r));
    return [
      displayLine(reasonText(r), 40),
      displayLine(r.location, 80),
      String(r.total),
      rate(r.total, win.seconds),
      ...(base ? [b ? rate(b.total, base.seconds) : '0.00'] : []),
      r.total > 0 ? `${r.firstAt.toFixed(1)}..${r.lastAt.toFixed(1)}` : '-',
      ...(attributed ? [devicesText(r, true, lang)] : []),
    ];
  });
  pushAll(out, table([header, ...body], new Set([2, 3, ...(base ? [4] : [])])));
  const busy = win.drops.filter((r) => r.total > 0).slice(0, 10);
  if (busy.length > 0 && win.seconds >= 2) {
    out.push(`  ${w('tracePerSecond', lang)}`);
    for (const r of busy) {
      const s = r.perSecond.slice(0, MAX_SERIES).join(' ');
      out.push(`    ${displayLine(reasonText(r), 40)} ${displayLine(r.location, 80)}: ${s}${r.perSecond.length > MAX_SERIES ? w('traceMoreSeconds', lang, { n: r.perSecond.length - MAX_SERIES }) : ''}`);
    }
  }
  if (win.other) out.push(`  ${w('traceOther', lang, { total: win.other.total, keys: win.other.keys })}`);
  return out;
}

export function renderDropTraceText(trace: DropTrace, lang: Lang = 'en'): string {
  const out: string[] = [];
  const main = trace.windows.find((x) => x.label === 'main');
  const base = trace.windows.find((x) => x.label === 'baseline');
  const k = trace.kernel;
  out.push(w('traceTitle', lang));
  const locations = w(k.locationPrint === 'symbol' ? 'traceSymbols' : k.kallsyms === 'used' ? 'traceKallsyms' : 'traceUnnamed', lang);
  const devices = trace.devices ? w('traceDevices', lang, { devices: trace.filter.netifReceiveSkb ? displayLine(trace.filter.netifReceiveSkb, 80) : w('traceAllDevices', lang) }) : '';
  out.push(w('traceKernel', lang, { release: displayLine(k.release, 80), reasons: w(k.reasonField ? 'traceYes' : 'traceNo', lang), locations, filter: displayLine(trace.filter.kfreeSkb, 300) }) + devices);
  out.push('');
  if (main) pushAll(out, windowSection(main, base, trace.devices, lang));
  else if (base) pushAll(out, windowSection(base, undefined, trace.devices, lang));
  if (main && base) {
    out.push('');
    pushAll(out, windowSection(base, undefined, trace.devices, lang));
  }
  const rt = trace.ruleTrace;
  if (rt) {
    out.push('');
    const at = rt.addresses.length > 0;
    const one = rt.packets === 1;
    out.push(w(at ? (one ? 'traceRulesAtOne' : 'traceRulesAt') : one ? 'traceRulesOne' : 'traceRules', lang, { mode: rt.mode, ports: rt.ports.join(','), addresses: rt.addresses.join(','), packets: rt.packets }));
    if (rt.verdicts.length === 0) out.push(`  ${w('traceNoVerdict', lang)}`);
    for (const v of rt.verdicts.slice(0, 30)) {
      const where = `${v.family ? `${v.family} ` : ''}${v.table} ${v.chain}`;
      const which = v.kind === 'policy' ? w('tracePolicy', lang) : v.kind === 'return' ? w('traceReturn', lang) : v.handle !== undefined ? w('traceRuleHandle', lang, { handle: v.handle }) : v.rulenum !== undefined ? w('traceRuleNum', lang, { n: v.rulenum }) : w('traceRule', lang);
      const e = v.example;
      const packet = e ? `${e.src ?? '?'}${e.sport !== undefined ? `:${e.sport}` : ''} -> ${e.dst ?? '?'}${e.dport !== undefined ? `:${e.dport}` : ''}${e.in ? ` ${w('traceIn', lang)} ${e.in}` : ''}${e.out ? ` ${w('traceOut', lang)} ${e.out}` : ''}` : '';
      const example = e ? w('traceExample', lang, { packet }) : '';
      const packets = v.packets === 1 ? w('tracePacketsOne', lang) : w('tracePackets', lang, { n: v.packets });
      out.push(`  ${padEndDisplay(displayLine(v.verdict, 30), 8)} ${displayLine(where, 120)} ${which}${v.rule ? `: ${displayLine(v.rule, 200)}` : ''}: ${packets}${displayLine(example, 200)}`);
    }
  }
  if (trace.notes.length > 0) {
    out.push('');
    for (const n of trace.notes) out.push(`${w('note', lang)}: ${displayLine(noteText(n, lang), 400)}`);
  }
  if (trace.leftovers.length > 0 || trace.changes.length > 0) {
    out.push('');
    for (const l of trace.leftovers) {
      const data = { what: displayLine(l.what, 200), did: displayLine(l.did, 300) };
      out.push(l.error ? w('traceLeftoverFailed', lang, { ...data, error: displayLine(l.error, 200) }) : w('traceLeftover', lang, data));
    }
    out.push(w('traceChanges', lang, { undone: trace.changes.filter((c) => c.state === 'undone').length, total: trace.changes.length }));
    for (const c of trace.changes) out.push(`  ${w(c.state === 'undone' ? 'traceUndone' : 'traceStill', lang)}: ${displayLine(c.did, 300)}  ${w('traceUndoOf', lang, { undo: displayLine(c.undo, 300) })}`);
  }
  return out.join('\n') + '\n';
}
