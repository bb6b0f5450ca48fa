// Trace events -> drop windows: counts per reason and location, per second, with the device each
// dropped packet last entered. Pure: the reader feeds parsed events in the order trace_pipe gives
// them, the windows are cut by podpath's own trace_marker lines (so they are measured on the
// trace clock, not on when the reader happened to wake up).
import { maxOf } from '../../util/arrays.js';
import type { DeviceCount, DropRow, DropWindow } from '../../evidence/drop-trace.js';
import { LIMITS } from '../../util/limits.js';
import { formatSymbol, type KallsymsResolver } from './kallsyms.js';
import type { KfreeSkbEvent, Location, TraceEvent } from './trace-line.js';

export type WindowLabel = 'baseline' | 'main';

/** The text podpath writes to trace_marker at each window's edge. */
export function markerText(tag: string, edge: 'begin' | 'end', label: WindowLabel): string {
  return `${tag} ${edge} ${label}`;
}

/** A receive older than this (trace clock) is not joined to a drop: the skb was surely reused. */
const JOIN_WINDOW_S = 1;
const MAX_DEVICES_PER_ROW = 64;

interface Row {
  reason?: string;
  reasonCode?: number;
  location: string;
  locationForm: DropRow['locationForm'];
  symbol?: string;
  offset?: number;
  module?: string;
  total: number;
  perSecond: number[];
  first: number;
  last: number;
  devices: Map<string, number>;
  unattributed: number;
  withSocket: number;
  sawRxSk: boolean;
}

interface OpenWindow {
  label: WindowLabel;
  start: number;
  end?: number;
  events: number;
  rows: Map<string, Row>;
  other: { total: number; keys: Set<string> };
}

export interface AggregatorOptions {
  /** The marker tag of this run (`podpath-<pid>`): markers of anyone else are ignored. */
  tag: string;
  resolver?: KallsymsResolver;
  /** Join drops to net:netif_receive_skb lines (only when that event was enabled). */
  devices: boolean;
  /** The netns inode of a device name, when known. */
  netnsOf?: (device: string) => number | undefined;
}

export class DropAggregator {
  private readonly windows: OpenWindow[] = [];
  private readonly lastReceive = new Map<number, Map<string, { dev: string; ts: number }>>();
  private readonly forms = new Set<'symbol' | 'address' | 'hashed'>();
  private readonly resolved = new Map<string, { text: string; symbol?: string; offset?: number; module?: string } | null>();
  kfreeEvents = 0;

  constructor(private readonly opts: AggregatorOptions) {}

  push(ev: TraceEvent): void {
    if (ev.event === 'marker') this.onMarker(ev.text.trim(), ev.ts);
    else if (ev.event === 'netif_receive_skb') this.onReceive(ev.cpu, ev.skbaddr, ev.dev, ev.ts);
    else if (ev.event === 'kfree_skb') this.onDrop(ev);
  }

  /** The windows seen so far, a window without its end marker cut at `endTs` (or its last event). */
  windowsOut(endTs?: number): (Omit<DropWindow, 'startedAt'> & { traceStart: number })[] {
    return this.windows.map((w) => {
      const end = w.end ?? endTs ?? Math.max(w.start, maxOf([...w.rows.values()].map((r) => w.start + r.last)));
      const seconds = Math.max(0, end - w.start);
      const drops = [...w.rows.values()].map((r) => this.rowOut(r, seconds)).sort((a, b) => b.total - a.total || a.location.localeCompare(b.location));
      return {
        label: w.label,
        traceStart: w.start,
        seconds: round6(seconds),
        events: w.events,
        drops,
        ...(w.other.total > 0 ? { other: { total: w.other.total, keys: w.other.keys.size } } : {}),
      };
    });
  }

  get locationsSeen(): ('symbol' | 'address' | 'hashed')[] {
    return [...this.forms].sort();
  }

  private onMarker(text: string, ts: number): void {
    const m = /^(\S+) (begin|end) (baseline|main)$/.exec(text);
    if (!m || m[1] !== this.opts.tag) return;
    if (m[2] === 'begin') this.begin(m[3] as WindowLabel, ts);
    else this.end(m[3] as WindowLabel, ts);
  }

  /** Opens a window at trace time `ts` (closing any open one); markers do this in a live run. */
  begin(label: WindowLabel, ts: number): void {
    for (const w of this.windows) if (w.end === undefined) w.end = ts;
    this.windows.push({ label, start: ts, events: 0, rows: new Map(), other: { total: 0, keys: new Set() } });
  }

  end(label: WindowLabel, ts: number): void {
    const w = this.windows.find((x) => x.label === label && x.end === undefined);
    if (w) w.end = ts;
  }

  /** True once the window's end marker was read: everything before it has been read too. */
  ended(label: WindowLabel): boolean {
    return this.windows.some((w) => w.label === label && w.end !== undefined);
  }

  private onReceive(cpu: number, skbaddr: string, dev: string, ts: number): void {
    if (!this.opts.devices) return;
    let m = this.lastReceive.get(cpu);
    if (!m) {
      m = new Map();
      this.lastReceive.set(cpu, m);
    }
    m.delete(skbaddr);
    m.set(skbaddr, { dev, ts });
    if (m.size > LIMITS.traceJoin.value) m.delete(m.keys().next().value as string);
  }

