// The tracer's parsers on every fixture in test/fixtures/tracefs (see its SOURCES.md: per-version
// files derived from that kernel's source, the 6.18-live files copied from this machine's kernel).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PodpathError } from '../../util/errors.js';
import { DropAggregator } from './aggregate.js';
import {
  formatSymbol, kfreeSkbLayout, parseEventFormat, parseIptablesSave, parseIptablesTraceLine, parseKallsyms, parseLocation,
  parseNftTraceLine, parseTraceLine, parseTraceOptions, traceTarget, type KfreeSkbEvent, type LineContext, type TraceEvent,
} from './parse.js';

const FIX = join(import.meta.dirname, '../../../test/fixtures/tracefs');
const read = (p: string) => readFileSync(join(FIX, p), 'utf8');
const layoutOf = (dir: string) => kfreeSkbLayout(parseEventFormat(read(`${dir}/format`)));

function eventsOf(path: string, ctx: LineContext = {}): { events: TraceEvent[]; unparsed: string[] } {
  const events: TraceEvent[] = [];
  const unparsed: string[] = [];
  for (const line of read(path).split('\n')) {
    const r = parseTraceLine(line, ctx);
    if ('skip' in r) {
      if (r.skip !== 'comment') unparsed.push(line);
    } else events.push(r);
  }
  return { events, unparsed };
}
const drops = (events: TraceEvent[]) => events.filter((e): e is KfreeSkbEvent => e.event === 'kfree_skb');

/** Where each fixture trace's lines die, in order (SOURCES.md, "Where each fault is freed"). */
const ORDER = ['NO_SOCKET', 'NO_SOCKET', 'UDP_CSUM', 'NETFILTER_DROP', 'IP_RPFILTER', 'vxlan', 'tcp'];

