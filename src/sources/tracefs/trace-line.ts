// One line of trace_pipe / trace text, from every kernel podpath meets (3.10 to 6.18): the
// context prefix, then the event's own text. The event text differs by version (see
// test/fixtures/tracefs/SOURCES.md): no reason before 5.17, rx_sk from 6.11, `location` as a raw
// address (3.10), a hashed id (4.15-6.1 unless hash-ptr is off) or `symbol+0xoff/0xsize [module]`
// (6.2+), and the `fields` option's `name=0x.. (decimal)` form.
import { LIMITS } from '../../util/limits.js';

export type Location =
  | { form: 'symbol'; symbol: string; offset: number; size: number; module?: string }
  /** A kernel address (16 hex digits, no 0x): resolve it with /proc/kallsyms of the same boot. */
  | { form: 'address'; address: string }
  /** %p hashed (4.15+): stable for one place within a boot, but it names nothing. */
  | { form: 'hashed'; id: string };

interface Head { comm: string; pid: number; cpu: number; ts: number }

export interface KfreeSkbEvent extends Head {
  event: 'kfree_skb';
  skbaddr: string;
  /** Absent on kernels without the field; null when printed as NULL (no socket). */
  rxSk?: string | null;
  protocol: number;
  location: Location;
  /** The name as printed, or mapped from the number (fields form / unknown symbolic value). */
  reason?: string;
  reasonCode?: number;
}

export interface NetifReceiveSkbEvent extends Head {
  event: 'netif_receive_skb';
  skbaddr: string;
  dev: string;
  len: number;
}

export interface MarkerEvent extends Head {
  event: 'marker';
  text: string;
}

export interface OtherEvent extends Head {
  event: 'other';
  name: string;
}

export type TraceEvent = KfreeSkbEvent | NetifReceiveSkbEvent | MarkerEvent | OtherEvent;

/** Why a line gave no event: a header/blank line is normal; the rest are counted. */
export type LineResult = TraceEvent | { skip: 'comment' | 'too-long' | 'unparsed' };

// "%16s-%-5d [%03d] flags %5lu.%06lu: name: " (5.17+: pid width 7, 5 flag chars); record-tgid
// adds "(TGID) " before the cpu; irq-info off drops the flags. Every quantifier is bounded: a
// hostile line cannot make this backtrack for long.
const HEAD = /^\s{0,64}(.{1,16}?)-(\d{1,10})\s{1,16}(?:\(\s{0,10}[-\d]{1,10}\)\s{1,10})?\[(\d{1,6})\]\s{1,10}(?:\S{4,6}\s{1,10})?(\d{1,12}\.\d{1,9}):\s([A-Za-z0-9_]{1,64}):(?:\s|$)/;
const KEYS = /(?:^| )(skbaddr|rx_sk|protocol|location|reason|dev|len|name)(=|: )/g;
const SYMBOL = /^([A-Za-z0-9_.$]{1,256})\+0x([0-9a-f]{1,16})\/0x([0-9a-f]{1,16})(?: \[([A-Za-z0-9_-]{1,64})\])?$/;

export interface LineContext {
  /** The kernel's reason map (format file), to name a reason printed as a number. */
  reasons?: Map<number, string>;
}

export function parseTraceLine(line: string, ctx: LineContext = {}): LineResult {
  if (line.length > LIMITS.traceLine.value) return { skip: 'too-long' };
  const trimmed = line.trimEnd();
  if (trimmed === '' || trimmed.startsWith('#')) return { skip: 'comment' };
  const h = HEAD.exec(trimmed);
  if (!h) return { skip: 'unparsed' };
  const head: Head = { comm: h[1]!, pid: Number(h[2]), cpu: Number(h[3]), ts: Number(h[4]) };
  const name = h[5]!;
  const body = trimmed.slice(h[0].length);
  if (name === 'tracing_mark_write' || name === 'print') return { ...head, event: 'marker', text: body };
  if (name === 'kfree_skb') return parseKfreeSkb(head, body, ctx) ?? { skip: 'unparsed' };
  if (name === 'netif_receive_skb') return parseNetifReceive(head, body) ?? { skip: 'unparsed' };
  return { ...head, event: 'other', name };
}

