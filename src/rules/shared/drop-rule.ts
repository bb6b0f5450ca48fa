// The check every drops rule shares: for each probe that lost echoes, place the loss by the drop
// traces (drop-place.ts) and let the rule say it when the place is its own. Skipped, with the
// reason, when no lossy probe could be judged by its traces.
import type { MessageData, Report, RuleContext } from '../../engine/types.js';
import type { ProbeEvidence, ProbeNode } from '../../evidence/probe-evidence.js';
import { placeByTrace, traceLines, type DropPlacement, type TracedDrop } from './drop-place.js';
import { probesOf, echoLine } from './probe-shared.js';

/** Skip reasons every drops rule declares in its meta.reasons: noUdpEcho, untraced {node} {why}. */

export function nodeName(p: ProbeEvidence, n: ProbeNode): string {
  return n === 'local' ? 'this node' : p.peer;
}

/** The data of a traced kernel drop: the probe's numbers and the kernel's words. */
export function dropData(p: ProbeEvidence, placed: DropPlacement & { place: 'kernel' }): MessageData {
  const d: TracedDrop = placed.drop;
  return {
    from: p.from, to: p.to, label: p.label, sent: p.echo?.sent ?? 0, lost: placed.lost,
    node: nodeName(p, d.node),
    reason: d.row.reason ?? (d.row.reasonCode !== undefined ? `#${d.row.reasonCode}` : 'NOT_SPECIFIED'),
    symbol: d.row.symbol ?? d.row.location,
    location: d.row.location,
    count: d.during,
    baseline: d.baseline,
  };
}

/**
 * Runs `judge` on each lossy probe's traced placement; it returns the report's message and data
 * (or undefined when the place is another rule's).
 */
export function checkDrops(ctx: RuleContext, judge: (p: ProbeEvidence, placed: DropPlacement) => Pick<Report, 'messageId' | 'data' | 'phrases'> | undefined): void {
  const probes = probesOf(ctx.facts).filter((p) => p.echo);
  if (probes.length === 0) return ctx.skip('noUdpEcho');
  let judged = 0;
  let untraced: { node: string; why: string } | undefined;
  for (const p of probes) {
    const placed = placeByTrace(ctx.evidence, p);
    if (!placed || placed.place === 'delivered') continue;
    if (placed.place === 'untraced') {
      untraced ??= { node: nodeName(p, placed.node), why: placed.detail ? `${placed.why}: ${placed.detail}` : placed.why };
      continue;
    }
    judged++;
    const said = judge(p, placed);
    if (said) ctx.report({ ...said, evidence: [...echoLine(p), ...traceLines(p, placed, (n) => nodeName(p, n))] });
  }
  if (judged === 0 && untraced) ctx.skip('untraced', untraced);
}
