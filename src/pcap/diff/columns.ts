// Growable typed-array columns: one record costs a few dozen bytes instead of a JS object's
// hundred or more, which is what lets the receiver's whole capture be indexed.

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

/** Interns address strings as small integers. */
export class AddressTable {
  private readonly ids = new Map<string, number>();
  readonly names: string[] = [];

  id(addr: string): number {
    let id = this.ids.get(addr);
    if (id === undefined) {
      id = this.names.length;
      this.names.push(addr);
      this.ids.set(addr, id);
    }
    return id;
  }

  lookup(addr: string): number | undefined {
    return this.ids.get(addr);
  }
}

/** Bits sent per source over the last second, in ten 100 ms bins (bounded, O(1) a packet). */
export class RateMeter {
  private readonly bins = new Float64Array(10);
  private bin = -Infinity;
  peak = 0;
  totalBits = 0;
  /** Bits per whole second since the first packet (for the median rate; 8 bytes a second). */
  private perSecond = new Float64Array(64);
  private firstSecond?: number;
  private lastIndex = -1;

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
    if (k >= 0 && k < 100_000_000) {
      if (k >= this.perSecond.length) {
        const bigger = new Float64Array(Math.max(k + 1, this.perSecond.length * 2));
        bigger.set(this.perSecond);
        this.perSecond = bigger;
      }
      this.perSecond[k]! += bits;
      if (k > this.lastIndex) this.lastIndex = k;
    }
    let sum = 0;
    for (let i = 0; i < 10; i++) sum += this.bins[i]!;
    if (sum > this.peak) this.peak = sum;
    return sum;
  }

  /** The median of the per-second rates (bit/s) over the span this source was seen. */
  medianRate(): number {
    if (this.lastIndex < 0) return 0;
    const xs = Array.from(this.perSecond.subarray(0, this.lastIndex + 1)).sort((a, b) => a - b);
    return xs[xs.length >> 1]!;
  }
}
