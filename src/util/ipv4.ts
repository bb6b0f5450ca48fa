// IPv4 address and prefix arithmetic, once for the whole tool (rules, sources, the node diff), without
// dependencies. Everything here takes text from hostile input: what is not IPv4 gives undefined/false.

/** `10.244.1.7` -> 183763207; undefined for anything that is not four decimal octets. */
export function ipv4ToInt(ip: string): number | undefined {
  const parts = ip.trim().split('.');
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return undefined;
    n = n * 256 + Number(p);
  }
  return n;
}

export function intToIpv4(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

/** `a.b.c.d/n` (or a bare address, as /32) -> base and length; undefined when either part is not IPv4. */
export function parseCidr(cidr: string): { base: number; len: number } | undefined {
  const slash = cidr.indexOf('/');
  const ip = slash < 0 ? cidr : cidr.slice(0, slash);
  const lenText = slash < 0 ? undefined : cidr.slice(slash + 1);
  const base = ipv4ToInt(ip);
  // Digits only: `10.0.0.0/` is not `/0` (Number('') is 0, which would contain every address).
  if (base === undefined || (lenText !== undefined && !/^\d{1,2}$/.test(lenText))) return undefined;
  const len = lenText === undefined ? 32 : Number(lenText);
  return len > 32 ? undefined : { base, len };
}

function mask(len: number): number {
  return len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0;
}

/** Whether prefix `outer` (a.b.c.d/n) holds the address or prefix `inner`. */
export function cidrContains(outer: string, inner: string): boolean {
  const o = parseCidr(outer);
  const i = parseCidr(inner);
  return o !== undefined && i !== undefined && parsedContains(o, i);
}

/** cidrContains on parsed prefixes: for loops that would otherwise parse the same prefix again and again. */
export function parsedContains(outer: { base: number; len: number }, inner: { base: number; len: number }): boolean {
  if (outer.len > inner.len) return false;
  return ((outer.base & mask(outer.len)) >>> 0) === ((inner.base & mask(outer.len)) >>> 0);
}

/** The network address of addr/len (`10.187.0.1`, 24 -> `10.187.0.0`). */
export function networkAddress(addr: string, len: number): string | undefined {
  const n = ipv4ToInt(addr);
  if (n === undefined || !Number.isInteger(len) || len < 0 || len > 32) return undefined;
  return intToIpv4((n & mask(len)) >>> 0);
}

/** The network of addr/len as a prefix (`10.244.1.1`, 24 -> `10.244.1.0/24`). */
export function networkPrefix(addr: string, len: number): string | undefined {
  const net = networkAddress(addr, len);
  return net === undefined ? undefined : `${net}/${len}`;
}