describe('format files: field layout and the reason map, per kernel', () => {
  const cases: [string, { reason: boolean; rxSk: boolean; print: 'symbol' | 'pointer'; reasons: number; protocolOffset: number }][] = [
    ['3.10', { reason: false, rxSk: false, print: 'pointer', reasons: 0, protocolOffset: 24 }],
    ['4.19', { reason: false, rxSk: false, print: 'pointer', reasons: 0, protocolOffset: 24 }],
    ['5.4', { reason: false, rxSk: false, print: 'pointer', reasons: 0, protocolOffset: 24 }],
    ['5.17', { reason: true, rxSk: false, print: 'pointer', reasons: 7, protocolOffset: 24 }],
    ['5.19', { reason: true, rxSk: false, print: 'pointer', reasons: 65, protocolOffset: 24 }],
    ['6.1', { reason: true, rxSk: false, print: 'pointer', reasons: 65, protocolOffset: 24 }],
    ['6.8', { reason: true, rxSk: false, print: 'symbol', reasons: 86, protocolOffset: 24 }],
    ['6.18', { reason: true, rxSk: true, print: 'symbol', reasons: 126, protocolOffset: 32 }],
    ['6.18-live', { reason: true, rxSk: true, print: 'symbol', reasons: 128, protocolOffset: 32 }],
  ];
  for (const [dir, want] of cases) {
    it(`${dir}/format (${dir === '6.18-live' ? 'copied from this machine' : `derived from the ${dir} source`})`, () => {
      const f = parseEventFormat(read(`${dir}/format`));
      expect(f.name).toBe('kfree_skb');
      expect(f.common.map((c) => c.name)).toEqual(['common_type', 'common_flags', 'common_preempt_count', 'common_pid']);
      expect(f.fields.find((x) => x.name === 'protocol')).toMatchObject({ offset: want.protocolOffset, size: 2, signed: false });
      expect(f.fields.find((x) => x.name === 'skbaddr')).toMatchObject({ type: 'void *', offset: 8, size: 8 });
      const l = kfreeSkbLayout(f);
      expect({ reason: l.hasReason, rxSk: l.hasRxSk, print: l.locationPrint, reasons: l.reasons.size }).toEqual({
        reason: want.reason, rxSk: want.rxSk, print: want.print, reasons: want.reasons,
      });
    });
  }

  it('drop-reasons/*.tsv (derived per version) equal the maps read from the format files', () => {
    const pairs: [string, string][] = [['5.17', '5.17'], ['5.19', '5.19'], ['6.1', '6.1'], ['6.8', '6.8'], ['6.18', '6.18'], ['6.18.44-live', '6.18-live']];
    for (const [tsv, dir] of pairs) {
      const table = read(`drop-reasons/${tsv}.tsv`).trim().split('\n').map((l) => { const [n, name] = l.split('\t'); return [Number(n), name!] as [number, string]; });
      expect([...layoutOf(dir).reasons].sort((a, b) => a[0] - b[0]), tsv).toEqual(table.sort((a, b) => a[0] - b[0]));
    }
  });

  it('drop-reasons: the numbers move between versions (5.17, 5.19, 6.3 from drop-reasons/6.3.tsv, 6.18)', () => {
    const num = (tsv: string, name: string) => Number(read(`drop-reasons/${tsv}.tsv`).split('\n').find((l) => l.endsWith(`\t${name}`))?.split('\t')[0]);
    expect(['5.17', '5.19', '6.3', '6.18'].map((v) => num(v, 'NO_SOCKET'))).toEqual([1, 2, 3, 3]);
    expect(['5.17', '5.19', '6.3', '6.18'].map((v) => num(v, 'NOT_SPECIFIED'))).toEqual([0, 1, 2, 2]);
    expect(num('5.17', 'NETFILTER_DROP')).toBeNaN();
    expect(num('6.18', 'VXLAN_VNI_NOT_FOUND')).toBe(110);
  });

  it('6.18-live/netif_receive_skb.format and net_dev_queue.format (copied): dev name as __data_loc', () => {
    for (const f of ['netif_receive_skb.format', 'net_dev_queue.format']) {
      const fmt = parseEventFormat(read(`6.18-live/${f}`));
      expect(fmt.fields.map((x) => x.name)).toEqual(['skbaddr', 'len', 'name']);
      expect(fmt.fields[2]!.type).toBe('__data_loc char[]');
      expect(fmt.printFmt).toBe('dev=%s skbaddr=%p len=%u');
    }
  });

  it('6.18-live/header_page and header_event (copied, ring-buffer layout): not event formats, refused with a code', () => {
    for (const f of ['header_page', 'header_event']) {
      expect(() => parseEventFormat(read(`6.18-live/${f}`))).toThrow(PodpathError);
    }
  });

  it('6.18-live/instance-trace_options.txt (copied): a fresh instance hashes pointers', () => {
    const o = parseTraceOptions(read('6.18-live/instance-trace_options.txt'));
    expect(o.get('hash-ptr')).toBe(true);
    expect(o.get('fields')).toBe(false);
    expect(o.get('markers')).toBe(true);
    expect(o.size).toBe(32);
  });
});

