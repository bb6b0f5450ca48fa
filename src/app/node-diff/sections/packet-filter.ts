// Packet filter: chain policies (decisive) and rule sets with node-specific addresses masked and
// counters stripped; kube-proxy's per-service chains are compared as a count (they follow Services).
import { worded } from '../../../evidence/node-diff-notes.js';
import { isIptablesCompatTable } from '../../../evidence/packet-filter.js';
import { maskText, type NodeContext } from '../context.js';
import type { NodeDiffSink } from '../sink.js';
import type { Relevance } from '../../../evidence/node-diff.js';

/** Chains kube-proxy writes per Service/endpoint: their names are hashes, their rules follow endpoints. */
const PER_SERVICE = /^KUBE-(SVC|SEP|FW|XLB|EXT|SVL)-/;

const BUILTIN: Record<string, string[]> = {
  filter: ['INPUT', 'FORWARD', 'OUTPUT'],
  nat: ['PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING'],
  mangle: ['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'],
  raw: ['PREROUTING', 'OUTPUT'],
};

function stripCounters(rule: string): string {
  return rule.replace(/(?<!\s)\s*counter packets \d+ bytes \d+/g, ' counter').replace(/^\[\d+:\d+\]\s*/, '').replace(/\s+/g, ' ').trim();
}

function chainRelevance(table: string, chain: string): Relevance {
  if (table === 'filter' && /^(INPUT|FORWARD)$/.test(chain)) return 'high';
  if (/^(FLANNEL|KUBE-FORWARD|KUBE-POSTROUTING|cali-FORWARD|cali-INPUT|POSTROUTING|PREROUTING)/.test(chain)) return 'high';
  if (PER_SERVICE.test(chain)) return 'low';
  return 'medium';
}

