// IPv4 address arithmetic for rules (prefix containment, network address), without dependencies.

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

export function parsePrefix(cidr: string): { base: number; len: number } | undefined {
  const [ip, len] = cidr.split('/');
  const base = ipv4ToInt(ip ?? '');
  const n = len === undefined ? 32 : Number(len);
  if (base === undefined || !Number.isInteger(n) || n < 0 || n > 32) return undefined;
  return { base, len: n };
}

function mask(len: number): number {
  return len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0;
}

/** Whether prefix `outer` (a.b.c.d/n) holds address or prefix `inner`. */
export function prefixContains(outer: string, inner: string): boolean {
  const o = parsePrefix(outer);
  const i = parsePrefix(inner);
  if (!o || !i || o.len > i.len) return false;
  return ((o.base & mask(o.len)) >>> 0) === ((i.base & mask(o.len)) >>> 0);
}

/** The network address of addr/len (`10.187.0.1/24` -> `10.187.0.0`). */
export function networkAddress(addr: string, len: number): string | undefined {
  const n = ipv4ToInt(addr);
  if (n === undefined) return undefined;
  const v = (n & mask(len)) >>> 0;
  return [v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255].join('.');
}
