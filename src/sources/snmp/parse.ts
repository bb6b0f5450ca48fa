// Parser for the paired-line tables of /proc/net/snmp and /proc/net/netstat:
//   Udp: InDatagrams NoPorts InErrors ... InCsumErrors
//   Udp: 42 0 3 ... 3
// Pure; a header without its value line (or a count mismatch) is skipped. Hand-written checks
// instead of a regular expression per cell: every mesh round of every agent reads these files.

/**
 * Tables by name (`Ip`, `Icmp`, `IcmpMsg`, `Tcp`, `Udp`, `UdpLite`, `TcpExt`, `IpExt`), counters by
 * name. `only`: the tables wanted (the others' rows are paired but never split into cells).
 */
export function parseProcNetPairs(text: string, only?: readonly string[]): Record<string, Record<string, number>> {
  const tables: Record<string, Record<string, number>> = {};
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  for (let i = 0; i + 1 < lines.length; i++) {
    const headTable = tableOf(lines[i]!);
    if (headTable === undefined || headTable.name !== tableOf(lines[i + 1]!)?.name) continue;
    if (only && !only.includes(headTable.name)) {
      // Paired as the full parse pairs them (so the rows after stay aligned), never split.
      if (isPair(lines[i]!, lines[i + 1]!)) i++;
      continue;
    }
    const head = cellsOf(lines[i]!, headTable.rest);
    const vals = cellsOf(lines[i + 1]!, tableOf(lines[i + 1]!)!.rest);
    // A header row has names; its value row has numbers (values may be negative: Tcp MaxConn -1).
    if (!head.every(isName) || !vals.every(isInteger)) continue;
    if (head.length !== vals.length) { i++; continue; }
    const t = (tables[headTable.name] ??= {});
    for (let j = 0; j < head.length; j++) t[head[j]!] = Number(vals[j]);
    i++;
  }
  return tables;
}

/** Whether two rows of one table are a header and its values (counts aside): what the full parse pairs. */
function isPair(a: string, b: string): boolean {
  return cellsOf(a, tableOf(a)!.rest).every(isName) && cellsOf(b, tableOf(b)!.rest).every(isInteger);
}

/** `^\s*([A-Za-z][A-Za-z0-9]*):\s*` without a regular expression: the table's name and where its cells start. */
function tableOf(line: string): { name: string; rest: number } | undefined {
  let s = 0;
  while (s < line.length && isSpace(line.charCodeAt(s))) s++;
  let e = s;
  while (e < line.length && (isLetter(line.charCodeAt(e)) || (e > s && isDigit(line.charCodeAt(e))))) e++;
  if (e === s || line.charCodeAt(e) !== 58 /* : */) return undefined;
  return { name: line.slice(s, e), rest: e + 1 };
}

function cellsOf(line: string, from: number): string[] {
  const rest = line.slice(from).trim();
  if (rest === '') return [];
  // The kernel separates cells with one space: a plain split, unless other whitespace is there.
  return /\s\s|[^\S ]/.test(rest) ? rest.split(/\s+/) : rest.split(' ');
}

function isName(c: string): boolean {
  return c.length > 0 && isLetter(c.charCodeAt(0));
}

function isInteger(c: string): boolean {
  let i = c.charCodeAt(0) === 45 /* - */ ? 1 : 0;
  if (i >= c.length) return false;
  for (; i < c.length; i++) if (!isDigit(c.charCodeAt(i))) return false;
  return true;
}

const isLetter = (x: number) => (x >= 65 && x <= 90) || (x >= 97 && x <= 122);
const isDigit = (x: number) => x >= 48 && x <= 57;
const isSpace = (x: number) => x === 32 || (x >= 9 && x <= 13) || x === 0xa0 || x === 0xfeff || x === 0x1680 || (x >= 0x2000 && x <= 0x200a) || x === 0x2028 || x === 0x2029 || x === 0x202f || x === 0x205f || x === 0x3000;
