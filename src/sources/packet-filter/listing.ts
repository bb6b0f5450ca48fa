// Parser for `iptables [-t TABLE] -nvL` / `-vnxL` / `-nL` listings: what sosreports hold when they
// have no iptables-save (sos 3.x and later 4.x collect listings). Rules are rewritten into the
// iptables-save form (`-A CHAIN -s X -m mark --mark V -j T --opt`) for the matches kube-proxy,
// flannel and Calico use, so rules judge one format; words it cannot translate are kept as they are.
import type { z } from 'zod';
import type { IptablesChain } from '../../evidence/node-facts.js';
import { pushAll } from '../../util/arrays.js';

type Chain = z.infer<typeof IptablesChain>;

const OPT = /^(--|-f|!f)$/;
/** iptables >= 1.8.8 lists protocols by number; iptables-save names them (from /etc/protocols). */
const PROTOCOL_NAMES: Record<string, string> = {
  '1': 'icmp', '2': 'igmp', '4': 'ipencap', '6': 'tcp', '17': 'udp', '47': 'gre', '50': 'esp', '51': 'ah', '58': 'ipv6-icmp', '132': 'sctp', '136': 'udplite',
};

/** One table's listing: chains with their policy and rules in iptables-save form. */
export function parseIptablesListing(text: string): Record<string, Chain> {
  const chains: Record<string, Chain> = {};
  let chain: Chain | undefined;
  let verbose = true;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '') continue;
    const head = /^Chain\s+(\S+)\s+\((?:policy\s+(\w+)(?:\s[^)]*)?|\d+\s+references?)\)/.exec(line);
    if (head && head[1]) {
      chain = chains[head[1]] ??= { name: head[1], rules: [] };
      if (head[2]) chain.policy = head[2];
      continue;
    }
    if (!chain) continue;
    if (/^(pkts\s+bytes\s+)?target\s+prot\s+opt\b/.test(line)) { verbose = line.startsWith('pkts'); continue; }
    const rule = listingRuleToSave(chain.name, line.split(/\s+/), verbose);
    if (rule) chain.rules.push(rule);
  }
  return chains;
}

function listingRuleToSave(chainName: string, t: string[], verbose: boolean): string | undefined {
  let i = 0;
  if (verbose) {
    if (!/^\d+[KMGT]?$/.test(t[0] ?? '') || !/^\d+[KMGT]?$/.test(t[1] ?? '')) return undefined;
    i = 2;
  }
  // The target column is empty for a rule without -j: then the opt column comes one earlier.
  let target: string | undefined;
  if (OPT.test(t[i + 2] ?? '')) { target = t[i]; i++; } else if (!OPT.test(t[i + 1] ?? '')) return undefined;
  const prot = t[i] ?? '';
  const opt = t[i + 1] ?? '';
  i += 2;
  let inIf = '*', outIf = '*';
  if (verbose) { inIf = t[i] ?? '*'; outIf = t[i + 1] ?? '*'; i += 2; }
  const src = t[i] ?? '', dst = t[i + 1] ?? '';
  i += 2;
  const out: string[] = [`-A ${chainName}`];
  addAddr(out, '-s', src);
  addAddr(out, '-d', dst);
  addValue(out, '-i', inIf, '*');
  addValue(out, '-o', outIf, '*');
  const num = prot.replace(/^!/, '');
  const p = PROTOCOL_NAMES[num] ?? num;
  if (p !== 'all' && p !== '0') out.push(`${prot.startsWith('!') ? '! ' : ''}-p ${p}`);
  if (opt === '-f') out.push('-f');
  else if (opt === '!f') out.push('! -f');
  const { matches, targetOpts } = translateExtras(t.slice(i).join(' '), target);
  pushAll(out, matches);
  if (target) out.push(`-j ${target}`);
  pushAll(out, targetOpts);
  return out.join(' ');
}

function addAddr(out: string[], flag: string, v: string): void {
  const neg = v.startsWith('!');
  const a = neg ? v.slice(1) : v;
  if (a === '' || a === '0.0.0.0/0' || a === '::/0') return;
  out.push(`${neg ? '! ' : ''}${flag} ${a.includes('/') ? a : a.includes(':') ? `${a}/128` : `${a}/32`}`);
}

function addValue(out: string[], flag: string, v: string, any: string): void {
  if (v === any) return;
  out.push(v.startsWith('!') ? `! ${flag} ${v.slice(1)}` : `${flag} ${v}`);
}

