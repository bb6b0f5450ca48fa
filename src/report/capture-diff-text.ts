// Human output of `pcap diff`: findings first (from the capture rules, in the run's language),
// then the numbers behind them.
import { formatFrames, renderFindings, table, type Colors } from './capture-text.js';
import type { Finding, Lang } from '../engine/types.js';
import type { CaptureDiff } from '../evidence/capture-diff.js';
import { formatRate } from '../util/units.js';
import { pushAll } from '../util/arrays.js';

const iso = (t: number | undefined) => (t === undefined ? '-' : new Date(t * 1000).toISOString());

const WORDS = {
  en: {
    captures: 'Captures',
    cut: (side: string, offset: number, code: string, frames: number) => `the ${side}'s capture was cut short at byte ${offset} (${code}): only its first ${frames} frames are compared`,
    captureHead: ['side', 'file', 'host', 'frames', 'first', 'last', 'seconds'],
    sender: 'sender',
    receiver: 'receiver',
    clock: (offset: string, basis: string, overlap: string) => `clock offset (receiver - sender, incl. one-way delay): ${offset} s ${basis}; overlap ${overlap} s`,
    matched: (pairs: number, spread: string) => `(median of ${pairs} matched packets, spread ${spread} s)`,
    assumed: '(assumed: nothing matched)',
    delivery: 'Delivery',
    deliveryHead: ['direction', 'sent', 'delivered', 'lost', 'lost frames'],
    inCapture: (side: string) => ` (${side})`,
    outside: (n: number, dir: string) => `${n} packets ${dir} were sent outside the overlap (not judged)`,
    largest: (dir: string, n: number) => `largest datagram delivered ${dir}: ${n} bytes (IP)`,
    rate: (host: string, side: string, peak: string, mean: string, median: string) => `${host} rate (${side}'s capture): peak ${peak} over 1 s, average ${mean}, median of 1 s bins ${median}`,
    runs: 'Loss runs',
    runsNote: " (nothing delivered in between; times on the sender's clock)",
    runHead: ['direction', 'kind', 'start', 'seconds', 'packets', 'sizes', 'rate at start', 'frames'],
    kinds: { size: 'size', blackhole: 'blackhole', window: 'window', burst: 'burst' } as Record<string, string>,
    secondsUnit: 's',
  },
  zh: {
    captures: '抓包',
    cut: (side: string, offset: number, code: string, frames: number) => `${side}的抓包在第 ${offset} 字节处中断（${code}）：只比较了前 ${frames} 帧`,
    captureHead: ['端', '文件', '主机', '帧数', '开始', '结束', '秒'],
    sender: '发送端',
    receiver: '接收端',
    clock: (offset: string, basis: string, overlap: string) => `时钟差（接收端 - 发送端，含单向时延）：${offset} 秒 ${basis}；重叠 ${overlap} 秒`,
    matched: (pairs: number, spread: string) => `（${pairs} 个匹配报文的中位数，离散 ${spread} 秒）`,
    assumed: '（无匹配报文，按 0 计）',
    delivery: '送达',
    deliveryHead: ['方向', '发送', '送达', '丢失', '丢失帧号'],
    inCapture: (side: string) => `（${side}）`,
    outside: (n: number, dir: string) => `${dir} 有 ${n} 个报文在重叠之外发送（不判断）`,
    largest: (dir: string, n: number) => `${dir} 送达的最大数据报：${n} 字节（IP）`,
    rate: (host: string, side: string, peak: string, mean: string, median: string) => `${host} 的速率（${side}抓包）：1 秒峰值 ${peak}，平均 ${mean}，每秒速率中位数 ${median}`,
    runs: '丢包段',
    runsNote: '（其间一个也没送达；时间为发送端时钟）',
    runHead: ['方向', '类型', '开始', '秒', '报文数', '大小', '开始时速率', '帧号'],
    kinds: { size: '大小', blackhole: '黑洞', window: '时间窗', burst: '突发' } as Record<string, string>,
    secondsUnit: '秒',
  },
};

export function renderDiff(d: CaptureDiff, findings: readonly Finding[], c: Colors, lang: Lang = 'en'): string {
  const w = WORDS[lang];
  const lines = renderFindings(findings, c, false, lang);
  lines.push('', c.bold(w.captures));
  pushAll(
    lines,
    table(
      w.captureHead,
      [
        [w.sender, d.sender.file, d.sender.host ?? '?', d.sender.frames, iso(d.sender.first), iso(d.sender.last), d.sender.seconds.toFixed(1)],
        [w.receiver, d.receiver.file, d.receiver.host ?? '?', d.receiver.frames, iso(d.receiver.first), iso(d.receiver.last), d.receiver.seconds.toFixed(1)],
      ],
      c,
    ),
  );
  for (const [x, side] of [[d.sender, w.sender], [d.receiver, w.receiver]] as const) {
    if (x.error) lines.push(c.yellow(w.cut(side, x.error.offset, x.error.code, x.frames)));
  }
  lines.push(w.clock(d.clock.offset.toFixed(6), d.clock.basis === 'matched' ? w.matched(d.clock.pairs, d.clock.spread.toFixed(6)) : w.assumed, d.overlap.seconds.toFixed(1)));
  lines.push('', c.bold(w.delivery));
  const f = d.forward;
  const r = d.reverse;
  pushAll(
    lines,
    table(
      w.deliveryHead,
      [
        [`${f.from} -> ${f.to}`, f.sent, f.delivered, f.lost, f.lost ? formatFrames(f.lostFrames, 6) + w.inCapture(w.sender) : '-'],
        [`${r.from} -> ${r.to}`, r.sent, r.delivered, r.lost, r.lost ? formatFrames(r.lostFrames, 6) + w.inCapture(w.receiver) : '-'],
      ],
      c,
    ),
  );
  for (const [x, side] of [[f, w.sender], [r, w.receiver]] as const) {
    const dir = `${x.from} -> ${x.to}`;
    if (x.outsideOverlap) lines.push(c.dim(w.outside(x.outsideOverlap, dir)));
    if (x.maxDeliveredSize !== undefined) lines.push(w.largest(dir, x.maxDeliveredSize));
    lines.push(w.rate(x.from, side, formatRate(x.peakRate), formatRate(x.meanRate), formatRate(x.medianRate)));
  }
  const runs = [...f.runs.map((x) => ({ ...x, dir: `${f.from} -> ${f.to}`, capture: w.sender })), ...r.runs.map((x) => ({ ...x, dir: `${r.from} -> ${r.to}`, capture: w.receiver }))].filter((x) => x.kind !== 'burst');
  if (runs.length) {
    lines.push('', c.bold(w.runs) + w.runsNote);
    pushAll(
      lines,
      table(
        w.runHead,
        runs.slice(0, 10).map((x) => [x.dir, w.kinds[x.kind] ?? x.kind, `+${(x.start - (d.sender.first ?? 0)).toFixed(2)} ${w.secondsUnit}`, x.seconds.toFixed(2), x.packets, `${x.smallest}-${x.largest}`, formatRate(x.rateAtStart), `${x.firstFrame}-${x.lastFrame}${w.inCapture(x.capture)}`]),
        c,
      ),
    );
  }
  return lines.join('\n') + '\n';
}
