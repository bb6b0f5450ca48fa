// Parsers for `nstat -zas` and, as a fallback, /proc/net/netstat. Both give counters by nstat's
// names: the table name then the counter (`TcpExtIPReversePathFilter`, `TcpExtTCPSynRetrans`).
import { parseProcNetPairs } from '../snmp/parse.js';

/** `nstat -zas`: `#kernel`, then `TcpExtTCPSynRetrans   12   0.0` lines. */
export function parseNstat(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const raw of text.split('\n')) {
    const m = /^([A-Za-z][A-Za-z0-9_]*)\s+(-?\d+)(?:\s|$)/.exec(raw.trim());
    if (m && m[1] && m[2]) out[m[1]] = Number(m[2]);
  }
  return out;
}

/** /proc/net/netstat (or /proc/net/snmp) flattened to nstat's names: `TcpExt` + `IPReversePathFilter`. */
export function parseProcNetstatAsNstat(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [table, counters] of Object.entries(parseProcNetPairs(text))) {
    for (const [name, v] of Object.entries(counters)) out[`${table}${name}`] = v;
  }
  return out;
}
