// The aggregator on lines as trace_pipe prints them (6.18-live shapes), built here to vary one thing at a time.
import { describe, expect, it } from 'vitest';
import { LIMITS } from '../../util/limits.js';
import { DropAggregator, markerText } from './aggregate.js';
import { parseKallsyms } from './kallsyms.js';
import { parseTraceLine, type TraceEvent } from './trace-line.js';

const TAG = 'podpath-42';
const head = (cpu: number, ts: number) => `         python3-29479   [00${cpu}] ..s1.  ${ts.toFixed(6)}: `;
const marker = (ts: number, text: string) => `            bash-26931   [000] ...1.  ${ts.toFixed(6)}: tracing_mark_write: ${text}`;
const drop = (cpu: number, ts: number, skb: string, loc = '__udp4_lib_rcv+0x4bc/0xd00', reason = 'NO_SOCKET') =>
  `${head(cpu, ts)}kfree_skb: skbaddr=${skb} rx_sk=0000000000000000 protocol=2048 location=${loc} reason: ${reason}`;
const recv = (cpu: number, ts: number, skb: string, dev: string) => `${head(cpu, ts)}netif_receive_skb: dev=${dev} skbaddr=${skb} len=46`;

function run(lines: string[], devices = true, resolver?: ReturnType<typeof parseKallsyms>) {
  const agg = new DropAggregator({ tag: TAG, devices, resolver });
  for (const l of lines) {
    const r = parseTraceLine(l);
    if (!('skip' in r)) agg.push(r as TraceEvent);
  }
  return agg.windowsOut(1e9);
}

describe('DropAggregator', () => {
  it('windows are cut by this run\'s markers on the trace clock; other markers and events outside are ignored', () => {
    const w = run([
      drop(0, 99.5, '00000000000000a1'),
      marker(100, markerText(TAG, 'begin', 'baseline')),
      drop(0, 100.2, '00000000000000a2'),
      marker(101, markerText('podpath-7', 'begin', 'main')),
      marker(102, markerText(TAG, 'begin', 'main')),
      drop(0, 102.1, '00000000000000a3'),
      drop(1, 104.9, '00000000000000a4'),
      drop(1, 104.95, '00000000000000a5', 'nft_do_chain+0x46f/0x690', 'NETFILTER_DROP'),
      marker(105, markerText(TAG, 'end', 'main')),
      drop(0, 105.5, '00000000000000a6'),
    ], false);
    expect(w.map((x) => [x.label, x.seconds, x.events])).toEqual([['baseline', 2, 1], ['main', 3, 3]]);
    expect(w[1]!.drops[0]).toMatchObject({ reason: 'NO_SOCKET', total: 2, perSecond: [1, 0, 1], firstAt: 0.1, lastAt: 2.9 });
    expect(w[1]!.drops[0]!.devices).toEqual([]);
    expect(w[1]!.drops[1]).toMatchObject({ reason: 'NETFILTER_DROP', location: 'nft_do_chain+0x46f/0x690', total: 1 });
  });

  it('a drop joins the nearest earlier receive of the same skb on the same CPU, once, within a second', () => {
    const w = run([
      marker(10, markerText(TAG, 'begin', 'main')),
      recv(0, 10.1, '00000000000000b1', 'pptrr0'),
      recv(0, 10.2, '00000000000000b1', 'pptrb0'),
      drop(0, 10.3, '00000000000000b1'),
      // the same address again (skb reused): no new receive, no device
      drop(0, 10.4, '00000000000000b1'),
      // received on CPU 1, dropped on CPU 0: not joined
      recv(1, 10.5, '00000000000000b2', 'pptrb0'),
      drop(0, 10.6, '00000000000000b2'),
      // a receive older than a second: not joined
      recv(0, 10.7, '00000000000000b3', 'pptrb0'),
      drop(0, 12.0, '00000000000000b3'),
    ]);
    expect(w[0]!.drops[0]).toMatchObject({ total: 4, devices: [{ device: 'pptrb0', count: 1 }], unattributed: 3 });
  });

  it('raw addresses resolve through kallsyms (3.10 shape); hashed ones are kept apart by id', () => {
    const k = parseKallsyms('ffffffff8155e0f0 T __udp4_lib_rcv\nffffffff8155ea80 T udp_v4_early_demux\n');
    const old = (ts: number, loc: string) => `          python-21877 [001] ..s. ${ts.toFixed(6)}: kfree_skb: skbaddr=ffff88007c3e1d00 protocol=2048 location=${loc}`;
    const w = run([marker(1, markerText(TAG, 'begin', 'main')), old(1.1, 'ffffffff8155e5a8'), old(1.2, '000000002e5a546b'), old(1.3, 'ffffffffa0000000')], false, k);
    expect(w[0]!.drops.sort((a, b) => a.locationForm.localeCompare(b.locationForm)).map((d) => [d.location, d.locationForm, d.symbol, d.reason])).toEqual([
      ['0xffffffffa0000000', 'address', undefined, undefined],
      ['hashed:000000002e5a546b', 'hashed', undefined, undefined],
      ['__udp4_lib_rcv+0x4b8/0x990', 'resolved', '__udp4_lib_rcv', undefined],
    ]);
  });

  it('beyond LIMITS.traceKeys distinct places, drops are counted together as "other"', () => {
    const lines = [marker(1, markerText(TAG, 'begin', 'main'))];
    for (let i = 0; i < LIMITS.traceKeys.value + 10; i++) lines.push(drop(0, 1.5, '00000000000000c1', `f${i}+0x1/0x10`));
    const w = run(lines, false)[0]!;
    expect(w.drops).toHaveLength(LIMITS.traceKeys.value);
    expect(w.other).toEqual({ total: 10, keys: 10 });
    expect(w.events).toBe(LIMITS.traceKeys.value + 10);
  });
});
