// More of NetworkManager's own words, as transcripts carry them: `nmcli connection show` (a profile
// bound to flannel.1 means NM holds that device), plain `nmcli` (`cali1a81d481534: connecting
// (getting IP configuration) to Wired connection 3`), and its log lines about activating a device.
// Pure.

export interface NmConnection {
  name: string;
  uuid?: string;
  type?: string;
  device?: string;
  line: string;
}

/** `NAME  UUID  TYPE  DEVICE` table: columns start where the header's words do (names hold spaces). */
/** A connection row split at its UUID: [line, name, uuid, type, device?], or undefined. */
function byUuid(line: string): [string, string, string, string, string | undefined] | undefined {
  // The name is at most 200 characters and its padding short: the UUID is near the start (a hostile
  // 200k-character line is not searched to its end, once per line).
  const u = /\s([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(?=\s)/.exec(line.slice(0, 400));
  if (!u || u.index < 1 || u.index > 200) return undefined;
  const rest = line.slice(u.index + u[0].length).trim().split(/\s+/);
  if (rest.length < 1 || rest.length > 2 || rest.some((x) => x === '' || x.length > 64)) return undefined;
  return [line, line.slice(0, u.index), u[1]!, rest[0]!, rest[1]];
}

export function parseNmcliConnections(text: string): NmConnection[] {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  const h = lines.findIndex((l) => /^NAME +UUID +TYPE +DEVICE/.test(l));
  if (h < 0) return [];
  const header = lines[h]!;
  const cols = ['NAME', 'UUID', 'TYPE', 'DEVICE'].map((c) => header.indexOf(c));
  const out: NmConnection[] = [];
  for (const line of lines.slice(h + 1)) {
    const cut = (i: number): string => line.slice(cols[i]!, i + 1 < cols.length ? cols[i + 1] : undefined).trim();
    // A row shorter than the header (trailing padding trimmed) still has its fields by the UUID.
    const m = byUuid(line);
    const name = m ? m[1]!.trim() : cut(0);
    if (!name) continue;
    const device = m ? m[4] : cut(3);
    out.push({ name, uuid: m ? m[2] : cut(1) || undefined, type: m ? m[3] : cut(2) || undefined, device: device && device !== '--' ? device : undefined, line: line.trim() });
  }
  return out;
}

export interface NmOverviewDevice {
  device: string;
  state: string;
  connection?: string;
  line: string;
}

/** Plain `nmcli`: `eth0: connected to Wired connection 1`, `cali1a8...: connecting (getting IP configuration) to X`, `veth1: unmanaged`. */
export function parseNmcliOverview(text: string): NmOverviewDevice[] {
  const out: NmOverviewDevice[] = [];
  for (const raw of text.split('\n')) {
    const m = /^([\w.@-]{1,64}): (connected|connecting|disconnected|unmanaged|unavailable|deactivating|disconnecting)(?: \(([^)]{0,100})\))?(?: to (.{1,200}))?$/.exec(raw.trim());
    if (!m) continue;
    out.push({ device: m[1]!, state: m[3] ? `${m[2]} (${m[3]})` : m[2]!, ...(m[4] ? { connection: m[4].trim() } : {}), line: raw.trim() });
  }
  return out;
}

/**
 * NetworkManager's log lines that show it taking a device in hand: activation, auto-activation,
 * state changes into prepare/config/ip-config, DHCP. Returns the device each line is about.
 */
export function nmActivity(text: string): { device: string; line: string }[] {
  const out: { device: string; line: string }[] = [];
  for (const raw of text.split('\n')) {
    if (!/NetworkManager(?:\[\d{1,10}\])?: /.test(raw)) continue;
    const dev = /\(([\w.@-]{1,64})\)/.exec(raw)?.[1] ?? /\bdevice \(([\w.@-]{1,64})\)/.exec(raw)?.[1];
    if (!dev) continue;
    if (!/Activation|starting connection|state change: \S+ -> (?:prepare|config|need-auth|ip-config|ip-check|secondaries|activated)|dhcp[46]?\b|Auto-activating/i.test(raw)) continue;
    out.push({ device: dev, line: raw.trim() });
  }
  return out;
}
