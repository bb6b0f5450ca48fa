// iptables TRACE lines from the kernel log (legacy xtables: ip_tables' trace via nf_log), and the
// iptables-save text that turns `filter:FORWARD:rule:1` into the rule it names.
// Forms: dmesg `[ 3038.990745] TRACE: ...`, /dev/kmsg `4,1160,3038990745,-;TRACE: ...`, syslog
// `Dec  3 10:27:43 host kernel: [ 3038.99] TRACE: ...`.
import { LIMITS } from '../../util/limits.js';

export interface IptablesTraceLine {
  /** Seconds since boot, when the line carried a timestamp. */
  ts?: number;
  table: string;
  chain: string;
  type: 'rule' | 'return' | 'policy';
  rulenum: number;
  in?: string;
  out?: string;
  src?: string;
  dst?: string;
  proto?: string;
  spt?: number;
  dpt?: number;
  /** IP ID: with the addresses and ports, tells one packet's lines from another's. */
  ipId?: number;
}

const TRACE = /TRACE: ([a-z]{1,32}):(\S{1,64}?):(rule|return|policy):(\d{1,10})(?: |$)/;

export function parseIptablesTraceLine(line: string): IptablesTraceLine | undefined {
  if (line.length > LIMITS.traceLine.value) return undefined;
  const m = TRACE.exec(line);
  if (!m) return undefined;
  const out: IptablesTraceLine = { table: m[1]!, chain: m[2]!, type: m[3] as IptablesTraceLine['type'], rulenum: Number(m[4]) };
  const before = line.slice(0, m.index);
  const dm = /\[\s{0,12}(\d{1,12}\.\d{1,9})\]\s*$/.exec(before);
  const km = /^\d{1,3},\d{1,20},(\d{1,20}),[^;]{0,16};$/.exec(before);
  if (dm) out.ts = Number(dm[1]);
  else if (km) out.ts = Number(km[1]) / 1e6;
  for (const word of line.slice(m.index + m[0].length).trim().split(' ')) {
    const eq = word.indexOf('=');
    if (eq <= 0) continue;
    const k = word.slice(0, eq);
    const v = word.slice(eq + 1);
    switch (k) {
      case 'IN': out.in = v; break;
      case 'OUT': out.out = v; break;
      case 'SRC': out.src = v; break;
      case 'DST': out.dst = v; break;
      case 'PROTO': out.proto = v; break;
      case 'SPT': out.spt = Number(v); break;
      case 'DPT': out.dpt = Number(v); break;
      case 'ID': if (out.ipId === undefined) out.ipId = Number(v); break;
      default: break;
    }
  }
  return out;
}

export interface IptablesChain { policy?: string; rules: string[] }
/** table -> chain -> rules in order (rule N of a TRACE line is rules[N - 1]). */
export type IptablesRuleset = Map<string, Map<string, IptablesChain>>;

export function parseIptablesSave(text: string): IptablesRuleset {
  const tables: IptablesRuleset = new Map();
  let table: Map<string, IptablesChain> | undefined;
  for (const raw of text.split('\n')) {
    if (raw.length > LIMITS.traceLine.value) continue;
    const line = raw.trimEnd();
    if (line.startsWith('*')) {
      table = new Map();
      tables.set(line.slice(1), table);
    } else if (!table) continue;
    else if (line.startsWith(':')) {
      const [name, policy] = line.slice(1).split(' ');
      if (name) table.set(name, { policy: policy === '-' ? undefined : policy, rules: table.get(name)?.rules ?? [] });
    } else if (line.startsWith('-A ')) {
      const name = line.split(' ')[1]!;
      const chain = table.get(name) ?? { rules: [] };
      chain.rules.push(line);
      table.set(name, chain);
    }
  }
  return tables;
}

/** The rule (or policy) a TRACE line names, and the verdict it gives when it is the last word. */
export function traceTarget(rs: IptablesRuleset, t: IptablesTraceLine): { rule?: string; verdict?: string } {
  const chain = rs.get(t.table)?.get(t.chain);
  if (!chain) return {};
  if (t.type === 'policy') return { verdict: chain.policy?.toLowerCase() };
  if (t.type === 'return') return { verdict: 'return' };
  const rule = chain.rules[t.rulenum - 1];
  if (!rule) return {};
  const j = / -j (\S{1,64})/.exec(rule);
  return { rule, verdict: j ? j[1]!.toLowerCase() : undefined };
}
