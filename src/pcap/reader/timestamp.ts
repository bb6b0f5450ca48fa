// pcapng timestamps: a 64-bit count of units (if_tsresol: 10^-n or 2^-n seconds) split into two
// 32-bit halves. Converted to seconds + nanoseconds exactly without BigInt on the common paths
// (long division in base 2^16 keeps every intermediate below 2^53).

export interface TsResolution {
  /** Units per second. */
  unitsPerSecond: number;
  /** Nanoseconds per unit when that is a whole number (10^-n, n <= 9), else 0. */
  nsPerUnit: number;
  /** Exact BigInt divisor for resolutions beyond 2^32 units per second. */
  big?: bigint;
}

export const MICROSECONDS: TsResolution = { unitsPerSecond: 1e6, nsPerUnit: 1000 };

/** Decodes the if_tsresol option byte: high bit set means a power of two, else of ten. */
export function tsResolution(option: number): TsResolution {
  const exp = option & 0x7f;
  const pow2 = (option & 0x80) !== 0;
  if (!pow2 && exp <= 9) return { unitsPerSecond: 10 ** exp, nsPerUnit: 10 ** (9 - exp) };
  const big = pow2 ? 1n << BigInt(exp) : 10n ** BigInt(exp);
  if (big <= 0xffffffffn) return { unitsPerSecond: Number(big), nsPerUnit: 0 };
  return { unitsPerSecond: Number(big), nsPerUnit: 0, big };
}

/**
 * Splits hi:lo units into whole seconds and nanoseconds, written to out[0] and out[1] (a typed
 * array: seconds since 2004 are beyond V8's small integers, and a plain field would take a new
 * heap number per frame); out[2] gets the remainder in units (not for resolutions beyond 2^32).
 */
export function splitTimestamp(hi: number, lo: number, res: TsResolution, offsetSec: number, out: Float64Array): void {
  if (res.big !== undefined) {
    const units = (BigInt(hi) << 32n) | BigInt(lo);
    out[0] = Number(units / res.big) + offsetSec;
    out[1] = Number(((units % res.big) * 1_000_000_000n) / res.big);
    return;
  }
  const d = res.unitsPerSecond;
  const qa = Math.floor(hi / d);
  let r = hi - qa * d;
  let x = r * 65536 + (lo >>> 16);
  const qb = Math.floor(x / d);
  r = x - qb * d;
  x = r * 65536 + (lo & 0xffff);
  const qc = Math.floor(x / d);
  r = x - qc * d;
  out[0] = qa * 4294967296 + qb * 65536 + qc + offsetSec;
  out[1] = res.nsPerUnit !== 0 ? r * res.nsPerUnit : Math.floor((r * 1e9) / d);
  out[2] = r;
}

/**
 * splitTimestamp for a stream of timestamps of one interface, which mostly fall in the same
 * second as the one before: `last` keeps [hi, lo, whole seconds without the offset, remainder in
 * units] of the previous one, and a timestamp less than a second after it, in the same second, is
 * split by one subtraction instead of three divisions. Exact: the difference of two 64-bit counts
 * a few units apart is exact in a double, and the remainder stays below 10^9.
 */
export function splitTimestampAfter(hi: number, lo: number, res: TsResolution, offsetSec: number, out: Float64Array, last: Float64Array): void {
  if (res.nsPerUnit !== 0 && last[2]! >= 0) {
    const delta = (hi - last[0]!) * 4294967296 + (lo - last[1]!);
    const r = last[3]! + delta;
    if (delta >= 0 && r < res.unitsPerSecond) {
      last[0] = hi;
      last[1] = lo;
      last[3] = r;
      out[0] = last[2]! + offsetSec;
      out[1] = r * res.nsPerUnit;
      return;
    }
  }
  splitTimestamp(hi, lo, res, offsetSec, out);
  last[0] = hi;
  last[1] = lo;
  // Seconds without the offset, and the remainder; a resolution beyond 2^32 units never takes the fast path.
  last[2] = res.big === undefined ? out[0]! - offsetSec : -1;
  last[3] = out[2]!;
}
