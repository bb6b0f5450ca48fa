// `netstat -i` (net-tools): packets, not bytes, per interface, and names cut to 8 characters
// (`flannel.` is flannel.1 or flannel.10...: the name is kept as printed, never completed). Pure.

export interface NetstatIface {
  name: string;
  mtu: number;
  rxPackets: number;
  rxErrors: number;
  rxDropped: number;
  txPackets: number;
  txErrors: number;
  txDropped: number;
  line: string;
}

export function parseNetstatI(text: string): NetstatIface[] {
  const lines = text.split('\n');
  const h = lines.findIndex((l) => /^Iface +MTU /.test(l));
  if (h < 0) return [];
  const cols = lines[h]!.trim().split(/\s+/);
  const at = (name: string): number => cols.indexOf(name);
  const out: NetstatIface[] = [];
  for (const raw of lines.slice(h + 1)) {
    const w = raw.trim().split(/\s+/);
    if (w.length < cols.length - 1 || !/^\d+$/.test(w[1] ?? '')) continue;
    const n = (name: string): number => Number(w[at(name)] ?? NaN);
    const row: NetstatIface = {
      name: w[0]!, mtu: n('MTU'),
      rxPackets: n('RX-OK'), rxErrors: n('RX-ERR'), rxDropped: n('RX-DRP'),
      txPackets: n('TX-OK'), txErrors: n('TX-ERR'), txDropped: n('TX-DRP'),
      line: raw.trim(),
    };
    if (Object.values(row).some((v) => typeof v === 'number' && !Number.isFinite(v))) continue;
    out.push(row);
  }
  return out;
}
