// Growable typed-array columns: one record costs a few dozen bytes instead of a JS object's
// hundred or more, which is what lets the receiver's whole capture be indexed.
import { LIMITS } from '../../util/limits.js';

type TypedArray = Float64Array | Float32Array | Uint32Array | Int32Array | Uint16Array | Int16Array | Uint8Array;
type Ctor<T extends TypedArray> = { new (n: number): T };

export class Column<T extends TypedArray> {
  data: T;
  constructor(
    private readonly ctor: Ctor<T>,
    initial = 1024,
  ) {
    this.data = new ctor(initial);
  }

  ensure(n: number): void {
    if (n <= this.data.length) return;
    let len = this.data.length;
    while (len < n) len *= 2;
    const bigger = new this.ctor(len);
    bigger.set(this.data as never);
    this.data = bigger;
  }
}

/** At most this many distinct addresses get their own id (ids stay below 2^20, as pair keys need; a node pair rarely sees more than a few thousand). */
export const MAX_ADDRESSES = LIMITS.pcapDiffAddresses.value;

/**
 * Interns address strings as small integers. Past `max` addresses every new one gets the one
 * overflow id `max` (named `?`): memory stays bounded, and packets between such addresses are
 * told apart by their other fields only.
 */
export class AddressTable {
  private readonly ids = new Map<string, number>();
  readonly names: string[] = [];
  /** Lookups of addresses that found the table full. */
  overflowed = 0;

  constructor(private readonly max = MAX_ADDRESSES) {}

  id(addr: string): number {
    let id = this.ids.get(addr);
    if (id === undefined) {
      if (this.ids.size >= this.max) {
        this.overflowed++;
        this.names[this.max] = '?';
        return this.max;
      }
      id = this.ids.size;
      this.names[id] = addr;
      this.ids.set(addr, id);
    }
    return id;
  }

  lookup(addr: string): number | undefined {
    return this.ids.get(addr);
  }
}

/**
 * Bits sent per source over the last second, in ten 100 ms bins (bounded, O(1) a packet), and
 * bits per whole second for the median rate. Only seconds with traffic are stored, as (second,
 * bits) entries, at most one per packet: memory follows the packets, not the time they span (a
 * dense array per second of span took 3.9 GB for a 2.2 KB capture with one timestamp 10^8 s ahead).
 */
export class RateMeter {
  private readonly bins = new Float64Array(10);
  private bin = -Infinity;
  peak = 0;
  totalBits = 0;
  private firstSecond?: number;
  private lastIndex = -1;
  /** Seconds (since the first) with traffic, and their bits; consecutive packets of a second share one entry. */
  private secs = new Float64Array(4);
  private bitsOf = new Float64Array(4);
  private entries = 0;

  /** Adds a packet and returns the rate (bit/s) over the second ending with it. */
  add(ts: number, bits: number): number {
    const b = Math.floor(ts * 10);
    if (b > this.bin) {
      const steps = Math.min(10, b - this.bin);
      for (let i = 1; i <= steps; i++) this.bins[(((b - steps + i) % 10) + 10) % 10] = 0;
      this.bin = b;
    }
    this.bins[((b % 10) + 10) % 10]! += bits;
    this.totalBits += bits;
    this.firstSecond ??= Math.floor(ts);
    const k = Math.floor(ts) - this.firstSecond;
    if (k >= 0 && Number.isFinite(k)) {
      if (this.entries > 0 && this.secs[this.entries - 1] === k) this.bitsOf[this.entries - 1]! += bits;
      else {
        if (this.entries === this.secs.length) {
          const n = this.entries * 2;
          const secs = new Float64Array(n);
          secs.set(this.secs);
          this.secs = secs;
          const bitsOf = new Float64Array(n);
          bitsOf.set(this.bitsOf);
          this.bitsOf = bitsOf;
        }
        this.secs[this.entries] = k;
        this.bitsOf[this.entries++] = bits;
      }
      if (k > this.lastIndex) this.lastIndex = k;
    }
    let sum = 0;
    for (let i = 0; i < 10; i++) sum += this.bins[i]!;
    if (sum > this.peak) this.peak = sum;
    return sum;
  }

  /** The median of the per-second rates (bit/s) over the span this source was seen (seconds without traffic count as 0). */
  medianRate(): number {
    if (this.lastIndex < 0) return 0;
    // Entries of one second may be apart (timestamps out of order): sum them per second.
    const order = Array.from({ length: this.entries }, (_, i) => i).sort((x, y) => this.secs[x]! - this.secs[y]!);
    const perSecond: number[] = [];
    let prev = NaN;
    for (const i of order) {
      if (this.secs[i] === prev) perSecond[perSecond.length - 1]! += this.bitsOf[i]!;
      else perSecond.push(this.bitsOf[i]!);
      prev = this.secs[i]!;
    }
    perSecond.sort((x, y) => x - y);
    const span = this.lastIndex + 1;
    const zeros = span - perSecond.length;
    const m = span >> 1;
    return m < zeros ? 0 : perSecond[m - zeros]!;
  }
}
