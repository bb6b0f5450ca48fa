// `podpath trace` as text: drops by reason and location, busiest first, the main window's rate
// beside the baseline's, per second, then the firewall's verdicts and what was changed and undone.
// Measured tables only: judging them is the rules' job. Every kernel- or firewall-supplied string
// (symbols, device names, rule text) is made terminal-safe before it is printed.
import { maxOf, pushAll } from '../util/arrays.js';
import type { DropRow, DropTrace, DropWindow, TraceNote } from '../evidence/drop-trace.js';
import { displayWidth, padEndDisplay, padStartDisplay } from '../util/display-width.js';
import { displayLine } from '../util/terminal-safe.js';

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

function devicesText(r: DropRow, attributed: boolean): string {
  if (!attributed) return '';
  const parts = r.devices.slice(0, 4).map((d) => `${displayLine(d.device, 32)} ${d.count}`);
  if (r.devices.length > 4) parts.push(`+${r.devices.length - 4} more`);
  if (r.unattributed > 0) parts.push(`? ${r.unattributed}`);
  return parts.join(', ');
}

function table(rows: string[][], rightAligned: Set<number>): string[] {
  const widths = rows[0]!.map((_, i) => maxOf(rows.map((r) => displayWidth(r[i]!))));
  return rows.map((r) => `  ${r.map((c, i) => (rightAligned.has(i) ? padStartDisplay(c, widths[i]!) : padEndDisplay(c, widths[i]!))).join('  ')}`.trimEnd());
}

export function noteText(n: TraceNote): string {
  const p = n.params;
  switch (n.code) {
    case 'TRACE_NO_REASON': return `kernel ${p.kernel} has no drop reason in kfree_skb (added in 5.17): places only`;
    case 'TRACE_LOCATION_HASHED': return `kernel ${p.kernel} hashes the location pointer (4.15-5.11): drops are grouped by place, but places cannot be named`;
    case 'TRACE_KALLSYMS_HIDDEN': return '/proc/kallsyms shows only zeros (kptr_restrict): raw locations stay unnamed';
    case 'TRACE_LIMIT': return `reading stopped at a limit (${p.limit}): later events are not counted`;
    case 'TRACE_OVERRUN': return `the kernel's trace buffer overwrote ${p.events} events before they were read: counts are low`;
    case 'TRACE_INTERRUPTED': return 'interrupted: the last window is shorter than asked';
    case 'TRACE_UNDO_FAILED': return `could not undo: ${p.undo} (${p.error}); run it by hand`;
    default: return `${n.code} ${JSON.stringify(p)}`;
  }
}

function windowSection(w: DropWindow, base: DropWindow | undefined, attributed: boolean): string[] {
  const out: string[] = [];
  const drops = w.drops.reduce((a, r) => a + r.total, 0) + (w.other?.total ?? 0);
  out.push(`${w.label} window, ${w.seconds.toFixed(1)} s: ${drops} drop${drops === 1 ? '' : 's'}${w.label === 'main' && base ? ` (baseline ${base.seconds.toFixed(1)} s: ${base.drops.reduce((a, r) => a + r.total, 0) + (base.other?.total ?? 0)})` : ''}`);
  const baseRows = new Map((base?.drops ?? []).map((r) => [keyOf(r), r]));
  const rows = [...w.drops];
  // Places dropping only in the baseline are listed too (with 0 now): a quiet window is evidence.
  if (base) for (const r of base.drops) if (!w.drops.some((x) => keyOf(x) === keyOf(r))) rows.push({ ...r, total: 0, perSecond: [], devices: [], unattributed: 0 });
  if (rows.length === 0) {
    out.push('  no drops');
    return out;
  }
  const header = ['reason', 'location', 'total', 'per s', ...(base ? ['baseline per s'] : []), 'first..last s', ...(attributed ? ['device (count)'] : [])];
  const body = rows.map((r) => {
    const b = baseRows.get(keyOf(r));
    return [
      displayLine(reasonText(r), 40),
      displayLine(r.location, 80),
      String(r.total),
      rate(r.total, w.seconds),
      ...(base ? [b ? rate(b.total, base.seconds) : '0.00'] : []),
      r.total > 0 ? `${r.firstAt.toFixed(1)}..${r.lastAt.toFixed(1)}` : '-',
      ...(attributed ? [devicesText(r, true)] : []),
    ];
  });
  pushAll(out, table([header, ...body], new Set([2, 3, ...(base ? [4] : [])])));
  const busy = w.drops.filter((r) => r.total > 0).slice(0, 10);
  if (busy.length > 0 && w.seconds >= 2) {
    out.push('  per second:');
    for (const r of busy) {
      const s = r.perSecond.slice(0, MAX_SERIES).join(' ');
      out.push(`    ${displayLine(reasonText(r), 40)} ${displayLine(r.location, 80)}: ${s}${r.perSecond.length > MAX_SERIES ? ` … (${r.perSecond.length - MAX_SERIES} s more)` : ''}`);
    }
  }
  if (w.other) out.push(`  and ${w.other.total} more drops at ${w.other.keys} further places (over the limit of rows)`);
  return out;
}

