// Parsers for `ip route show table all` and `ip route get ADDR`. Pure; unknown lines skipped.
import type { z } from 'zod';
import type { Route, RouteGet } from '../../evidence/node-facts.js';

type RouteGetT = z.infer<typeof RouteGet>;

/** Route types `ip route` prints before the destination; a line without one is unicast. */
const ROUTE_TYPES = new Set(['unicast', 'local', 'broadcast', 'multicast', 'unreachable', 'blackhole', 'prohibit', 'throw', 'nat', 'anycast']);
/** Keys followed by one value. */
const VALUED = new Set(['via', 'dev', 'table', 'proto', 'scope', 'src', 'metric', 'pref', 'mtu', 'advmss', 'expires', 'realm', 'realms', 'weight', 'from', 'tos', 'dsfield', 'uid', 'error', 'nhid', 'initcwnd', 'initrwnd', 'rto_min', 'hoplimit', 'features', 'quickack', 'congctl', 'window', 'rtt', 'rttvar', 'ssthresh', 'cwnd', 'fastopen_no_cookie', 'ttl-propagate', 'encap']);

/** `ip route show table all` (or `ip route`): one Route per route line. */
export function parseIpRoutes(text: string): Route[] {
  const routes: Route[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '') continue;
    const tokens = line.split(/\s+/);
    // Multipath routes continue on `nexthop via X dev Y weight 1` lines.
    if (tokens[0] === 'nexthop' && /^\s/.test(raw)) {
      const prev = routes[routes.length - 1];
      if (prev) {
        const kv = pairs(tokens.slice(1));
        if (!prev.via && kv.via) prev.via = kv.via;
        if (!prev.dev && kv.dev) prev.dev = kv.dev;
      }
      continue;
    }
    if (/^\s/.test(raw) || tokens[0] === 'cache') continue;
    const route = parseRouteTokens(tokens, line);
    if (route) routes.push(route);
  }
  return routes;
}

function parseRouteTokens(tokens: string[], line: string): Route | undefined {
  let i = 0;
  let type = 'unicast';
  if (ROUTE_TYPES.has(tokens[0] ?? '')) { type = tokens[0] ?? type; i = 1; }
  const dst = tokens[i];
  if (!dst || !looksLikeDst(dst)) return undefined;
  const kv = pairs(tokens.slice(i + 1));
  const route: Route = { dst, type, table: kv.table ?? 'main', onlink: tokens.includes('onlink'), line };
  if (kv.via) route.via = kv.via;
  if (kv.dev) route.dev = kv.dev;
  if (kv.proto) route.proto = kv.proto;
  if (kv.scope) route.scope = kv.scope;
  if (kv.src) route.src = kv.src;
  if (kv.metric !== undefined && /^\d+$/.test(kv.metric)) route.metric = Number(kv.metric);
  return route;
}

function looksLikeDst(s: string): boolean {
  return s === 'default' || /^[0-9a-f:.]+(\/\d+)?$/i.test(s);
}

/** Key/value pairs of a route line; `via inet6 ADDR` (IPv4 route, IPv6 gateway) is handled. */
function pairs(tokens: string[]): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (let i = 0; i < tokens.length; i++) {
    const k = tokens[i] ?? '';
    if (!VALUED.has(k)) continue;
    let v = tokens[i + 1];
    if (k === 'via' && (v === 'inet' || v === 'inet6')) { v = tokens[i + 2]; i++; }
    if (out[k] === undefined) out[k] = v;
    i++;
  }
  return out;
}

/** What the kernel answers for route types that carry no next hop (`ip route get` prints only the error). */
const ERRORS: [RegExp, string][] = [
  [/No route to host/i, 'unreachable'], // EHOSTUNREACH: an `unreachable` route
  [/Network is unreachable/i, 'unreachable'], // ENETUNREACH: no route at all
  [/Invalid argument/i, 'blackhole'], // EINVAL: a `blackhole` route
  [/Permission denied/i, 'prohibit'], // EACCES: a `prohibit` route
];

/**
 * `ip route get ADDR`: `local 10.187.0.0 dev lo src 10.187.0.0 uid 0`, `10.244.2.5 via 10.244.2.0
 * dev flannel.1 src 10.244.1.0 uid 0`, or an `RTNETLINK answers: ...` error. Undefined when the text
 * holds neither.
 */
export function parseIpRouteGet(text: string, target: string, source: string): RouteGetT | undefined {
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('cache')) continue;
    // The error may come alone or inside a reason line (`ip route get X: exit 2: RTNETLINK answers: ...`).
    const err = /(RTNETLINK answers:.*|^Error:.*)$/s.exec(line)?.[1];
    if (err) {
      const hit = ERRORS.find(([re]) => re.test(err));
      return hit ? { target, type: hit[1], line: err, source } : undefined;
    }
    const tokens = line.split(/\s+/);
    let i = 0;
    let type = 'unicast';
    if (ROUTE_TYPES.has(tokens[0] ?? '')) { type = tokens[0] ?? type; i = 1; }
    if (!tokens[i] || !looksLikeDst(tokens[i] ?? '')) continue;
    const kv = pairs(tokens.slice(i + 1));
    const r: RouteGetT = { target, type, line, source };
    if (kv.dev) r.dev = kv.dev;
    if (kv.via) r.via = kv.via;
    if (kv.src) r.src = kv.src;
    return r;
  }
  return undefined;
}
