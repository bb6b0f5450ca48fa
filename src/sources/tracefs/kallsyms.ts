// /proc/kallsyms -> a resolver for raw drop locations (3.10, or 5.12-6.1 with hash-ptr off): the
// text symbol at or below the address names it, the next higher symbol bounds its size, which
// gives the same `symbol+0xoff/0xsize` text that %pS prints on newer kernels. Addresses move at
// every boot (KASLR): resolve only against the kallsyms of the boot that printed the trace.
import { PodpathError } from '../../util/errors.js';
import { LIMITS } from '../../util/limits.js';

export interface ResolvedSymbol { symbol: string; offset: number; size: number; module?: string }

export interface KallsymsResolver {
  /** Text symbols read. */
  readonly count: number;
  /** Every address read as zero (kptr_restrict, or no CAP_SYSLOG): nothing can be resolved. */
  readonly hidden: boolean;
  resolve(address: string | bigint): ResolvedSymbol | undefined;
}

// `%016lx %c %s` and `%016lx %c %s\t[%s]` (kernel/kallsyms.c s_show).
const LINE = /^([0-9a-fA-F]{8,16}) ([A-Za-z]) ([^\s[\]]{1,512})(?:\t\[([^\s\]]{1,128})\])?$/;
const TEXT_TYPES = new Set(['t', 'T', 'w', 'W']);

export function parseKallsyms(text: string): KallsymsResolver {
  if (text.length > LIMITS.kallsyms.value) {
    throw new PodpathError(LIMITS.kallsyms.code, `kallsyms text larger than ${LIMITS.kallsyms.value} bytes`);
  }
  const addrs: bigint[] = [];
  const names: string[] = [];
  const modules: (string | undefined)[] = [];
  let zero = 0;
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const line = text.slice(start, end).replace(/\r$/, '');
    start = end + 1;
    const m = LINE.exec(line);
    if (!m || !TEXT_TYPES.has(m[2]!)) continue;
    const a = BigInt(`0x${m[1]}`);
    if (a === 0n) { zero++; continue; }
    addrs.push(a);
    names.push(m[3]!);
    modules.push(m[4]);
  }
  const order = addrs.map((_, i) => i).sort((x, y) => (addrs[x]! < addrs[y]! ? -1 : addrs[x]! > addrs[y]! ? 1 : 0));
  const sorted = BigUint64Array.from(order.map((i) => addrs[i]!));
  const sortedNames = order.map((i) => names[i]!);
  const sortedModules = order.map((i) => modules[i]);
  return {
    count: sorted.length,
    hidden: sorted.length === 0 && zero > 0,
    resolve(address) {
      const a = typeof address === 'bigint' ? address : toBigInt(address);
      if (a === undefined || sorted.length === 0 || a < sorted[0]!) return undefined;
      // Last symbol at or below the address.
      let lo = 0;
      let hi = sorted.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (sorted[mid]! <= a) lo = mid;
        else hi = mid - 1;
      }
      const base = sorted[lo]!;
      // Aliases share an address: the size runs to the next higher one (often a __pfx_ padding
      // symbol on 6.x, which bounds the function but is never its name).
      let next = lo + 1;
      while (next < sorted.length && sorted[next] === base) next++;
      const size = next < sorted.length ? Number(sorted[next]! - base) : 0;
      const offset = Number(a - base);
      // Past the end of the last symbol of a region (a gap, or beyond the final symbol): unknown.
      if (size > 0 && offset >= size) return undefined;
      if (size === 0 && offset > 1 << 20) return undefined;
      const module = sortedModules[lo];
      return { symbol: sortedNames[lo]!, offset, size, ...(module ? { module } : {}) };
    },
  };
}

function toBigInt(hex: string): bigint | undefined {
  const m = /^(?:0x)?([0-9a-fA-F]{1,16})$/.exec(hex.trim());
  return m ? BigInt(`0x${m[1]}`) : undefined;
}

/** The text %pS prints for a resolved symbol. */
export function formatSymbol(s: ResolvedSymbol, withSize = true): string {
  return `${s.symbol}+0x${s.offset.toString(16)}${withSize ? `/0x${s.size.toString(16)}` : ''}${s.module ? ` [${s.module}]` : ''}`;
}