describe('trace lines, per kernel', () => {
  it('3.10/trace.txt + 3.10/kallsyms.txt (derived): raw addresses resolve to the %pS text', () => {
    const { events, unparsed } = eventsOf('3.10/trace.txt');
    expect(unparsed).toEqual([]);
    const d = drops(events);
    expect(d).toHaveLength(8);
    expect(d[0]).toMatchObject({ comm: 'python', pid: 21877, cpu: 1, ts: 86124.331502, skbaddr: 'ffff88007c3e1d00', protocol: 2048, location: { form: 'address', address: 'ffffffff8155e5a8' } });
    expect(d[0]!.reason).toBeUndefined();
    expect(d[0]!.rxSk).toBeUndefined();
    expect(d[3]!.comm).toBe('ksoftirqd/0');
    const k = parseKallsyms(read('3.10/kallsyms.txt'));
    const names = d.map((e) => (e.location.form === 'address' ? formatSymbol(k.resolve(e.location.address)!) : ''));
    expect(names).toEqual([
      '__udp4_lib_rcv+0x4b8/0x990', '__udp4_lib_rcv+0x4b8/0x990', '__udp4_lib_rcv+0x2f3/0x990', 'nf_hook_slow+0xb7/0xf0',
      'ip_rcv_finish+0x1c4/0x450', 'vxlan_udp_encap_recv+0x1a9/0x3b0 [vxlan]', 'ip6_mc_input+0x9e/0x100', 'arp_process+0x2c1/0x6d0',
    ]);
    expect(d.map((e) => e.protocol)).toEqual([2048, 2048, 2048, 2048, 2048, 2048, 34525, 2054]);
  });

  it('centos7-3.10.0-1160/trace.txt + kallsyms.txt (derived, RHEL 7.9): the VXLAN drop resolves to vxlan_rcv', () => {
    const d = drops(eventsOf('centos7-3.10.0-1160/trace.txt').events);
    const k = parseKallsyms(read('centos7-3.10.0-1160/kallsyms.txt'));
    const v = d[5]!.location;
    expect(v.form).toBe('address');
    expect(formatSymbol(k.resolve(v.form === 'address' ? v.address : '')!)).toBe('vxlan_rcv+0x1a9/0x3b0 [vxlan]');
  });

  for (const dir of ['4.19', '5.4']) {
    it(`${dir}/trace.txt (derived): hashed locations, stable per place, no reason`, () => {
      const { events, unparsed } = eventsOf(`${dir}/trace.txt`);
      expect(unparsed).toEqual([]);
      const d = drops(events);
      expect(d).toHaveLength(8);
      expect(d.every((e) => e.location.form === 'hashed' && e.reason === undefined)).toBe(true);
      expect(d[0]!.location).toEqual({ form: 'hashed', id: '000000002e5a546b' });
      expect(d[0]!.location).toEqual(d[1]!.location);
      expect(d[0]!.location).not.toEqual(d[2]!.location);
    });
  }

  for (const dir of ['5.17', '5.19', '6.1']) {
    it(`${dir}/trace.txt and trace-hash-ptr-off.txt + kallsyms.txt (derived): hashed, then resolved once hash-ptr is off`, () => {
      const hashed = drops(eventsOf(`${dir}/trace.txt`).events);
      const raw = drops(eventsOf(`${dir}/trace-hash-ptr-off.txt`).events);
      expect(hashed).toHaveLength(7);
      expect(raw).toHaveLength(7);
      expect(hashed[6]!.comm).toBe('node (vitest 1)');
      expect(hashed.map((e) => e.reason)).toEqual(raw.map((e) => e.reason));
      const want = dir === '5.17'
        ? ['NO_SOCKET', 'NO_SOCKET', 'UDP_CSUM', 'NOT_SPECIFIED', 'NOT_SPECIFIED', 'NOT_SPECIFIED', 'NOT_SPECIFIED']
        : ['NO_SOCKET', 'NO_SOCKET', 'UDP_CSUM', 'NETFILTER_DROP', 'IP_RPFILTER', 'NOT_SPECIFIED', 'NOT_SPECIFIED'];
      expect(raw.map((e) => e.reason)).toEqual(want);
      const k = parseKallsyms(read(`${dir}/kallsyms.txt`));
      const sym = raw.map((e) => (e.location.form === 'address' ? k.resolve(e.location.address)?.symbol : undefined));
      expect(sym).toEqual(['__udp4_lib_rcv', '__udp4_lib_rcv', '__udp4_lib_rcv', 'nf_hook_slow', 'ip_rcv_finish_core', 'vxlan_rcv', 'tcp_v4_rcv']);
      // Every reason printed is in that kernel's own map.
      const names = new Set(layoutOf(dir).reasons.values());
      expect(raw.every((e) => names.has(e.reason!))).toBe(true);
    });
  }

  for (const dir of ['6.8', '6.18']) {
    it(`${dir}/trace.txt (derived): %pS symbols, a [module], and the 0x<address> of an unknown place`, () => {
      const { events, unparsed } = eventsOf(`${dir}/trace.txt`);
      expect(unparsed).toEqual([]);
      const d = drops(events);
      expect(d).toHaveLength(8);
      expect(d[0]!.location).toEqual({ form: 'symbol', symbol: '__udp4_lib_rcv', offset: 0x4b8, size: 0x990 });
      expect(d[3]!.location).toMatchObject({ symbol: 'nft_do_chain' });
      expect(d[5]!.location).toEqual({ form: 'symbol', symbol: 'vxlan_rcv', offset: 0x1a9, size: 0x3b0, module: 'vxlan' });
      expect(d[5]!.reason).toBe(dir === '6.8' ? 'NOT_SPECIFIED' : 'VXLAN_VNI_NOT_FOUND');
      expect(d[7]!.location).toEqual({ form: 'address', address: 'ffffffffc0b1e2f4' });
      expect(d.map((e) => e.rxSk)).toEqual(dir === '6.8' ? Array(8).fill(undefined) : Array(8).fill(null));
      expect(d.slice(0, 5).map((e) => e.reason)).toEqual(ORDER.slice(0, 5));
    });
  }

  it('parseLocation: every printed form', () => {
    expect(parseLocation('ip_rcv_finish_core.constprop.0+0x260/0x470')).toMatchObject({ symbol: 'ip_rcv_finish_core.constprop.0', offset: 0x260 });
    expect(parseLocation('__udp4_lib_rcv+0x4bc/0xd00 (-2113244564)')).toMatchObject({ symbol: '__udp4_lib_rcv', offset: 0x4bc, size: 0xd00 });
    expect(parseLocation('0xffffffffc0b1e2f4')).toEqual({ form: 'address', address: 'ffffffffc0b1e2f4' });
    expect(parseLocation('00000000d68fba50')).toEqual({ form: 'hashed', id: '00000000d68fba50' });
    expect(parseLocation('ffffffff81548ec7')).toEqual({ form: 'address', address: 'ffffffff81548ec7' });
    expect(parseLocation('not a place')).toBeUndefined();
  });

  it('a hostile line: 100k characters, or a near-match, is refused quickly', () => {
    expect(parseTraceLine(' '.repeat(100_000))).toEqual({ skip: 'too-long' });
    const evil = `${' '.repeat(60)}${'-1 '.repeat(1300)}`;
    expect('skip' in parseTraceLine(evil)).toBe(true);
    expect(parseTraceLine('  x-1 [000] ..s1. 1.000001: kfree_skb: skbaddr=zz protocol=2048 location=0x1')).toEqual({ skip: 'unparsed' });
  });
});

