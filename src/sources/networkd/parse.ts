// systemd-networkd: `networkctl list`, `networkctl status` and the .network/.link unit files that
// decide which links it configures (a [Match] that takes cali*/veth*/flannel*, DHCP on them) and
// which MAC a new virtual link gets (MACAddressPolicy in a .link file). Pure; odd lines skipped.
import { globMatch } from '../../util/glob.js';

export interface NetworkdLink {
  name: string;
  type?: string;
  operational?: string;
  setup?: string;
  networkFile?: string;
  linkFile?: string;
  driver?: string;
  /** The line that names the link. */
  line: string;
}

/** `IDX LINK TYPE OPERATIONAL SETUP` table rows: `  6 cali0625307bdba  ether  degraded  unmanaged`. */
export function parseNetworkctlList(text: string): NetworkdLink[] {
  const out: NetworkdLink[] = [];
  for (const raw of text.split('\n')) {
    const m = /^\s*(\d{1,7}) (\S{1,64}) +(\S{1,32}) +(\S{1,32}) +(\S{1,32})\s*$/.exec(raw);
    if (!m) continue;
    out.push({ name: m[2]!, type: m[3], operational: m[4], setup: m[5], line: raw.trim() });
  }
  return out;
}

/**
 * `networkctl status LINK` blocks: `● 5269: cali2bd9ed59e74`, then `Link File:`, `Network File:`,
 * `Type:`, `State: degraded (configuring)`, `Driver:`.
 */
export function parseNetworkctlStatus(text: string): NetworkdLink[] {
  const out: NetworkdLink[] = [];
  let cur: NetworkdLink | undefined;
  for (const raw of text.split('\n')) {
    // \u25cf is systemd's ● (an escape: the bundle stays ASCII, test/cli/bundle-startup.test.ts).
    const head = /^\s*(?:[\u25cf*]\s*)?\d{1,7}: (\S{1,64})\s*$/.exec(raw);
    if (head) {
      cur = { name: head[1]!, line: raw.trim() };
      out.push(cur);
      continue;
    }
    if (!cur) continue;
    const kv = /^\s*([A-Za-z][A-Za-z ]{1,30}): (.{1,500})$/.exec(raw);
    if (!kv) continue;
    const key = kv[1]!.trim();
    const value = kv[2]!.trim();
    if (key === 'Link File') cur.linkFile = value;
    else if (key === 'Network File') cur.networkFile = value;
    else if (key === 'Type') cur.type = value;
    else if (key === 'Driver') cur.driver = value;
    else if (key === 'State') {
      const st = /^(\S+)(?: \((\S+)\))?/.exec(value);
      if (st) {
        cur.operational = st[1];
        if (st[2]) cur.setup = st[2];
      }
    }
  }
  return out;
}

/** An INI-like unit file: section -> key -> values (keys may repeat, `Name=a b` lists are kept as written). */
export function parseUnitFile(text: string): Record<string, Record<string, string[]>> {
  const sections: Record<string, Record<string, string[]>> = {};
  let section: Record<string, string[]> | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const sec = /^\[([A-Za-z0-9]{1,40})\]$/.exec(line);
    if (sec) {
      section = sections[sec[1]!] ??= {};
      continue;
    }
    const kv = /^([A-Za-z][A-Za-z0-9]{0,60})\s*=(.*)$/.exec(line);
    if (!kv || !section) continue;
    (section[kv[1]!] ??= []).push(kv[2]!.trim());
  }
  return sections;
}

/**
 * Whether a [Match] section's Name= globs (space-separated, `!` negates all) take a link name. An
 * empty [Match] (or one without Name=/OriginalName=) matches by other keys only: `undefined`.
 */
export function matchesName(match: Record<string, string[]> | undefined, name: string): boolean | undefined {
  const globs = [...(match?.Name ?? []), ...(match?.OriginalName ?? [])].flatMap((v) => v.split(/\s+/)).filter((g) => g !== '');
  if (globs.length === 0) return undefined;
  const negate = globs[0]!.startsWith('!');
  const hit = globs.some((g) => globMatch(g.replace(/^!/, ''), name));
  return negate ? !hit : hit;
}
