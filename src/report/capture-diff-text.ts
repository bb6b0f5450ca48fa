// Human output of `pcap diff`: findings first (from the capture rules, in the run's language),
// then the numbers behind them.
import { formatFrames, header, renderFindings, table, type Colors } from './capture-text.js';
import type { Finding, Lang } from '../engine/types.js';
import type { CaptureDiff } from '../evidence/capture-diff.js';
import { formatRate } from '../util/units.js';
import { pushAll } from '../util/arrays.js';
import { t, type Localized, type MessageData } from '../util/i18n.js';

const iso = (t: number | undefined) => (t === undefined ? '-' : new Date(t * 1000).toISOString());

/** The words of `pcap diff`'s human output; `{name}` is filled from measured numbers. */
export const CAPTURE_DIFF_TEXTS = {
  captures: { en: 'Captures', zh: '抓包' },
  cut: { en: "the {side}'s capture was cut short at byte {offset} ({code}): only its first {frames} frames are compared", zh: '{side}的抓包在第 {offset} 字节处中断（{code}）：只比较了前 {frames} 帧' },
  colSide: { en: 'side', zh: '端' },
  colFile: { en: 'file', zh: '文件' },
  colHost: { en: 'host', zh: '主机' },
  colFrames: { en: 'frames', zh: '帧数' },
  colFirst: { en: 'first', zh: '开始' },
  colLast: { en: 'last', zh: '结束' },
  colSeconds: { en: 'seconds', zh: '秒' },
  sender: { en: 'sender', zh: '发送端' },
  receiver: { en: 'receiver', zh: '接收端' },
  clock: { en: 'clock offset (receiver - sender, incl. one-way delay): {offset} s {basis}; overlap {overlap} s', zh: '时钟差（接收端 - 发送端，含单向时延）：{offset} 秒 {basis}；重叠 {overlap} 秒' },
  matched: { en: '(median of {pairs} matched packets, spread {spread} s)', zh: '（{pairs} 个匹配报文的中位数，离散 {spread} 秒）' },
  assumed: { en: '(assumed: nothing matched)', zh: '（无匹配报文，按 0 计）' },
  delivery: { en: 'Delivery', zh: '送达' },
  colDirection: { en: 'direction', zh: '方向' },
  colSent: { en: 'sent', zh: '发送' },
  colDelivered: { en: 'delivered', zh: '送达' },
  colLost: { en: 'lost', zh: '丢失' },
  colLostFrames: { en: 'lost frames', zh: '丢失帧号' },
  inCapture: { en: ' ({side})', zh: '（{side}）' },
  outside: { en: '{n} packets {dir} were sent outside the overlap (not judged)', zh: '{dir} 有 {n} 个报文在重叠之外发送（不判断）' },
  largest: { en: 'largest datagram delivered {dir}: {n} bytes (IP)', zh: '{dir} 送达的最大数据报：{n} 字节（IP）' },
  rate: { en: "{host} rate ({side}'s capture): peak {peak} over 1 s, average {mean}, median of 1 s bins {median}", zh: '{host} 的速率（{side}抓包）：1 秒峰值 {peak}，平均 {mean}，每秒速率中位数 {median}' },
  runs: { en: 'Loss runs', zh: '丢包段' },
  runsNote: { en: " (nothing delivered in between; times on the sender's clock)", zh: '（其间一个也没送达；时间为发送端时钟）' },
  colKind: { en: 'kind', zh: '类型' },
  colStart: { en: 'start', zh: '开始' },
  colPackets: { en: 'packets', zh: '报文数' },
  colSizes: { en: 'sizes', zh: '大小' },
  colRateAtStart: { en: 'rate at start', zh: '开始时速率' },
  colRunFrames: { en: 'frames', zh: '帧号' },
  runStart: { en: '+{start} s', zh: '+{start} 秒' },
} satisfies Record<string, Localized>;

/** A loss run's kind as the loss-runs table names it (a kind not listed shows as is). */
export const LOSS_RUN_KIND_NAMES: Record<string, Localized> = {
  size: { en: 'size', zh: '大小' },
  blackhole: { en: 'blackhole', zh: '黑洞' },
  window: { en: 'window', zh: '时间窗' },
  burst: { en: 'burst', zh: '突发' },
};

type DiffTextKey = keyof typeof CAPTURE_DIFF_TEXTS;

