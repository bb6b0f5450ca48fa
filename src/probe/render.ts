// Human output of `podpath probe`: one block per direction and path, the verdict first.
import pc from 'picocolors';
import type { PeerProbeReport } from './peer.js';
import { formatRate } from '../util/units.js';
import { displayLine } from '../util/terminal-safe.js';

export function renderPeerReport(r: PeerProbeReport, color = false): string {
  const c = color ? pc : pc.createColors(false);
  const out: string[] = [c.bold(`podpath probe ${r.peer}  (${r.startedAt})`)];
  for (const d of r.directions) {
    out.push('', c.bold(`${d.label}: ${d.from} -> ${d.to}`));
    const e = d.result.echo;
    if (e && d.echoVerdict) {
      const v = d.echoVerdict;
      const mark = v.place === 'delivered' ? c.green('ok ') : c.red('LOST');
      out.push(`  ${mark} UDP echo: ${e.received}/${e.sent} back${e.rttMs ? `, rtt avg ${e.rttMs.avg} ms` : ''}; ${v.summary}`);
      for (const line of v.evidence) out.push(`       ${c.dim(line)}`);
    }
    const s = d.result.sweep;
    if (s) {
      if (s.largestPassing === undefined) out.push(`  ${c.red('LOST')} size sweep: not even ${s.tries[0]?.size ?? 44}-byte datagrams crossed`);
      else if (s.smallestFailing === undefined) out.push(`  ${c.green('ok ')} size sweep: every size up to ${s.largestPassing} bytes crossed`);
      else out.push(`  ${c.yellow('LIMIT')} size sweep: largest UDP payload that crosses is ${s.largestPassing} bytes; ${s.smallestFailing} never arrives`);
    }
    const rr = d.result.ramp;
    if (rr) {
      if (rr.lossOnsetBps === undefined) out.push(`  ${c.green('ok ')} rate ramp: no loss up to ${formatRate(rr.steps.at(-1)?.rateBps ?? 0)} (stopped by ${rr.stoppedBy})`);
      else {
        out.push(`  ${c.red('LOSS')} rate ramp: loss starts between ${formatRate(rr.lastCleanBps ?? 0)} and ${formatRate(rr.lossOnsetBps)}`);
        if (rr.estimate) out.push(`       policer: sustained limit about ${formatRate(rr.estimate.limitBps)}, burst about ${Math.round(rr.estimate.burstBytes / 1000)} kB (holds at ${rr.estimate.holds.map((h) => `${formatRate(h.rateBps)} tripped after ${(h.tripMs / 1000).toFixed(2)} s`).join(', ')})`);
        if (rr.blackhole?.detected) {
          out.push(`       ${c.red('blackhole')}: then nothing at all crossed; ${rr.blackhole.recoveredAfterMs !== undefined ? `recovered after ${(rr.blackhole.recoveredAfterMs / 1000).toFixed(1)} s` : `not recovered after ${(rr.blackhole.watchedMs / 1000).toFixed(0)} s`}`);
        }
      }
    }
    const t = d.result.tcp;
    if (t) out.push(`  ${t.connected === t.attempts ? c.green('ok ') : c.red('FAIL')} TCP ${t.target}: ${t.connected}/${t.attempts} handshakes${t.connectMs.length ? `, ${t.connectMs.join('/')} ms` : ''}${Object.keys(t.failures).length ? `; ${JSON.stringify(t.failures)}` : ''}`);
    // What the sending agent would not do (its --allow-probe policy), said instead of a silent gap.
    for (const r of d.result.refused ?? []) out.push(`  ${c.yellow('skip')} ${r.probe === 'all' ? 'probes' : r.probe.toUpperCase()}: ${displayLine(r.message)} (${displayLine(r.code, 32)})`);
    for (const q of d.result.dns ?? []) out.push(`  ${q.ok ? c.green('ok ') : c.red('FAIL')} DNS ${q.transport} ${q.server} ${q.name}: ${q.ok ? `rcode ${q.rcode}, ${q.answers} answers, ${q.ms} ms` : q.error ?? `rcode ${q.rcode}`}`);
  }
  for (const e of r.errors) out.push('', c.red(`error: ${e}`));
  return out.join('\n') + '\n';
}
