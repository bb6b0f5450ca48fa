// Parser for the paired-line tables of /proc/net/snmp and /proc/net/netstat:
//   Udp: InDatagrams NoPorts InErrors ... InCsumErrors
//   Udp: 42 0 3 ... 3
// Pure; a header without its value line (or a count mismatch) is skipped.

/** Tables by name (`Ip`, `Icmp`, `IcmpMsg`, `Tcp`, `Udp`, `UdpLite`, `TcpExt`, `IpExt`), counters by name. */
export function parseProcNetPairs(text: string): Record<string, Record<string, number>> {
  const tables: Record<string, Record<string, number>> = {};
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  for (let i = 0; i + 1 < lines.length; i++) {
    const head = splitRow(lines[i] ?? '');
    const vals = splitRow(lines[i + 1] ?? '');
    if (!head || !vals || head.table !== vals.table) continue;
    // A header row has names; its value row has numbers (values may be negative: Tcp MaxConn -1).
    if (!head.cells.every((c) => /^[A-Za-z]/.test(c)) || !vals.cells.every((c) => /^-?\d+$/.test(c))) continue;
    if (head.cells.length !== vals.cells.length) { i++; continue; }
    const t = (tables[head.table] ??= {});
    head.cells.forEach((name, j) => { t[name] = Number(vals.cells[j]); });
    i++;
  }
  return tables;
}

function splitRow(line: string): { table: string; cells: string[] } | undefined {
  const m = /^\s*([A-Za-z][A-Za-z0-9]*):\s*(.*)$/s.exec(line);
  if (!m) return undefined;
  const rest = (m[2] ?? '').trim();
  return { table: m[1] ?? '', cells: rest === '' ? [] : rest.split(/\s+/) };
}