describe('6.18-live (copied from this machine: nine faults, with other processes\' drops left in)', () => {
  const live = layoutOf('6.18-live');
  const ctx = { reasons: live.reasons };

  it('trace.txt: every kfree_skb line of the scenarios parses, each reason is in the live map', () => {
    const { events, unparsed } = eventsOf('6.18-live/trace.txt', ctx);
    expect(unparsed).toEqual([]);
    const d = drops(events);
    expect(d).toHaveLength(80);
    const names = new Set(live.reasons.values());
    expect(d.every((e) => names.has(e.reason!))).toBe(true);
    const seen = new Set(d.map((e) => `${e.reason} ${e.location.form === 'symbol' ? e.location.symbol : ''}`));
    for (const want of ['NO_SOCKET __udp4_lib_rcv', 'UDP_CSUM __udp4_lib_rcv', 'UDP_CSUM udp_recvmsg', 'UDP_CSUM udp_queue_rcv_one_skb',
      'NETFILTER_DROP nft_do_chain', 'NETFILTER_DROP nf_hook_slow', 'IP_RPFILTER ip_rcv_finish_core', 'VXLAN_VNI_NOT_FOUND vxlan_rcv',
      'SOCKET_RCVBUFF udp_queue_rcv_one_skb', 'QUEUE_PURGE sk_stream_kill_queues']) {
      expect(seen.has(want), want).toBe(true);
    }
  });

  it('kallsyms-excerpt.txt: resolving each symbol\'s start + offset gives the size the trace printed', () => {
    const k = parseKallsyms(read('6.18-live/kallsyms-excerpt.txt'));
    const starts = new Map(read('6.18-live/kallsyms-excerpt.txt').trim().split('\n').map((l) => { const [a, , n] = l.split(' '); return [n!, BigInt(`0x${a}`)] as const; }));
    const d = drops(eventsOf('6.18-live/trace.txt', ctx).events);
    let checked = 0;
    for (const e of d) {
      if (e.location.form !== 'symbol') continue;
      const start = starts.get(e.location.symbol);
      expect(start, e.location.symbol).toBeDefined();
      const r = k.resolve(start! + BigInt(e.location.offset))!;
      expect(formatSymbol(r)).toBe(formatSymbol(e.location));
      checked++;
    }
    expect(checked).toBe(80);
    // The `fields` option printed this location as (-2113244564): the low 32 bits of the address.
    expect(formatSymbol(k.resolve((0xffffffff00000000n | BigInt(-2113244564 >>> 0)))!)).toBe('__udp4_lib_rcv+0x4bc/0xd00');
  });

  it('kallsyms with every address zero (kptr_restrict): hidden, nothing resolves', () => {
    const hidden = read('6.18-live/kallsyms-excerpt.txt').replace(/^[0-9a-f]{16}/gm, '0000000000000000');
    const k = parseKallsyms(hidden);
    expect(k.hidden).toBe(true);
    expect(k.resolve('ffffffff820a726c')).toBeUndefined();
  });

  it('no-socket-fields.trace.txt: the `fields` form, reason number named through the live map, UNKNOWN TYPE lines counted', () => {
    const { events, unparsed } = eventsOf('6.18-live/no-socket-fields.trace.txt', ctx);
    expect(unparsed).toHaveLength(2);
    expect(unparsed.every((l) => l.includes('UNKNOWN TYPE 5'))).toBe(true);
    const d = drops(events);
    expect(d).toHaveLength(3);
    expect(d[0]).toMatchObject({ skbaddr: 'ffff888104ec2300', protocol: 2048, rxSk: null, reasonCode: 3, reason: 'NO_SOCKET', location: { symbol: '__udp4_lib_rcv', offset: 0x4bc } });
    const rx = events.filter((e) => e.event === 'netif_receive_skb');
    expect(rx[0]).toMatchObject({ dev: 'ppfxr0', skbaddr: 'ffff888104ec2300', len: 46 });
  });

  it('no-socket-hash-ptr-off.trace.txt: skbaddr printed as an address, location still a symbol', () => {
    const d = drops(eventsOf('6.18-live/no-socket-hash-ptr-off.trace.txt', ctx).events);
    expect(d[0]!.skbaddr).toBe('ffff88814c126f00');
    expect(d.map((e) => e.reason)).toEqual(['NO_SOCKET', 'NO_SOCKET', 'NO_SOCKET', 'VXLAN_VNI_NOT_FOUND']);
  });

  /** Each scenario file: its drops, as the aggregator counts them with device attribution. */
  const scenario = (file: string) => {
    const { events, unparsed } = eventsOf(`6.18-live/${file}`, ctx);
    expect(unparsed).toEqual([]);
    const agg = new DropAggregator({ tag: 'podpath-test', devices: true });
    agg.begin('main', events[0]!.ts);
    for (const e of events) agg.push(e);
    return agg.windowsOut()[0]!;
  };
  const row = (w: ReturnType<typeof scenario>, reason: string) => w.drops.find((d) => d.reason === reason)!;

  it('no-socket.trace.txt: 3 NO_SOCKET at __udp4_lib_rcv+0x4bc, each joined to ppfxb0 (the receiver)', () => {
    const w = scenario('no-socket.trace.txt');
    expect(row(w, 'NO_SOCKET')).toMatchObject({ location: '__udp4_lib_rcv+0x4bc/0xd00', locationForm: 'symbol', symbol: '__udp4_lib_rcv', total: 3, devices: [{ device: 'ppfxb0', count: 3 }], unattributed: 0, withSocket: 0 });
  });

  it('no-socket.trace_pipe.txt (trace_pipe, no header): 5 NO_SOCKET; the node process\'s drops have no receive to join', () => {
    const w = scenario('no-socket.trace_pipe.txt');
    expect(row(w, 'NO_SOCKET')).toMatchObject({ total: 5, devices: [{ device: 'ppfxb0', count: 2 }], unattributed: 3 });
    expect(row(w, 'QUEUE_PURGE').total).toBe(2);
  });

  it('udp-csum.trace.txt + udp-csum.nstat.txt: 3 UDP_CSUM = UdpInCsumErrors 3', () => {
    const w = scenario('udp-csum.trace.txt');
    expect(row(w, 'UDP_CSUM')).toMatchObject({ location: '__udp4_lib_rcv+0x1eb/0xd00', total: nstat('udp-csum.nstat.txt', 'UdpInCsumErrors') });
  });

  it('udp-csum-large.trace.txt: UDP_CSUM in udp_recvmsg (process context), still joined to ppfxb0 on the same CPU', () => {
    const w = scenario('udp-csum-large.trace.txt');
    expect(row(w, 'UDP_CSUM')).toMatchObject({ symbol: 'udp_recvmsg', total: 3, devices: [{ device: 'ppfxb0', count: 3 }] });
  });

  it('vxlan-udp-csum.trace.txt: UDP_CSUM at udp_queue_rcv_one_skb with rx_sk set (the VXLAN socket)', () => {
    const w = scenario('vxlan-udp-csum.trace.txt');
    expect(row(w, 'UDP_CSUM')).toMatchObject({ symbol: 'udp_queue_rcv_one_skb', offset: 0x153, total: 6, withSocket: 6, devices: [{ device: 'ppfxb0', count: 6 }] });
  });

  it('netfilter-drop-rule.trace.txt and -policy: NETFILTER_DROP in nft_do_chain, the offset tells rule (+0x46f) from policy (+0x637); at the router', () => {
    const rule = scenario('netfilter-drop-rule.trace.txt');
    expect(row(rule, 'NETFILTER_DROP')).toMatchObject({ location: 'nft_do_chain+0x46f/0x690', total: 2, devices: [{ device: 'ppfxr0', count: 2 }] });
    expect(row(rule, 'NO_SOCKET')).toMatchObject({ total: 3, unattributed: 3 });
    const policy = scenario('netfilter-drop-policy.trace.txt');
    expect(row(policy, 'NETFILTER_DROP')).toMatchObject({ location: 'nft_do_chain+0x637/0x690', total: 2 });
  });

  it('iptables-legacy-drop.trace.txt: NETFILTER_DROP at nf_hook_slow, at the router', () => {
    const w = scenario('iptables-legacy-drop.trace.txt');
    expect(row(w, 'NETFILTER_DROP')).toMatchObject({ location: 'nf_hook_slow+0x7d/0x110', total: 1, devices: [{ device: 'ppfxr0', count: 1 }] });
  });

  it('rp-filter.trace.txt + rp-filter.nstat.txt: 2 IP_RPFILTER = TcpExtIPReversePathFilter 2, at the router', () => {
    const w = scenario('rp-filter.trace.txt');
    expect(row(w, 'IP_RPFILTER')).toMatchObject({ location: 'ip_rcv_finish_core+0x260/0x470', total: nstat('rp-filter.nstat.txt', 'TcpExtIPReversePathFilter'), devices: [{ device: 'ppfxr0', count: 2 }] });
  });

  it('socket-rcvbuff.trace.txt + socket-rcvbuff.nstat.txt: 38 SOCKET_RCVBUFF = UdpRcvbufErrors 38, per second', () => {
    const w = scenario('socket-rcvbuff.trace.txt');
    const r = row(w, 'SOCKET_RCVBUFF');
    expect(r.total).toBe(nstat('socket-rcvbuff.nstat.txt', 'UdpRcvbufErrors'));
    expect(r.perSecond.reduce((a, b) => a + b, 0)).toBe(38);
    expect(r.withSocket).toBe(38);
  });

  it('vxlan-no-socket.trace.txt and vxlan-wrong-vni.trace.txt: NO_SOCKET without a VXLAN device; VXLAN_VNI_NOT_FOUND with the wrong VNI', () => {
    expect(row(scenario('vxlan-no-socket.trace.txt'), 'NO_SOCKET').total).toBe(7);
    expect(row(scenario('vxlan-wrong-vni.trace.txt'), 'VXLAN_VNI_NOT_FOUND')).toMatchObject({ location: 'vxlan_rcv+0x8c/0xc50', total: 2, devices: [{ device: 'ppfxb0', count: 2 }] });
  });

  it('every 6.18-live scenario file is covered above', () => {
    const files = readdirSync(join(FIX, '6.18-live')).filter((f) => f.endsWith('.trace.txt'));
    expect(files.sort()).toEqual([
      'iptables-legacy-drop.trace.txt', 'netfilter-drop-policy.trace.txt', 'netfilter-drop-rule.trace.txt', 'no-socket-fields.trace.txt',
      'no-socket-hash-ptr-off.trace.txt', 'no-socket.trace.txt', 'rp-filter.trace.txt', 'socket-rcvbuff.trace.txt', 'udp-csum-large.trace.txt',
      'udp-csum.trace.txt', 'vxlan-no-socket.trace.txt', 'vxlan-udp-csum.trace.txt', 'vxlan-wrong-vni.trace.txt',
    ]);
  });

  it('udp-csum-large+vxlan-udp-csum.nstat.txt: the two scenarios\' UDP_CSUM drops and UdpInCsumErrors agree within one', () => {
    const traced = row(scenario('udp-csum-large.trace.txt'), 'UDP_CSUM').total + row(scenario('vxlan-udp-csum.trace.txt'), 'UDP_CSUM').total;
    expect(Math.abs(nstat('udp-csum-large+vxlan-udp-csum.nstat.txt', 'UdpInCsumErrors') - traced)).toBeLessThanOrEqual(1);
  });
});