/** `key=value` / `reason: NAME` pairs; a value runs to the next known key (a location may hold a space). */
function keyValues(body: string): Map<string, string> {
  const out = new Map<string, string>();
  const marks: { key: string; start: number; end: number }[] = [];
  KEYS.lastIndex = 0;
  for (let m = KEYS.exec(body); m; m = KEYS.exec(body)) marks.push({ key: m[1]!, start: m.index, end: KEYS.lastIndex });
  for (let i = 0; i < marks.length; i++) {
    const value = body.slice(marks[i]!.end, i + 1 < marks.length ? marks[i + 1]!.start : body.length).trim();
    if (!out.has(marks[i]!.key)) out.set(marks[i]!.key, value);
  }
  return out;
}

/** The `fields` option prints `0x800 (2048)`: keep the value, drop the decimal in parentheses. */
function stripDecimal(v: string): { value: string; decimal?: string } {
  const m = / \((-?\d{1,24})\)$/.exec(v);
  return m ? { value: v.slice(0, m.index), decimal: m[1] } : { value: v };
}

/** A pointer as a stable lower-case hex string without 0x (16 digits on 64-bit). */
export function normalizePointer(v: string): string | null | undefined {
  const s = v.trim().toLowerCase();
  if (s === '(null)') return null;
  const m = /^(?:0x)?([0-9a-f]{1,16})$/.exec(s);
  if (!m) return undefined;
  return /^0+$/.test(m[1]!) ? null : m[1]!.padStart(16, '0');
}

export function parseLocation(text: string): Location | undefined {
  const v = stripDecimal(text.trim()).value;
  const s = SYMBOL.exec(v);
  if (s) return { form: 'symbol', symbol: s[1]!, offset: parseInt(s[2]!, 16), size: parseInt(s[3]!, 16), ...(s[4] ? { module: s[4] } : {}) };
  // %pS with no symbol found prints 0x<address>; %p/%px print 16 hex digits without 0x.
  if (/^0x[0-9a-f]{1,16}$/.test(v)) return { form: 'address', address: v.slice(2).padStart(16, '0') };
  if (/^[0-9a-f]{16}$/.test(v)) {
    // A hashed %p is 00000000 + a 32-bit id; no 64-bit kernel text address starts so.
    return v.startsWith('00000000') ? { form: 'hashed', id: v } : { form: 'address', address: v };
  }
  if (/^[0-9a-f]{8}$/.test(v)) return { form: 'address', address: v };
  return undefined;
}

function parseNumber(v: string): number | undefined {
  const { value, decimal } = stripDecimal(v);
  if (decimal !== undefined) return Number(decimal);
  if (/^0x[0-9a-f]{1,8}$/i.test(value)) return parseInt(value, 16);
  if (/^\d{1,10}$/.test(value)) return Number(value);
  return undefined;
}

function parseKfreeSkb(head: Head, body: string, ctx: LineContext): KfreeSkbEvent | undefined {
  const kv = keyValues(body);
  const skb = kv.get('skbaddr');
  const loc = kv.get('location');
  const proto = kv.get('protocol');
  if (skb === undefined || loc === undefined || proto === undefined) return undefined;
  const skbaddr = normalizePointer(stripDecimal(skb).value);
  const location = parseLocation(loc);
  const protocol = parseNumber(proto);
  if (skbaddr === undefined || location === undefined || protocol === undefined) return undefined;
  const ev: KfreeSkbEvent = { ...head, event: 'kfree_skb', skbaddr: skbaddr ?? '0', protocol, location };
  const rx = kv.get('rx_sk');
  if (rx !== undefined) {
    const p = normalizePointer(stripDecimal(rx).value);
    ev.rxSk = p ?? null;
  }
  const reason = kv.get('reason');
  if (reason !== undefined) {
    if (/^[A-Z][A-Z0-9_]{0,63}$/.test(reason)) ev.reason = reason;
    else {
      // fields form (`0x3 (3)`), or a value __print_symbolic did not know (`0x80`).
      const n = parseNumber(reason);
      if (n !== undefined) {
        ev.reasonCode = n;
        const named = ctx.reasons?.get(n);
        if (named) ev.reason = named;
      }
    }
  }
  return ev;
}

function parseNetifReceive(head: Head, body: string): NetifReceiveSkbEvent | undefined {
  const kv = keyValues(body);
  const dev = kv.get('dev') ?? kv.get('name');
  const skb = kv.get('skbaddr');
  const len = kv.get('len');
  if (dev === undefined || skb === undefined) return undefined;
  const skbaddr = normalizePointer(stripDecimal(skb).value);
  if (!skbaddr) return undefined;
  return { ...head, event: 'netif_receive_skb', dev, skbaddr, len: (len !== undefined ? parseNumber(len) : undefined) ?? 0 };
}