export function comparePacketFilter(sink: NodeDiffSink, a: NodeContext, b: NodeContext): void {
  const pa = a.facts.packetFilter;
  const pb = b.facts.packetFilter;
  if (!pa || !pb) return;
  const srcA = pa.sources[0];
  const srcB = pb.sources[0];
  if (pa.iptables && pb.iptables) {
    for (const table of new Set([...Object.keys(pa.iptables), ...Object.keys(pb.iptables)])) {
      const ca = pa.iptables[table] ?? {};
      const cb = pb.iptables[table] ?? {};
      let serviceA = 0;
      let serviceB = 0;
      for (const chain of new Set([...Object.keys(ca), ...Object.keys(cb)])) {
        if (PER_SERVICE.test(chain)) {
          serviceA += ca[chain] ? 1 : 0;
          serviceB += cb[chain] ? 1 : 0;
          continue;
        }
        // A built-in chain of a table a node does not have accepts everything: compare it as such.
        const builtin = BUILTIN[table]?.includes(chain) ?? false;
        const implicit = { name: chain, policy: 'ACCEPT (no such table: built-in default)', rules: [] as string[] };
        const x = ca[chain] ?? (builtin && !pa.iptables[table] ? implicit : undefined);
        const y = cb[chain] ?? (builtin && !pb.iptables[table] ? implicit : undefined);
        const rel = chainRelevance(table, chain);
        if (!x || !y) {
          const shown = (c: typeof x) => (c ? (c.policy ? worded('presentPolicyRules', { policy: c.policy, rules: c.rules.length }) : worded('presentRules', { rules: c.rules.length })) : undefined);
          sink.value('packet-filter', `iptables.${table}.${chain}`, shown(x), shown(y), rel, { note: { code: 'chainOneSided' } });
          continue;
        }
        // The first ` (` of a policy that ends with `)`: found without a regex (/ \(.*\)$/ was quadratic).
        const policyOf = (c: typeof x) => (c.policy?.endsWith(')') && c.policy.indexOf(' (') >= 0 ? c.policy.slice(0, c.policy.indexOf(' (')) : c.policy);
        if (policyOf(x) === policyOf(y) && x.rules.length === 0 && y.rules.length === 0) continue;
        sink.value('packet-filter', `iptables.${table}.${chain}.policy`, x.policy, y.policy, rel === 'low' ? 'low' : 'high', {
          evA: x.policy ? [{ source: srcA ?? 'iptables-save', text: `:${chain} ${x.policy}` }] : [],
          evB: y.policy ? [{ source: srcB ?? 'iptables-save', text: `:${chain} ${y.policy}` }] : [],
        });
        sink.sets('packet-filter', `iptables.${table}.${chain}.rules`, x.rules.map((r) => maskText(a, stripCounters(r))), y.rules.map((r) => maskText(b, stripCounters(r))), rel, { sourceA: srcA, sourceB: srcB });
      }
      sink.value('packet-filter', `iptables.${table}.per-service-chains`, serviceA || undefined, serviceB || undefined, 'low', { note: { code: 'serviceChains' } });
    }
  } else if (pa.iptables || pb.iptables) {
    sink.value('packet-filter', 'iptables', pa.iptables ? worded('collected') : undefined, pb.iptables ? worded('collected') : undefined, 'low', { note: { code: 'iptablesOneSided' } });
  }
  if (pa.nft && pb.nft) {
    // iptables-nft tables appear in both listings: judged once, from iptables-save, when both nodes have it.
    const skipCompat = pa.iptables !== undefined && pb.iptables !== undefined;
    const tables = (nft: NonNullable<typeof pa.nft>) => new Map(nft.filter((t) => !(skipCompat && isIptablesCompatTable(t))).map((t) => [`${t.family} ${t.name}`, t]));
    const ta = tables(pa.nft);
    const tb = tables(pb.nft);
    for (const name of new Set([...ta.keys(), ...tb.keys()])) {
      const x = ta.get(name);
      const y = tb.get(name);
      if (!x || !y) {
        const hooks = (t: typeof x) => (t ? worded('presentChains', { chains: t.chains.map((c) => `${c.name}${c.hook ? `@${c.hook}` : ''}${c.policy ? ` policy ${c.policy}` : ''}`).join(', ') }) : undefined);
        const drops = [x, y].some((t) => t?.chains.some((c) => c.hook && c.policy === 'drop'));
        sink.value('packet-filter', `nft.${name}`, hooks(x), hooks(y), drops ? 'high' : 'medium', { note: { code: 'nftTableOneSided' } });
        continue;
      }
      for (const chainName of new Set([...x.chains.map((c) => c.name), ...y.chains.map((c) => c.name)])) {
        const cx = x.chains.find((c) => c.name === chainName);
        const cy = y.chains.find((c) => c.name === chainName);
        if (PER_SERVICE.test(chainName)) continue;
        const rel: Relevance = (cx ?? cy)?.hook ? 'high' : 'medium';
        if (!cx || !cy) {
          const shown = (c: typeof cx) => (c ? (!c.hook ? worded('present') : c.policy ? worded('presentHookPolicy', { hook: c.hook, policy: c.policy }) : worded('presentHook', { hook: c.hook })) : undefined);
          sink.value('packet-filter', `nft.${name}.${chainName}`, shown(cx), shown(cy), rel);
          continue;
        }
        sink.value('packet-filter', `nft.${name}.${chainName}.policy`, cx.policy, cy.policy, 'high', { note: cx.hook ? { code: 'nftHook', data: { hook: cx.hook } } : undefined });
        sink.sets('packet-filter', `nft.${name}.${chainName}.rules`, cx.rules.map((r) => maskText(a, stripCounters(r))), cy.rules.map((r) => maskText(b, stripCounters(r))), rel === 'high' ? 'medium' : 'low', { sourceA: pa.sources.find((s) => /nft/.test(s)) ?? srcA, sourceB: pb.sources.find((s) => /nft/.test(s)) ?? srcB });
      }
    }
  }
}
