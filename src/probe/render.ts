// Human output of `podpath probe`: one block per direction and path, the verdict first.
import pc from 'picocolors';
import type { PeerProbeReport } from './peer.js';
import { formatRate } from '../util/units.js';
import { show } from '../report/safe-text.js';

export function renderPeerReport(r: PeerProbeReport, color = false): string {
  const c = color ? pc : pc.createColors(false);
  // Names, errors and evidence lines come from the peer's answers: show() them.
  const out: string[] = [c.bold(`podpath probe ${show(r.peer)}  (${show(r.startedAt)})`)];
  for (const d of r.directions) {
    out.push('', c.bold(`${show(d.label)}: ${show(d.from)} -> ${show(d.to)}`));
    const e = d.result.echo;
    if (e && d.echoVerdict) {
      const v = d.echoVerdict;
      const mark = v.place === 'delivered' ? c.green('ok ') : c.red('LOST');
      out.push(`  ${mark} UDP echo: ${e.received}/${e.sent} back${e.rttMs ? `, rtt avg ${e.rttMs.avg} ms` : ''}; ${show(v.summary)}`);
      for (const line of v.evidence) out.push(`       ${c.dim(show(line))}`);
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
    if (t) out.push(`  ${t.connected === t.attempts ? c.green('ok ') : c.red('FAIL')} TCP ${show(t.target)}: ${t.connected}/${t.attempts} handshakes${t.connectMs.length ? `, ${t.connectMs.join('/')} ms` : ''}${Object.keys(t.failures).length ? `; ${show(JSON.stringify(t.failures))}` : ''}`);
    // What the sending agent would not do (its --allow-probe policy), said instead of a silent gap.
    for (const r of d.result.refused ?? []) out.push(`  ${c.yellow('skip')} ${r.probe === 'all' ? 'probes' : r.probe.toUpperCase()}: ${show(r.message)} (${show(r.code)})`);
    for (const q of d.result.dns ?? []) out.push(`  ${q.ok ? c.green('ok ') : c.red('FAIL')} DNS ${show(q.transport)} ${show(q.server)} ${show(q.name)}: ${q.ok ? `rcode ${q.rcode}, ${q.answers} answers, ${q.ms} ms` : show(q.error ?? `rcode ${q.rcode}`)}`);
  }
  for (const e of r.errors) out.push('', c.red(`error: ${show(e)}`));
  return out.join('\n') + '\n';
}
