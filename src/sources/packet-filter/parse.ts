// Parsers for `iptables-save` (legacy and nft backends print the same format) and
// `nft list ruleset`. Pure; unknown lines skipped. Packet/byte counters are stripped so that
// rules compare equal across nodes and over time.
import type { z } from 'zod';
import type { IptablesChain, PacketFilterFacts } from '../../evidence/node-facts.js';

type Chain = z.infer<typeof IptablesChain>;
type IptablesTables = Record<string, Record<string, Chain>>;
type NftTable = NonNullable<z.infer<typeof PacketFilterFacts>['nft']>[number];

/**
 * `*nat`, `:KUBE-POSTROUTING - [0:0]`, `[5:300] -A KUBE-POSTROUTING -m mark ... -j RETURN`, `COMMIT`.
 * Rules are kept as iptables-save prints them (`-A CHAIN ...`), without the `[n:m]` counters.
 */
export function parseIptablesSave(text: string): IptablesTables {
  const tables: IptablesTables = {};
  let table: Record<string, Chain> | undefined;
  const chain = (name: string): Chain => {
    const t = table ?? {};
    return (t[name] ??= { name, rules: [] });
  };
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    if (line.startsWith('*')) {
      const name = line.slice(1).trim();
      table = tables[name] ??= {};
      continue;
    }
    if (!table) continue;
    if (line === 'COMMIT') { table = undefined; continue; }
    const decl = /^:(\S+)\s+(\S+)/.exec(line);
    if (decl && decl[1] && decl[2]) {
      const c = chain(decl[1]);
      if (decl[2] !== '-') c.policy = decl[2];
      continue;
    }
    const rule = /^(?:\[\d+:\d+\]\s+)?(-[AI]\s+(\S+)(?:\s.*)?)$/.exec(line);
    if (rule && rule[1] && rule[2]) chain(rule[2]).rules.push(rule[1].replace(/\s+/g, ' '));
  }
  return tables;
}

const BLOCK_START = /\{\s*$/;
const count = (s: string, ch: string): number => s.split(ch).length - 1;

/**
 * `nft list ruleset`: `table inet x {`, `chain input {`, `type filter hook input priority 0; policy
 * accept;`, rule lines, `}`. Sets, maps, flowtables and other objects are skipped; a rule that
 * spans lines (long anonymous sets and verdict maps) is joined into one.
 */
export function parseNftRuleset(text: string): NftTable[] {
  const tables: NftTable[] = [];
  let table: NftTable | undefined;
  let chain: NftTable['chains'][number] | undefined;
  let skipDepth = 0;
  let pending: string | undefined;
  /** Open braces of the pending rule, kept as a count: re-counting the joined text at each line was quadratic. */
  let pendingDepth = 0;

  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    if (skipDepth > 0) { skipDepth += count(line, '{') - count(line, '}'); continue; }
    if (pending !== undefined) {
      pending += ` ${line}`;
      pendingDepth += count(line, '{') - count(line, '}');
      if (pendingDepth <= 0) { chain?.rules.push(cleanNftRule(pending)); pending = undefined; }
      continue;
    }
    if (!table) {
      const m = /^table\s+(\S+)\s+(\S+)\s*\{$/.exec(line);
      if (m && m[1] && m[2]) { table = { family: m[1], name: unquote(m[2]), chains: [] }; tables.push(table); }
      continue;
    }
    if (!chain) {
      if (line === '}') { table = undefined; continue; }
      const m = /^chain\s+(\S+)\s*\{$/.exec(line);
      if (m && m[1]) { chain = { name: unquote(m[1]), rules: [] }; table.chains.push(chain); }
      else if (BLOCK_START.test(line)) skipDepth = count(line, '{') - count(line, '}');
      continue;
    }
    if (line === '}') { chain = undefined; continue; }
    if (/^type\s+\S+\s+hook\s/.test(line)) {
      const hook = /\bhook\s+([a-z_]+)/.exec(line)?.[1];
      if (hook) chain.hook = hook;
      const policy = /\bpolicy\s+([a-z]+)/.exec(line)?.[1];
      if (policy) chain.policy = policy;
      continue;
    }
    if (/^policy\s+[a-z]+;?$/.test(line)) { chain.policy = line.replace(/^policy\s+|;$/g, ''); continue; }
    if (/^comment\s+"/.test(line)) continue;
    if (count(line, '{') > count(line, '}')) { pending = line; pendingDepth = count(line, '{') - count(line, '}'); continue; }
    chain.rules.push(cleanNftRule(line));
  }
  return tables;
}

/**
 * Drops `packets N bytes M` after `counter` and a trailing `# handle N` (from `nft -a`). Blanks are
 * folded first, so the handle is matched after one space: `\s*# handle` was quadratic on a long run
 * of blanks (issue 9, item 5).
 */
function cleanNftRule(rule: string): string {
  return rule.replace(/\bcounter packets \d+ bytes \d+/g, 'counter').replace(/\s+/g, ' ').trim().replace(/(?:^| )# handle \d+$/, '');
}

function unquote(s: string): string {
  return s.replace(/^"(.*)"$/, '$1');
}
