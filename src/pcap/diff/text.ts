// Human output of `pcap diff`: findings first, then the numbers behind them.
import { formatFrames } from '../analyze/frame-set.js';
import { renderFindings, table, type Colors, type Lang } from '../analyze/text.js';
import type { Finding } from '../analyze/findings.js';
import type { DiffResult } from './result.js';
import { formatRate } from './findings.js';

const iso = (t: number | undefined) => (t === undefined ? '-' : new Date(t * 1000).toISOString());

export function renderDiff(d: DiffResult, findings: Finding[], c: Colors, lang: Lang = 'en'): string {
  const lines = renderFindings(findings, c, false, lang);
  lines.push('', c.bold('Captures'));
  lines.push(
    ...table(
      ['side', 'file', 'host', 'frames', 'first', 'last', 'seconds'],
      [
        ['sender', d.sender.file, d.sender.host ?? '?', d.sender.frames, iso(d.sender.first), iso(d.sender.last), d.sender.seconds.toFixed(1)],
        ['receiver', d.receiver.file, d.receiver.host ?? '?', d.receiver.frames, iso(d.receiver.first), iso(d.receiver.last), d.receiver.seconds.toFixed(1)],
      ],
      c,
    ),
  );
  lines.push(
    `clock offset (receiver - sender, incl. one-way delay): ${d.clock.offset.toFixed(6)} s ${d.clock.basis === 'matched' ? `(median of ${d.clock.pairs} matched packets, spread ${d.clock.spread.toFixed(6)} s)` : '(assumed: nothing matched)'}; overlap ${d.overlap.seconds.toFixed(1)} s`,
  );
  lines.push('', c.bold('Delivery'));
  const f = d.forward;
  const r = d.reverse;
  lines.push(
    ...table(
      ['direction', 'sent', 'delivered', 'lost', 'lost frames'],
      [
        [`${f.from} -> ${f.to}`, f.sent, f.delivered, f.lost, f.lost ? formatFrames(f.lostFrames, 6) + ' (sender)' : '-'],
        [`${r.from} -> ${r.to}`, r.sent, r.delivered, r.lost, r.lost ? formatFrames(r.lostFrames, 6) + ' (receiver)' : '-'],
      ],
      c,
    ),
  );
  for (const [x, side] of [[f, 'sender'], [r, 'receiver']] as const) {
    if (x.outsideOverlap) lines.push(c.dim(`${x.outsideOverlap} packets ${x.from} -> ${x.to} were sent outside the overlap (not judged)`));
    if (x.maxDeliveredSize !== undefined) lines.push(`largest datagram delivered ${x.from} -> ${x.to}: ${x.maxDeliveredSize} bytes (IP)`);
    lines.push(`${x.from} rate (${side}'s capture): peak ${formatRate(x.peakRate)} over 1 s, average ${formatRate(x.meanRate)}, median of 1 s bins ${formatRate(x.medianRate)}`);
  }
  const runs = [...f.runs.map((x) => ({ ...x, dir: `${f.from} -> ${f.to}`, capture: 'sender' })), ...r.runs.map((x) => ({ ...x, dir: `${r.from} -> ${r.to}`, capture: 'receiver' }))].filter((x) => x.kind !== 'burst');
  if (runs.length) {
    lines.push('', c.bold('Loss runs') + ' (nothing delivered in between; times on the sender\'s clock)');
    lines.push(
      ...table(
        ['direction', 'kind', 'start', 'seconds', 'packets', 'sizes', 'rate at start', 'frames'],
        runs.slice(0, 10).map((x) => [x.dir, x.kind, `+${(x.start - (d.sender.first ?? 0)).toFixed(2)} s`, x.seconds.toFixed(2), x.packets, `${x.smallest}-${x.largest}`, formatRate(x.rateAtStart), `${x.firstFrame}-${x.lastFrame} (${x.capture})`]),
        c,
      ),
    );
  }
  return lines.join('\n') + '\n';
}
