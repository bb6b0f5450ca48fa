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
import type { Localized } from '../util/i18n.js';

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

export function cellLine(c: MeshCell, color = false): string {
  const k = color ? pc : pc.createColors(false);
  const parts: string[] = [`${c.stage === 'ramp' ? 'ramp ' : ''}${c.plane}`, `${show(c.from, 80)} -> ${show(c.to, 80)}`];
  if (c.error) parts.push(`${show(c.error.code, 64)}: ${show(c.error.message, 200)}`);
  if (c.udp) parts.push(`udp ${c.udp.received}/${c.udp.sent}${c.udp.arrivedAtPeer !== undefined ? ` (${c.udp.arrivedAtPeer} arrived)` : ''}${c.udp.rttMs ? ` rtt ${c.udp.rttMs.avg} ms` : ''}`);
  if (c.tcp) parts.push(`tcp ${c.tcp.connected}/${c.tcp.attempts}`);
  if (c.icmp) parts.push(c.icmp.skipped ? 'icmp skipped' : `icmp ${c.icmp.received}/${c.icmp.sent}`);
  if (c.sweep) {
    parts.push(c.sweep.largestPassing === undefined ? 'sweep none'
      : `sweep ${c.sweep.largestPassing}${c.sweep.smallestFailing !== undefined ? ` (${c.sweep.smallestFailing} lost)` : ''}`);
  }
  if (c.ramp) parts.push(c.ramp.lossOnsetBps === undefined ? `ramp clean to ${formatRate(c.ramp.steps.at(-1)?.rateBps ?? 0)}` : `ramp loss at ${formatRate(c.ramp.lossOnsetBps)}${c.ramp.blackhole ? ' then blackhole' : ''}`);
  for (const r of c.refused) parts.push(`${r.probe === 'all' ? 'probes' : show(r.probe, 16)} refused (${show(r.code, 64)})`);
  const short = cellShortfall(c);
  const mark = short.length ? k.red('!! ') : k.green('ok ');
  return `${mark}${parts.join('  ')}`;
}

export function progressBar(p: MeshProgressView, failing: number, width = 30): string {
  const frac = p.totalCells ? Math.min(1, p.cells / p.totalCells) : 0;
  const filled = Math.round(frac * width);
  const stage = p.stage === 'hello' ? 'asking every agent' : p.stage === 'close' ? 'closing' : `${p.stage} round ${p.round}/${p.rounds}`;
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${p.cells}/${p.totalCells} cells, ${failing} short  ${stage}`;
}

export function summaryText(o: MeshOutcomeView, tally: { cells: number; short: number; byShortfall: Map<string, number> }, out?: string): string {
  const lines = [`mesh: ${tally.cells} cells in ${o.rounds} rounds, ${(o.ms / 1000).toFixed(1)} s; ${tally.short} short of complete${tally.short ? ` (${[...tally.byShortfall].map(([k, n]) => `${k} ${n}`).join(', ')})` : ''}`];
  if (o.errors.length) {
    lines.push(`${o.errors.length + o.errorsDropped} agent errors:`);
    for (const e of o.errors.slice(0, 10)) lines.push(`  ${show(e.where, 200)}${e.round !== undefined ? ` round ${e.round}` : ''}: ${show(e.code, 64)} ${show(e.message, 300)}`);
    if (o.errors.length + o.errorsDropped > 10) lines.push(`  ... ${o.errors.length + o.errorsDropped - 10} more (in the matrix's errors)`);
  }
  if (out) lines.push(`matrix: ${show(out)}`);
  return lines.join('\n') + '\n';
}

/** The words around the mesh rules' findings (a catalogue: src/report/catalogue.ts). */
export const MESH_FINDING_WORDS = {
  none: { en: 'mesh findings: none (every cell explained as passing)', zh: 'mesh 发现:无(所有单元格均通过)' },
  head: { en: 'mesh findings:', zh: 'mesh 发现:' },
  next: { en: 'next:', zh: '下一步:' },
} satisfies Record<string, Localized>;

/** The mesh rules' findings after the summary: each message, the cells that prove it, what to do next. */
export function meshFindingsText(findings: readonly { severity: string; ruleId: string; message: string; detail?: string; evidence: { source: string; text: string }[]; remediation: { description: string; commands: string[] }[] }[], lang: 'en' | 'zh' = 'en'): string {
  const w = (k: keyof typeof MESH_FINDING_WORDS) => MESH_FINDING_WORDS[k][lang];
  if (findings.length === 0) return `${w('none')}\n`;
  const lines = [w('head')];
  for (const f of findings) {
    lines.push(`${f.severity.toUpperCase()} [${show(f.ruleId, 64)}] ${show(f.message, 2000)}`);
    if (f.detail) lines.push(`    ${show(f.detail, 2000)}`);
    for (const e of f.evidence) lines.push(`    ${show(e.source, 200)}: ${show(e.text, 600)}`);
    for (const step of f.remediation) {
      lines.push(`    ${w('next')} ${show(step.description, 300)}`);
      for (const c of step.commands) lines.push(`      ${show(c, 600)}`);
    }
  }
  return lines.join('\n') + '\n';
}