/** The listing's trailing words: matches (`/* c *\/`, `mark match ! V`, `ctstate X`, `udp dpt:N`) and target options. */
function translateExtras(rest: string, target: string | undefined): { matches: string[]; targetOpts: string[] } {
  const matches: string[] = [];
  const targetOpts: string[] = [];
  let s = rest.trim();
  const take = (re: RegExp): RegExpExecArray | null => {
    const m = re.exec(s);
    if (m) s = s.slice(m[0].length).trim();
    return m;
  };
  // `/* comment */` is found with indexOf, and once no `*/` is left none is looked for again: the
  // regex /^\/\*\s?(.*?)\s?\*\// re-read the rest of the line at every `/*` (quadratic).
  let commentEnds = true;
  const comment = (): string | undefined => {
    if (!commentEnds || !s.startsWith('/*')) return undefined;
    const from = /^\s/.test(s.slice(2, 3)) ? 3 : 2;
    const end = s.indexOf('*/', from);
    if (end < 0) {
      commentEnds = false;
      return undefined;
    }
    const body = s.slice(from, end);
    s = s.slice(end + 2).trim();
    return /\s$/.test(body) ? body.slice(0, -1) : body;
  };
  while (s !== '') {
    let m: RegExpExecArray | null;
    let text: string | undefined;
    if ((text = comment()) !== undefined) matches.push(`-m comment --comment "${text}"`);
    else if ((m = take(/^mark match (! )?(\S+)/))) matches.push(`-m mark ${m[1] ? '! ' : ''}--mark ${m[2]}`);
    else if ((m = take(/^ctstate (! )?(\S+)/))) matches.push(`-m conntrack ${m[1] ? '! ' : ''}--ctstate ${m[2]}`);
    else if ((m = take(/^state (! )?(\S+)/))) matches.push(`-m state ${m[1] ? '! ' : ''}--state ${m[2]}`);
    else if ((m = take(/^ADDRTYPE match (src|dst)-type (!\s?)?(\S+)(?: limit-in)?/))) matches.push(`-m addrtype ${m[2] ? '! ' : ''}--${m[1]}-type ${m[3]}`);
    else if ((m = take(/^(tcp|udp|sctp)((?:\s+(?:dpts?|spts?):!?\S+)+)/))) {
      const parts = (m[2] ?? '').trim().split(/\s+/).map((w) => {
        const [k, ...v] = w.split(':');
        const val = v.join(':');
        const neg = val.startsWith('!');
        return `${neg ? '! ' : ''}--${k?.startsWith('d') ? 'dport' : 'sport'} ${neg ? val.slice(1) : val}`;
      });
      matches.push(`-m ${m[1]} ${parts.join(' ')}`);
    } else if ((m = take(/^statistic mode random probability (\S+)/))) matches.push(`-m statistic --mode random --probability ${m[1]}`);
    else if ((m = take(/^statistic mode nth every (\d+)(?: packet (\d+))?/))) matches.push(`-m statistic --mode nth --every ${m[1]}${m[2] ? ` --packet ${m[2]}` : ''}`);
    else if ((m = take(/^MARK (or|xor|set|and) (\S+)/))) targetOpts.push(`--set-xmark ${markValue(m[1] ?? '', m[2] ?? '')}`);
    else if ((m = take(/^MARK xset (\S+)/))) targetOpts.push(`--set-xmark ${m[1]}`);
    else if (take(/^random-fully\b/)) targetOpts.push('--random-fully');
    else if (take(/^random\b/)) targetOpts.push('--random');
    else if ((m = take(/^reject-with (\S+)/))) targetOpts.push(`--reject-with ${m[1]}`);
    else if ((m = take(/^to:(\S+)/))) targetOpts.push(`--${target === 'SNAT' ? 'to-source' : 'to-destination'} ${m[1]}`);
    else if ((m = take(/^masq ports: (\S+)/))) targetOpts.push(`--to-ports ${m[1]}`);
    else if ((m = take(/^(\S+)/))) matches.push(m[1] ?? '');
  }
  return { matches, targetOpts };
}

/** How iptables-save prints the MARK target the listing shows as `MARK or 0x4000`. */
function markValue(op: string, v: string): string {
  switch (op) {
    case 'or': return `${v}/${v}`;
    case 'xor': return `${v}/0x0`;
    case 'set': return `${v}/0xffffffff`;
    default: return v; // `and`: keep the listing's value, no exact save form
  }
}