export function renderDropTraceText(t: DropTrace): string {
  const out: string[] = [];
  const main = t.windows.find((w) => w.label === 'main');
  const base = t.windows.find((w) => w.label === 'baseline');
  const k = t.kernel;
  out.push('podpath trace: packets the kernel dropped (skb:kfree_skb)');
  out.push(`kernel ${displayLine(k.release, 80)}: drop reasons ${k.reasonField ? 'yes' : 'no'}, locations ${k.locationPrint === 'symbol' ? 'printed as symbols' : k.kallsyms === 'used' ? 'resolved through /proc/kallsyms' : 'unnamed'}; filter: ${displayLine(t.filter.kfreeSkb, 300)}${t.devices ? `; devices: ${t.filter.netifReceiveSkb ? displayLine(t.filter.netifReceiveSkb, 80) : 'all'}` : ''}`);
  out.push('');
  if (main) pushAll(out, windowSection(main, base, t.devices));
  else if (base) pushAll(out, windowSection(base, undefined, t.devices));
  if (main && base) {
    out.push('');
    pushAll(out, windowSection(base, undefined, t.devices));
  }
  const rt = t.ruleTrace;
  if (rt) {
    out.push('');
    out.push(`firewall trace (${rt.mode}, ports ${rt.ports.join(',')}${rt.addresses.length ? `, addresses ${rt.addresses.join(',')}` : ''}): ${rt.packets} packet${rt.packets === 1 ? '' : 's'} traced`);
    if (rt.verdicts.length === 0) out.push('  no rule or policy decided on them');
    for (const v of rt.verdicts.slice(0, 30)) {
      const where = `${v.family ? `${v.family} ` : ''}${v.table} ${v.chain}`;
      const which = v.kind === 'policy' ? 'policy' : v.kind === 'return' ? 'return' : v.handle !== undefined ? `rule handle ${v.handle}` : v.rulenum !== undefined ? `rule ${v.rulenum}` : 'rule';
      const e = v.example;
      const example = e ? ` (e.g. ${e.src ?? '?'}${e.sport !== undefined ? `:${e.sport}` : ''} -> ${e.dst ?? '?'}${e.dport !== undefined ? `:${e.dport}` : ''}${e.in ? ` in ${e.in}` : ''}${e.out ? ` out ${e.out}` : ''})` : '';
      out.push(`  ${padEndDisplay(displayLine(v.verdict, 30), 8)} ${displayLine(where, 120)} ${which}${v.rule ? `: ${displayLine(v.rule, 200)}` : ''}: ${v.packets} packet${v.packets === 1 ? '' : 's'}${displayLine(example, 200)}`);
    }
  }
  if (t.notes.length > 0) {
    out.push('');
    for (const n of t.notes) out.push(`note: ${displayLine(noteText(n), 400)}`);
  }
  if (t.leftovers.length > 0 || t.changes.length > 0) {
    out.push('');
    for (const l of t.leftovers) out.push(`removed what a crashed run left: ${displayLine(l.what, 200)}: ${displayLine(l.did, 300)}${l.error ? ` (failed: ${displayLine(l.error, 200)})` : ''}`);
    out.push(`host changes (${t.changes.filter((c) => c.state === 'undone').length} of ${t.changes.length} undone):`);
    for (const c of t.changes) out.push(`  ${c.state === 'undone' ? 'undone' : 'STILL IN PLACE'}: ${displayLine(c.did, 300)}  (undo: ${displayLine(c.undo, 300)})`);
  }
  return out.join('\n') + '\n';
}