function nstat(file: string, name: string): number {
  const line = read(`6.18-live/${file}`).split('\n').find((l) => l.split(/\s+/)[0] === name);
  return Number(line!.split(/\s+/)[1]);
}

describe('nft monitor trace (nft-trace/, copied: nftables 1.0.6 on 6.18.44)', () => {
  it('rule-drop.txt + rule-drop.ruleset.txt: the packet\'s last line is the forward rule\'s drop', () => {
    const lines = read('nft-trace/rule-drop.txt').split('\n').map(parseNftTraceLine).filter((x) => x !== undefined);
    expect(lines).toHaveLength(10);
    expect(lines[0]).toMatchObject({ id: 'a5764fd8', family: 'inet', table: 'ppfx_fwd', chain: 'pp_pre', kind: 'packet', packet: { iif: 'ppfxr0', saddr: '10.231.1.2', daddr: '10.231.2.2', protocol: 'udp', sport: 39388, dport: 33335 } });
    expect(lines[1]).toMatchObject({ kind: 'rule', rule: 'udp dport 33335 meta nftrace set 1', verdict: 'continue' });
    expect(lines[4]).toEqual({ id: 'a5764fd8', family: 'inet', table: 'ppfx_fwd', chain: 'pp_forward', kind: 'rule', rule: 'udp dport 33335 counter packets 0 bytes 0 drop', verdict: 'drop' });
    // The ruleset names the rule's handle.
    expect(read('nft-trace/rule-drop.ruleset.txt')).toContain('udp dport 33335 counter packets 0 bytes 0 drop # handle 4');
  });

  it('policy-drop.txt + policy-drop.ruleset.txt: the forward chain\'s policy drops', () => {
    const lines = read('nft-trace/policy-drop.txt').split('\n').map(parseNftTraceLine).filter((x) => x !== undefined);
    expect(lines[4]).toMatchObject({ table: 'ppfx_pol', chain: 'pp_forward', kind: 'policy', verdict: 'drop' });
    expect(lines[4]!.packet).toBeUndefined();
    expect(read('nft-trace/policy-drop.ruleset.txt')).toContain('policy drop;');
  });

  it('monitor-handles.txt (`nft -a monitor`, copied): `# handle N`, `unknown rule handle N`, and ruleset events that are not traces', () => {
    const text = read('nft-trace/monitor-handles.txt');
    const lines = text.split('\n').map(parseNftTraceLine);
    expect(lines.filter((l) => l === undefined).length).toBeGreaterThan(0);
    const t = lines.filter((l) => l !== undefined);
    expect(t.find((l) => l.kind === 'rule' && l.table === 'fw')).toEqual({ id: '3b43d80e', family: 'inet', table: 'fw', chain: 'f', kind: 'rule', rule: 'udp dport 33335 counter packets 0 bytes 0 drop', handle: 3, verdict: 'drop' });
    expect(t.find((l) => l.kind === 'rule' && l.table.startsWith('podpath_trace_'))).toMatchObject({ handle: 4, verdict: 'continue' });
    expect(t.find((l) => l.kind === 'rule' && l.table.startsWith('podpath_trace_'))!.rule).toBeUndefined();
    expect(t.at(-1)).toMatchObject({ table: 'fw', chain: 'g', kind: 'policy', verdict: 'drop' });
  });
});

