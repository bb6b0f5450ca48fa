// Address text as tcpdump prints it (IPv6 in RFC 5952 form: lower case, longest zero run as ::).

// A capture holds few distinct addresses: caching their text saves building a string per
// packet (the hot path). Bounded: the cache is emptied when it grows past CACHE_MAX.
const CACHE_MAX = 65536;
const v4Cache = new Map<number, string>();

export function ipv4String(b: Uint8Array, p: number): string {
  const key = ((b[p] << 24) | (b[p + 1] << 16) | (b[p + 2] << 8) | b[p + 3]) >>> 0;
  let s = v4Cache.get(key);
  if (s === undefined) {
    if (v4Cache.size >= CACHE_MAX) v4Cache.clear();
    s = `${b[p]}.${b[p + 1]}.${b[p + 2]}.${b[p + 3]}`;
    v4Cache.set(key, s);
  }
  return s;
}

export function ipv6String(b: Uint8Array, p: number): string {
  const words: number[] = new Array(8);
  for (let i = 0; i < 8; i++) words[i] = (b[p + 2 * i] << 8) | b[p + 2 * i + 1];
  // Longest run of two or more zero words (first one wins on a tie).
  let bestAt = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLen) {
      bestAt = i;
      bestLen = j - i;
    }
    i = j;
  }
  // IPv4-mapped (::ffff:a.b.c.d) is printed with a dotted quad, as inet_ntop does.
  if (bestAt === 0 && bestLen === 5 && words[5] === 0xffff) return `::ffff:${ipv4String(b, p + 12)}`;
  if (bestAt < 0) return words.map((w) => w.toString(16)).join(':');
  const head = words.slice(0, bestAt).map((w) => w.toString(16)).join(':');
  const tail = words.slice(bestAt + bestLen).map((w) => w.toString(16)).join(':');
  return `${head}::${tail}`;
}
