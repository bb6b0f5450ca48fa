// Helpers shared by the knowledge-base rules (src/rules/kb-rules.ts): reading sysctls and
// packet-filter rule sets the same way in every rule. Pure functions of NodeFacts. Which links are the
// overlay and what they run over is src/evidence/network-view.ts.
import type { EvidenceLine, NodeFacts } from '../../evidence/node-facts.js';
import type { NftTable } from '../../evidence/packet-filter.js';
import { pushAll } from '../../util/arrays.js';

export function line(source: string, text: string): EvidenceLine {
  return { source, text };
}

// ---------------------------------------------------------------- sysctls

/** A per-interface sysctl: `sysctl -a` writes dots in interface names as slashes (flannel/1). */
export function ifaceSysctl(facts: NodeFacts, family: 'ipv4' | 'ipv6', iface: string, key: string): { name: string; value: string } | undefined {
  const values = facts.sysctls?.values ?? {};
  for (const name of [`net.${family}.conf.${iface}.${key}`, `net.${family}.conf.${iface.replace(/\./g, '/')}.${key}`]) {
    if (values[name] !== undefined) return { name, value: values[name] };
  }
  return undefined;
}

export function sysctlSource(facts: NodeFacts): string {
  return facts.sysctls?.sources[0] ?? 'sysctl';
}

// ---------------------------------------------------------------- iptables

/** Splits an iptables-save rule into words, keeping quoted comments whole. */
export function ruleWords(rule: string): string[] {
  const words: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|(\S+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(rule)) !== null) words.push(m[1] ?? m[2] ?? '');
  return words;
}

export interface IptRule {
  /** The rule as iptables-save prints it, with `-A CHAIN`. */
  text: string;
  chain: string;
  target?: string;
  /** Option -> value for the options a rule can match on (`-s`, `-d`, `-i`, `-o`, `-p`, `--dport`, ...). */
  opts: Map<string, string>;
  negated: Set<string>;
  /** Only the conntrack state match (RELATED,ESTABLISHED): does not let a new flow through. */
  establishedOnly: boolean;
}

const IGNORED_OPTS = new Set(['-m', '-j', '-g', '--comment', '-A', '--reject-with', '-c']);

export function parseIptRule(chain: string, raw: string): IptRule {
  const text = raw.startsWith('-A ') ? raw : `-A ${chain} ${raw}`;
  const words = ruleWords(text);
  const opts = new Map<string, string>();
  const negated = new Set<string>();
  let target: string | undefined;
  for (let i = 2; i < words.length; i++) {
    let w = words[i] ?? '';
    let neg = false;
    if (w === '!') {
      neg = true;
      w = words[++i] ?? '';
    }
    if (w === '-j' || w === '-g') {
      target = words[++i];
      continue;
    }
    if (!w.startsWith('-')) continue;
    const next = words[i + 1];
    const value = next !== undefined && !next.startsWith('-') && next !== '!' ? next : '';
    if (value !== '') i++;
    if (IGNORED_OPTS.has(w)) continue;
    opts.set(w, value);
    if (neg) negated.add(w);
  }
  const state = opts.get('--ctstate') ?? opts.get('--state');
  const establishedOnly = state !== undefined && !/NEW|UNTRACKED/.test(state) && !negated.has('--ctstate') && !negated.has('--state');
  return { text, chain, target, opts, negated, establishedOnly };
}

type IptTables = NonNullable<NonNullable<NodeFacts['packetFilter']>['iptables']>;

/**
 * The rules a packet entering `chain` can meet, following jumps (`-j CHAIN`) depth first, in order.
 * Guards against loops; `-g` is treated as a jump.
 */
export function walkIptables(tables: IptTables, table: string, chain: string, depth = 0, seen = new Set<string>()): IptRule[] {
  const chains = tables[table] ?? {};
  const c = chains[chain];
  if (!c || seen.has(chain) || depth > 8) return [];
  seen.add(chain);
  const out: IptRule[] = [];
  for (const raw of c.rules) {
    const r = parseIptRule(chain, raw);
    out.push(r);
    if (r.target && chains[r.target]) pushAll(out, walkIptables(tables, table, r.target, depth + 1, seen));
  }
  return out;
}

/** A rule that matches every packet (no match options): its target decides for everything after it. */
export function isUnconditional(r: IptRule): boolean {
  return r.opts.size === 0;
}

/** The effective default of a chain: its policy, or an unconditional DROP/REJECT at its end (firewalld's `-j REJECT`). */
export function effectiveIptDefault(tables: IptTables, table: string, chain: string): { verdict: string; text: string } | undefined {
  const c = tables[table]?.[chain];
  if (!c) return undefined;
  const last = c.rules.length > 0 ? parseIptRule(chain, c.rules[c.rules.length - 1] ?? '') : undefined;
  if (last && isUnconditional(last) && (last.target === 'DROP' || last.target === 'REJECT')) return { verdict: last.target, text: last.text };
  if (c.policy) return { verdict: c.policy, text: `-P ${chain} ${c.policy}` };
  return undefined;
}

// ---------------------------------------------------------------- nftables

export type NftChain = NftTable['chains'][number];

/** Chains of a table by name, built once per table: a scan of every chain per jump was quadratic. */
const chainsByName = new WeakMap<NftTable, Map<string, NftChain>>();
function nftChainNamed(table: NftTable, name: string): NftChain | undefined {
  let byName = chainsByName.get(table);
  if (!byName) {
    byName = new Map();
    for (const c of table.chains) if (!byName.has(c.name)) byName.set(c.name, c);
    chainsByName.set(table, byName);
  }
  return byName.get(name);
}

/** Rules reachable from a chain through `jump`/`goto` within its table, in order. */
export function walkNft(table: NftTable, chain: NftChain, depth = 0, seen = new Set<string>()): { chain: string; rule: string }[] {
  if (seen.has(chain.name) || depth > 8) return [];
  seen.add(chain.name);
  const out: { chain: string; rule: string }[] = [];
  for (const rule of chain.rules) {
    out.push({ chain: chain.name, rule });
    const m = /\b(?:jump|goto)\s+(\S+)/.exec(rule);
    const next = m ? nftChainNamed(table, m[1]!) : undefined;
    if (next) pushAll(out, walkNft(table, next, depth + 1, seen));
  }
  return out;
}

/** The effective default of an nft base chain: policy drop, or an unconditional drop/reject rule at its end. */
export function effectiveNftDefault(chain: NftChain): { verdict: string; text: string } | undefined {
  const last = chain.rules[chain.rules.length - 1]?.trim();
  if (last && /^(drop|reject)\b/.test(last)) return { verdict: last.split(/\s/)[0] ?? 'drop', text: last };
  if (chain.policy) return { verdict: chain.policy, text: `chain ${chain.name} { type filter hook ${chain.hook ?? '?'} ... policy ${chain.policy}; }` };
  return undefined;
}

export function nftEstablishedOnly(rule: string): boolean {
  // Each `ct state` value (a word or a `{ set }`) is looked at apart: one regex over the set with
  // `[^}]*\b(new|untracked)\b[^}]*` was cubic on a long hostile rule.
  if (/ct state\s+!=/.test(rule)) return false;
  let any = false;
  for (const m of rule.matchAll(/ct state\s+(\{[^{}]*\}|\S+)/g)) {
    any = true;
    const v = m[1]!;
    if (v.startsWith('{') && v.endsWith('}') ? /\b(?:new|untracked)\b/.test(v) : /^(?:new|untracked)\b/.test(v)) return false;
  }
  return any;
}