describe('iptables-legacy TRACE (iptables-trace/, copied: iptables-legacy 1.8.9 on 6.18.44)', () => {
  it('kern.log + ruleset.txt: raw PREROUTING policy, then filter FORWARD rule 1, which is the DROP', () => {
    const lines = read('iptables-trace/kern.log').split('\n').map(parseIptablesTraceLine).filter((x) => x !== undefined);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toEqual({ ts: 3038.990723, table: 'raw', chain: 'PREROUTING', type: 'policy', rulenum: 2, in: 'ppfxr0', out: '', src: '10.231.1.2', dst: '10.231.2.2', proto: 'UDP', spt: 42129, dpt: 33338, ipId: 64987 });
    expect(lines[1]).toMatchObject({ table: 'filter', chain: 'FORWARD', type: 'rule', rulenum: 1, out: 'ppfxr1' });
    const rs = parseIptablesSave(read('iptables-trace/ruleset.txt'));
    expect(traceTarget(rs, lines[1]!)).toEqual({ rule: '-A FORWARD -p udp -m udp --dport 33338 -j DROP', verdict: 'drop' });
    expect(traceTarget(rs, lines[0]!)).toEqual({ verdict: 'accept' });
  });

  it('the same line as /dev/kmsg and syslog print it', () => {
    const body = 'TRACE: filter:FORWARD:rule:1 IN=ppfxr0 OUT=ppfxr1 SRC=10.231.1.2 DST=10.231.2.2 LEN=46 PROTO=UDP SPT=42129 DPT=33338 LEN=26';
    expect(parseIptablesTraceLine(`4,1160,3038990745,-;${body}`)).toMatchObject({ ts: 3038.990745, rulenum: 1 });
    expect(parseIptablesTraceLine(`Dec  3 10:27:43 host kernel: [ 3038.990745] ${body}`)).toMatchObject({ ts: 3038.990745, chain: 'FORWARD' });
    expect(parseIptablesTraceLine('TRACE: nonsense')).toBeUndefined();
  });
});
