// `netstat -s` (net-tools) into the /proc/net/snmp counters it words out: under `Udp:`, `12 packet
// receive errors` is InErrors and `InCsumErrors: 3` is InCsumErrors. Only the counters podpath's
// rules read are translated; the rest of the wording varies between versions. Pure.

const UDP: [RegExp, string][] = [
  [/^(\d+) packets? received$/, 'InDatagrams'],
  [/^(\d+) packets? to unknown port received\.?$/, 'NoPorts'],
  [/^(\d+) packet receive errors?$/, 'InErrors'],
  [/^(\d+) packets? sent$/, 'OutDatagrams'],
  [/^(\d+) receive buffer errors?$/, 'RcvbufErrors'],
  [/^(\d+) send buffer errors?$/, 'SndbufErrors'],
  [/^InCsumErrors: (\d+)$/, 'InCsumErrors'],
];
const IP: [RegExp, string][] = [
  [/^(\d+) total packets received$/, 'InReceives'],
  [/^(\d+) forwarded$/, 'ForwDatagrams'],
  [/^(\d+) with invalid headers$/, 'InHdrErrors'],
  [/^(\d+) outgoing packets dropped$/, 'OutDiscards'],
  [/^Forwarding: (\w+)$/, 'Forwarding'],
];

export function parseNetstatS(text: string): Record<string, Record<string, number>> {
  const tables: Record<string, Record<string, number>> = {};
  let section: string | undefined;
  for (const raw of text.split('\n')) {
    const head = /^([A-Za-z]{2,16}):$/.exec(raw.trim());
    if (head && !/^\s/.test(raw)) {
      section = head[1];
      continue;
    }
    const table = section === 'Udp' ? UDP : section === 'Ip' ? IP : undefined;
    if (!table || !section) continue;
    const line = raw.trim();
    for (const [re, name] of table) {
      const m = re.exec(line);
      if (!m) continue;
      const v = name === 'Forwarding' ? (m[1] === 'enabled' || m[1] === '1' ? 1 : 2) : Number(m[1]);
      (tables[section] ??= {})[name] = v;
      break;
    }
  }
  return tables;
}
