// Firewall trace lines -> which rule or policy decided each traced packet's fate. Pure: fed with
// parsed `nft monitor trace` or iptables TRACE lines; our own tracing table/rules are left out.
import type { RuleVerdict } from '../../evidence/drop-trace.js';
import { LIMITS } from '../../util/limits.js';
import { traceTarget, type IptablesRuleset, type IptablesTraceLine } from './iptables-trace.js';
import type { NftTraceLine } from './nft-trace.js';

type Example = NonNullable<RuleVerdict['example']>;

export interface PacketMatch {
  ports: number[];
  addresses: string[];
}

/** A packet is ours when a port matches (either end) and, if addresses were given, an address does. */
export function matchesPacket(m: PacketMatch, e: Example): boolean {
  const portOk = m.ports.length === 0 || (e.sport !== undefined && m.ports.includes(e.sport)) || (e.dport !== undefined && m.ports.includes(e.dport));
  const addrOk = m.addresses.length === 0 || (e.src !== undefined && m.addresses.includes(e.src)) || (e.dst !== undefined && m.addresses.includes(e.dst));
  return portOk && addrOk;
}

const MAX_PACKETS_REMEMBERED = 65_536;

export class VerdictTally {
  private readonly rows = new Map<string, RuleVerdict>();
  /** packet id -> what it was and which rows it was counted in already. */
  private readonly packetsSeen = new Map<string, { example: Example; keys: Set<string> }>();
  /** nft trace id -> the packet it belongs to now. */
  private readonly current = new Map<string, string>();
  packets = 0;

  constructor(private readonly match: PacketMatch, private readonly isOwn: (table: string, rule?: string) => boolean) {}

  pushNft(l: NftTraceLine): void {
    if (l.kind === 'packet') {
      const p = l.packet ?? {};
      const example: Example = { src: p.saddr, dst: p.daddr, protocol: p.protocol, sport: p.sport, dport: p.dport, in: p.iif, out: p.oif };
      // One packet prints a `packet:` line at each chain it enters; the trace id alone is reused by
      // later packets (same skb), so the IP ID and addresses tell a new packet from the same one.
      const key = `${l.id} ${p.ipId ?? ''} ${p.saddr ?? ''} ${p.daddr ?? ''} ${p.sport ?? ''} ${p.dport ?? ''}`;
      if (this.current.get(l.id) === key) return;
      this.current.delete(l.id);
      if (!matchesPacket(this.match, example)) return;
      this.current.set(l.id, key);
      if (this.current.size > MAX_PACKETS_REMEMBERED) this.current.delete(this.current.keys().next().value as string);
      this.remember(key, example);
      return;
    }
    const key = this.current.get(l.id);
    const seen = key === undefined ? undefined : this.packetsSeen.get(key);
    if (!seen || !l.verdict || l.verdict === 'continue' || this.isOwn(l.table, l.rule)) return;
    this.count(seen, {
      family: l.family, table: l.table, chain: l.chain, kind: l.kind === 'policy' ? 'policy' : 'rule',
      ...(l.handle !== undefined ? { handle: l.handle } : {}), ...(l.rule !== undefined ? { rule: l.rule } : {}), verdict: l.verdict,
    });
  }

  pushIptables(l: IptablesTraceLine, rs: IptablesRuleset): void {
    const example: Example = { src: l.src, dst: l.dst, protocol: l.proto?.toLowerCase(), sport: l.spt, dport: l.dpt, in: l.in || undefined, out: l.out || undefined };
    if (!matchesPacket(this.match, example)) return;
    const id = `${l.src} ${l.dst} ${l.proto} ${l.spt} ${l.dpt} ${l.ipId}`;
    const seen = this.packetsSeen.get(id) ?? this.remember(id, example);
    const t = traceTarget(rs, l);
    if (this.isOwn(l.table, t.rule)) return;
    this.count(seen, {
      table: l.table, chain: l.chain, kind: l.type, ...(l.type === 'rule' ? { rulenum: l.rulenum } : {}),
      ...(t.rule !== undefined ? { rule: t.rule } : {}), verdict: t.verdict ?? 'unknown',
    });
  }

  /** Drops and rejects first, then by packets. */
  verdicts(): RuleVerdict[] {
    const final = (v: string) => (/^(drop|reject)/.test(v) ? 0 : 1);
    return [...this.rows.values()].sort((a, b) => final(a.verdict) - final(b.verdict) || b.packets - a.packets || a.table.localeCompare(b.table));
  }

  private remember(id: string, example: Example): { example: Example; keys: Set<string> } {
    const entry = { example, keys: new Set<string>() };
    this.packetsSeen.set(id, entry);
    this.packets++;
    if (this.packetsSeen.size > MAX_PACKETS_REMEMBERED) this.packetsSeen.delete(this.packetsSeen.keys().next().value as string);
    return entry;
  }

  private count(seen: { example: Example; keys: Set<string> }, row: Omit<RuleVerdict, 'packets' | 'example'>): void {
    const key = [row.family, row.table, row.chain, row.kind, row.handle, row.rulenum, row.rule, row.verdict].join('\u0000');
    if (seen.keys.has(key)) return;
    seen.keys.add(key);
    const r = this.rows.get(key);
    if (r) r.packets++;
    else if (this.rows.size < LIMITS.traceKeys.value) this.rows.set(key, { ...row, packets: 1, example: clean(seen.example) });
  }
}

function clean(e: Example): Example {
  return Object.fromEntries(Object.entries(e).filter(([, v]) => v !== undefined)) as Example;
}
