// firewalld: `firewall-cmd --state`, the zones of `--list-all-zones` / `--get-active-zones`, and the
// commands that move an interface between zones. Pure.

export interface Zone {
  name: string;
  interfaces: string[];
  sources: string[];
  target?: string;
  forward?: boolean;
  line: string;
}

/**
 * `public (active)` followed by indented `key: value` lines (`--list-all-zones`), or a zone name
 * followed by `  interfaces: eth0` (`--get-active-zones`).
 */
export function parseZones(text: string): Zone[] {
  const out: Zone[] = [];
  let cur: Zone | undefined;
  for (const raw of text.split('\n')) {
    const head = /^([A-Za-z0-9_-]{1,64})(?: \(([^)]{1,40})\))?\s*$/.exec(raw);
    if (head && !/^(?:success|running|not)$/.test(head[1]!)) {
      cur = { name: head[1]!, interfaces: [], sources: [], line: raw.trim() };
      out.push(cur);
      continue;
    }
    const kv = /^\s+([a-z-]{1,40}): ?(.{0,2000})$/.exec(raw);
    if (!kv || !cur) continue;
    const words = kv[2]!.trim().split(/\s+/).filter((w) => w !== '');
    if (kv[1] === 'interfaces') cur.interfaces = words;
    else if (kv[1] === 'sources') cur.sources = words;
    else if (kv[1] === 'target') cur.target = words[0];
    else if (kv[1] === 'forward') cur.forward = words[0] === 'yes';
  }
  return out;
}

export interface ZoneChange {
  zone?: string;
  iface: string;
  action: 'add' | 'remove' | 'change';
}

/** `firewall-cmd [--permanent] --zone=trusted --add-interface=cni0` (and remove/change). */
export function parseZoneChange(command: string): ZoneChange | undefined {
  const m = /--(add|remove|change)-interface[= ](\S{1,64})/.exec(command);
  if (!m) return undefined;
  const zone = /--zone[= ](\S{1,64})/.exec(command)?.[1];
  return { zone, iface: m[2]!, action: m[1] as ZoneChange['action'] };
}