  private windowAt(ts: number): OpenWindow | undefined {
    for (let i = this.windows.length - 1; i >= 0; i--) {
      const w = this.windows[i]!;
      if (ts >= w.start && (w.end === undefined || ts < w.end)) return w;
    }
    return undefined;
  }

  private onDrop(ev: KfreeSkbEvent): void {
    this.kfreeEvents++;
    // The receive that brought this skb in, on this CPU: used once, the skb is freed now.
    let device: string | undefined;
    if (this.opts.devices) {
      const m = this.lastReceive.get(ev.cpu);
      const r = m?.get(ev.skbaddr);
      if (r) {
        m!.delete(ev.skbaddr);
        if (ev.ts - r.ts <= JOIN_WINDOW_S) device = r.dev;
      }
    }
    const w = this.windowAt(ev.ts);
    if (!w) return;
    w.events++;
    this.forms.add(ev.location.form);
    const loc = this.describe(ev.location);
    const key = `${ev.reason ?? ev.reasonCode ?? ''}|${loc.text}`;
    let row = w.rows.get(key);
    if (!row) {
      if (w.rows.size >= LIMITS.traceKeys.value) {
        w.other.total++;
        if (w.other.keys.size < LIMITS.traceKeys.value) w.other.keys.add(key);
        return;
      }
      row = {
        ...(ev.reason !== undefined ? { reason: ev.reason } : {}),
        ...(ev.reason === undefined && ev.reasonCode !== undefined ? { reasonCode: ev.reasonCode } : {}),
        location: loc.text,
        locationForm: loc.form,
        ...(loc.symbol !== undefined ? { symbol: loc.symbol, offset: loc.offset } : {}),
        ...(loc.module !== undefined ? { module: loc.module } : {}),
        total: 0, perSecond: [], first: Infinity, last: 0, devices: new Map(), unattributed: 0, withSocket: 0, sawRxSk: false,
      };
      w.rows.set(key, row);
    }
    const at = Math.max(0, ev.ts - w.start);
    row.total++;
    const sec = Math.min(Math.floor(at), LIMITS.traceSeconds.value);
    while (row.perSecond.length <= sec) row.perSecond.push(0);
    row.perSecond[sec]!++;
    row.first = Math.min(row.first, at);
    row.last = Math.max(row.last, at);
    if (ev.rxSk !== undefined) {
      row.sawRxSk = true;
      if (ev.rxSk !== null) row.withSocket++;
    }
    if (this.opts.devices) {
      if (device === undefined) row.unattributed++;
      else if (row.devices.has(device) || row.devices.size < MAX_DEVICES_PER_ROW) row.devices.set(device, (row.devices.get(device) ?? 0) + 1);
      else row.unattributed++;
    }
  }

  private describe(l: Location): { text: string; form: DropRow['locationForm']; symbol?: string; offset?: number; module?: string } {
    if (l.form === 'symbol') return { text: formatSymbol(l), form: 'symbol', symbol: l.symbol, offset: l.offset, module: l.module };
    if (l.form === 'hashed') return { text: `hashed:${l.id}`, form: 'hashed' };
    let r = this.resolved.get(l.address);
    if (r === undefined) {
      const s = this.opts.resolver?.resolve(l.address);
      r = s ? { text: formatSymbol(s), symbol: s.symbol, offset: s.offset, module: s.module } : null;
      if (this.resolved.size < LIMITS.traceKeys.value * 4) this.resolved.set(l.address, r);
    }
    return r ? { text: r.text, form: 'resolved', symbol: r.symbol, offset: r.offset, module: r.module } : { text: `0x${l.address}`, form: 'address' };
  }

  private rowOut(r: Row, seconds: number): DropRow {
    const length = Math.max(r.perSecond.length, Math.min(Math.ceil(seconds), LIMITS.traceSeconds.value));
    const perSecond = Array.from({ length }, (_, i) => r.perSecond[i] ?? 0);
    const devices: DeviceCount[] = [...r.devices].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([device, count]) => {
      const ns = this.opts.netnsOf?.(device);
      return { device, count, ...(ns !== undefined ? { netnsInode: ns } : {}) };
    });
    return {
      ...(r.reason !== undefined ? { reason: r.reason } : {}),
      ...(r.reasonCode !== undefined ? { reasonCode: r.reasonCode } : {}),
      location: r.location,
      locationForm: r.locationForm,
      ...(r.symbol !== undefined ? { symbol: r.symbol, offset: r.offset } : {}),
      ...(r.module !== undefined ? { module: r.module } : {}),
      total: r.total,
      perSecond,
      firstAt: round6(r.first),
      lastAt: round6(r.last),
      devices,
      unattributed: r.unattributed,
      ...(r.sawRxSk ? { withSocket: r.withSocket } : {}),
    };
  }
}

function round6(n: number): number {
  return Math.round(n * 1e6) / 1e6;
}
