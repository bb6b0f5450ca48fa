// The user's --filter for skb:kfree_skb: a small, safe subset of the tracefs filter grammar.
// Only numeric comparisons on a few fields, joined by && || ! and parentheses; reason names are
// turned into this kernel's numbers (they move between versions). What is written to the kernel
// is rebuilt from the parsed tree, never the user's text, so no string reaches the filter file.
import { PodpathError } from '../../util/errors.js';
import { LIMITS } from '../../util/limits.js';

export type FilterNode =
  | { op: '&&' | '||'; left: FilterNode; right: FilterNode }
  | { op: '!'; inner: FilterNode }
  | { field: FilterField; cmp: Comparison; value: number | string };

export type FilterField = 'protocol' | 'reason' | 'common_pid';
type Comparison = '==' | '!=' | '<' | '<=' | '>' | '>=' | '&';

const FIELDS: readonly FilterField[] = ['protocol', 'reason', 'common_pid'];
const PROTOCOLS: Record<string, number> = { ipv4: 0x0800, ip: 0x0800, ipv6: 0x86dd, arp: 0x0806 };
const MAX_DEPTH = 8;
const MAX_TERMS = 32;

/** What the kernel would get when no --filter is given: IPv4 packets only. */
export const DEFAULT_FILTER = 'protocol == 2048';

const TOKEN = /\s*(?:(&&|\|\||==|!=|<=|>=|[<>&!()])|([A-Za-z_][A-Za-z0-9_]{0,63})|(0x[0-9a-fA-F]{1,8}|\d{1,10}))/y;

function fail(msg: string): never {
  throw new PodpathError(LIMITS.traceFilter.code, `--filter: ${msg}`);
}

export function parseFilter(text: string): FilterNode {
  if (text.length > LIMITS.traceFilter.value) fail(`longer than ${LIMITS.traceFilter.value} characters`);
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  let pos = 0;
  while (pos < text.length) {
    if (/^\s*$/.test(text.slice(pos))) break;
    TOKEN.lastIndex = pos;
    const m = TOKEN.exec(text);
    if (!m) fail(`cannot read "${text.slice(pos, pos + 20).trim()}" (allowed: ${FIELDS.join(', ')}, numbers, reason names, == != < <= > >= &, && || ! and parentheses)`);
    tokens.push(m[1] ?? m[2] ?? m[3]!);
    pos = TOKEN.lastIndex;
  }
  if (tokens.length === 0) fail('empty');
  let i = 0;
  let terms = 0;
  const peek = () => tokens[i];
  const next = () => tokens[i++];
  const orExpr = (depth: number): FilterNode => {
    let left = andExpr(depth);
    while (peek() === '||') { next(); left = { op: '||', left, right: andExpr(depth) }; }
    return left;
  };
  const andExpr = (depth: number): FilterNode => {
    let left = unary(depth);
    while (peek() === '&&') { next(); left = { op: '&&', left, right: unary(depth) }; }
    return left;
  };
  const unary = (depth: number): FilterNode => {
    if (depth > MAX_DEPTH) fail(`nested deeper than ${MAX_DEPTH}`);
    const t = next();
    if (t === '!') return { op: '!', inner: unary(depth + 1) };
    if (t === '(') {
      const inner = orExpr(depth + 1);
      if (next() !== ')') fail('missing )');
      return inner;
    }
    if (t === undefined) fail('ends too early');
    if (!(FIELDS as readonly string[]).includes(t)) fail(`unknown field "${t}" (allowed: ${FIELDS.join(', ')})`);
    const cmp = next();
    if (!cmp || !['==', '!=', '<', '<=', '>', '>=', '&'].includes(cmp)) fail(`expected a comparison after ${t}`);
    const v = next();
    if (v === undefined || /^[&|=!<>()]/.test(v)) fail(`expected a value after ${t} ${cmp}`);
    if (++terms > MAX_TERMS) fail(`more than ${MAX_TERMS} comparisons`);
    const value = /^(0x|\d)/.test(v) ? Number(v) : v;
    if (typeof value === 'string' && t === 'common_pid') fail('common_pid takes a number');
    return { field: t as FilterField, cmp: cmp as Comparison, value };
  };
  const tree = orExpr(0);
  if (i < tokens.length) fail(`unexpected "${tokens[i]}"`);
  return tree;
}

/** What this kernel's event offers the filter. */
export interface FilterTarget {
  hasReason: boolean;
  reasons: Map<number, string>;
}

/** The filter text written to the kernel, with names turned into this kernel's numbers. */
export function renderFilter(node: FilterNode, target: FilterTarget): string {
  const byName = new Map([...target.reasons].map(([n, name]) => [name, n] as const));
  const walk = (n: FilterNode, parentOp?: string): string => {
    if ('field' in n) {
      if (n.field === 'reason' && !target.hasReason) fail('this kernel\'s kfree_skb event has no reason field (added in 5.17)');
      let value: number;
      if (typeof n.value === 'number') value = n.value;
      else if (n.field === 'protocol') {
        const p = PROTOCOLS[n.value.toLowerCase()];
        if (p === undefined) fail(`unknown protocol "${n.value}" (ipv4, ipv6, arp or a number)`);
        value = p;
      } else {
        const r = byName.get(n.value);
        if (r === undefined) fail(`this kernel has no drop reason named "${n.value}"`);
        value = r;
      }
      return `${n.field} ${n.cmp} ${value}`;
    }
    if (n.op === '!') return `!(${walk(n.inner)})`;
    const s = `${walk(n.left, n.op)} ${n.op} ${walk(n.right, n.op)}`;
    return parentOp !== undefined && parentOp !== n.op ? `(${s})` : s;
  };
  return walk(node);
}

const GLOB = /^[A-Za-z0-9_.@:*?-]{1,32}$/;

/** The netif_receive_skb filter for --devices GLOB: a device-name glob of plain characters. */
export function deviceFilter(glob: string | undefined): string | undefined {
  if (glob === undefined || glob === '' || glob === '*') return undefined;
  if (!GLOB.test(glob)) {
    throw new PodpathError(LIMITS.traceFilter.code, `--devices: "${glob}" is not a device name glob (letters, digits, _ . @ : - and the wildcards * ?, up to 32)`);
  }
  return `name ~ "${glob}"`;
}