const CAPTURE_COLUMNS: readonly DiffTextKey[] = ['colSide', 'colFile', 'colHost', 'colFrames', 'colFirst', 'colLast', 'colSeconds'];
const DELIVERY_COLUMNS: readonly DiffTextKey[] = ['colDirection', 'colSent', 'colDelivered', 'colLost', 'colLostFrames'];
const RUN_COLUMNS: readonly DiffTextKey[] = ['colDirection', 'colKind', 'colStart', 'colSeconds', 'colPackets', 'colSizes', 'colRateAtStart', 'colRunFrames'];

function kindName(kind: string, lang: Lang): string {
  const name = LOSS_RUN_KIND_NAMES[kind];
  return name ? t(name, lang) : kind;
}

export function renderDiff(d: CaptureDiff, findings: readonly Finding[], c: Colors, lang: Lang = 'en'): string {
  const say = (key: DiffTextKey, data?: MessageData) => t(CAPTURE_DIFF_TEXTS[key], lang, data);
  const sender = say('sender');
  const receiver = say('receiver');
  const lines = renderFindings(findings, c, false, lang);
  lines.push('', c.bold(say('captures')));
  pushAll(
    lines,
    table(
      header(CAPTURE_DIFF_TEXTS, CAPTURE_COLUMNS, lang),
      [
        [sender, d.sender.file, d.sender.host ?? '?', d.sender.frames, iso(d.sender.first), iso(d.sender.last), d.sender.seconds.toFixed(1)],
        [receiver, d.receiver.file, d.receiver.host ?? '?', d.receiver.frames, iso(d.receiver.first), iso(d.receiver.last), d.receiver.seconds.toFixed(1)],
      ],
      c,
    ),
  );
  for (const [x, side] of [[d.sender, sender], [d.receiver, receiver]] as const) {
    if (x.error) lines.push(c.yellow(say('cut', { side, offset: x.error.offset, code: x.error.code, frames: x.frames })));
  }
  const basis = d.clock.basis === 'matched' ? say('matched', { pairs: d.clock.pairs, spread: d.clock.spread.toFixed(6) }) : say('assumed');
  lines.push(say('clock', { offset: d.clock.offset.toFixed(6), basis, overlap: d.overlap.seconds.toFixed(1) }));
  lines.push('', c.bold(say('delivery')));
  const f = d.forward;
  const r = d.reverse;
  pushAll(
    lines,
    table(
      header(CAPTURE_DIFF_TEXTS, DELIVERY_COLUMNS, lang),
      [
        [`${f.from} -> ${f.to}`, f.sent, f.delivered, f.lost, f.lost ? formatFrames(f.lostFrames, 6) + say('inCapture', { side: sender }) : '-'],
        [`${r.from} -> ${r.to}`, r.sent, r.delivered, r.lost, r.lost ? formatFrames(r.lostFrames, 6) + say('inCapture', { side: receiver }) : '-'],
      ],
      c,
    ),
  );
  for (const [x, side] of [[f, sender], [r, receiver]] as const) {
    const dir = `${x.from} -> ${x.to}`;
    if (x.outsideOverlap) lines.push(c.dim(say('outside', { n: x.outsideOverlap, dir })));
    if (x.maxDeliveredSize !== undefined) lines.push(say('largest', { dir, n: x.maxDeliveredSize }));
    lines.push(say('rate', { host: x.from, side, peak: formatRate(x.peakRate), mean: formatRate(x.meanRate), median: formatRate(x.medianRate) }));
  }
  const runs = [...f.runs.map((x) => ({ ...x, dir: `${f.from} -> ${f.to}`, capture: sender })), ...r.runs.map((x) => ({ ...x, dir: `${r.from} -> ${r.to}`, capture: receiver }))].filter((x) => x.kind !== 'burst');
  if (runs.length) {
    lines.push('', c.bold(say('runs')) + say('runsNote'));
    pushAll(
      lines,
      table(
        header(CAPTURE_DIFF_TEXTS, RUN_COLUMNS, lang),
        runs.slice(0, 10).map((x) => [x.dir, kindName(x.kind, lang), say('runStart', { start: (x.start - (d.sender.first ?? 0)).toFixed(2) }), x.seconds.toFixed(2), x.packets, `${x.smallest}-${x.largest}`, formatRate(x.rateAtStart), `${x.firstFrame}-${x.lastFrame}${say('inCapture', { side: x.capture })}`]),
        c,
      ),
    );
  }
  return lines.join('\n') + '\n';
}
