// `nft monitor trace` (and plain `nft monitor`, which carries the same trace lines) -> events.
// One packet's lines share a trace id: `packet:` (the headers at the chain's entry), `rule ...
// (verdict V)` for each rule that matched, `policy V` when the chain's end was reached. A rule nft
// did not have in its cache when the monitor started prints as `unknown rule handle N`; with -a a
// known rule ends in `# handle N`.
import { LIMITS } from '../../util/limits.js';

export interface NftPacket {
  iif?: string;
  oif?: string;
  saddr?: string;
  daddr?: string;
  protocol?: string;
  sport?: number;
  dport?: number;
  /** IPv4 ID: the trace id is not unique per packet (it derives from the reused skb). */
  ipId?: number;
}

export interface NftTraceLine {
  id: string;
  family: string;
  table: string;
  chain: string;
  kind: 'packet' | 'rule' | 'policy' | 'verdict';
  /** The rule as nft prints it (without the handle), when it knew the rule. */
  rule?: string;
  handle?: number;
  /** accept, drop, continue, return, jump X, goto X, queue... */
  verdict?: string;
  packet?: NftPacket;
}

const HEAD = /^trace id ([0-9a-f]{1,16}) (ip|ip6|inet|arp|bridge|netdev) (\S{1,256}) (\S{1,256}) (.*)$/;

export function parseNftTraceLine(line: string): NftTraceLine | undefined {
  if (line.length > LIMITS.traceLine.value) return undefined;
  const h = HEAD.exec(line.trimEnd());
  if (!h) return undefined;
  const base = { id: h[1]!, family: h[2]!, table: h[3]!, chain: h[4]! };
  const rest = h[5]!;
  if (rest.startsWith('packet: ')) return { ...base, kind: 'packet', packet: parsePacket(rest.slice(8)) };
  if (rest.startsWith('policy ')) return { ...base, kind: 'policy', verdict: rest.slice(7).trim() };
  if (rest.startsWith('verdict ')) return { ...base, kind: 'verdict', verdict: rest.slice(8).trim() };
  if (rest.startsWith('rule ') || rest.startsWith('unknown rule handle ')) {
    const v = / \(verdict ([^()]{1,128})\)$/.exec(rest);
    const verdict = v ? v[1]!.trim() : undefined;
    const text = v ? rest.slice(0, v.index) : rest;
    const unknown = /^unknown rule handle (\d{1,20})$/.exec(text);
    if (unknown) return { ...base, kind: 'rule', handle: Number(unknown[1]), verdict };
    let rule = text.slice(5);
    let handle: number | undefined;
    const hm = / # handle (\d{1,20})$/.exec(rule);
    if (hm) {
      handle = Number(hm[1]);
      rule = rule.slice(0, hm.index);
    }
    return { ...base, kind: 'rule', rule, ...(handle !== undefined ? { handle } : {}), verdict };
  }
  return undefined;
}

function parsePacket(text: string): NftPacket {
  const p: NftPacket = {};
  const words = text.split(' ');
  for (let i = 0; i + 1 < words.length; i++) {
    const w = words[i]!;
    const next = words[i + 1]!;
    if (w === 'iif' || w === 'oif') p[w] = next.replace(/^"|"$/g, '');
    else if ((w === 'ip' || w === 'ip6') && i + 2 < words.length) {
      const v = words[i + 2]!;
      if (next === 'saddr') p.saddr = v;
      else if (next === 'daddr') p.daddr = v;
      else if (next === 'protocol' || next === 'nexthdr') p.protocol = v;
      else if (next === 'id' && /^\d{1,5}$/.test(v)) p.ipId = Number(v);
    } else if ((w === 'udp' || w === 'tcp') && i + 2 < words.length) {
      const v = Number(words[i + 2]);
      if (next === 'sport' && Number.isInteger(v)) p.sport = v;
      else if (next === 'dport' && Number.isInteger(v)) p.dport = v;
    }
  }
  return p;
}
