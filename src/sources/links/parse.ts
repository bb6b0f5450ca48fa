// Parsers for `ip -s -d link`, `ip -d address` (text, iproute2 3.10 to 6.x, also their one-line `-o`
// forms) and `ip -j -s -d link`.
// Pure text -> value; unknown lines are skipped, never thrown on.
import type { z } from 'zod';
import type { Address, Link, LinkStats, VxlanInfo } from '../../evidence/node-facts.js';

type AddressT = z.infer<typeof Address>;
type StatsT = z.infer<typeof LinkStats>;
type VxlanT = z.infer<typeof VxlanInfo>;

const HEADER = /^\s*(\d+):\s+([^\s:@]+)(?:@([^\s:]+))?:\s+<([^>]*)>(.*)$/;

/** First tokens of `-d` continuation lines that are attributes, not a link kind. */
const NOT_A_KIND = new Set([
  'promiscuity', 'allmulti', 'minmtu', 'maxmtu', 'addrgenmode', 'numtxqueues', 'numrxqueues',
  'gso_max_size', 'gso_max_segs', 'tso_max_size', 'tso_max_segs', 'gro_max_size', 'gro_ipv4_max_size',
  'gso_ipv4_max_size', 'parentbus', 'parentdev', 'altname', 'alias', 'vf', 'prop', 'protodown',
  'valid_lft', 'preferred_lft',
]);

/** Parses the text of `ip [-s] [-d] link` or `ip [-d] address`: one Link per interface. */
export function parseIpLinkText(text: string, source: string): Link[] {
  const links: Link[] = [];
  let cur: Link | undefined;
  // Stats come as a header line (`RX: bytes packets ...`) followed by a line of numbers.
  let pendingStats: { dir: 'rx' | 'tx'; names: string[] } | undefined;
  let skipNextValues = false;

  for (const raw of oneLineBreaks(text)) {
    const line = raw.trim();
    if (line === '') continue;
    const h = HEADER.exec(raw);
    if (h) {
      cur = parseHeader(h, source);
      links.push(cur);
      pendingStats = undefined;
      skipNextValues = false;
      continue;
    }
    if (!cur) continue;
    if (pendingStats) {
      applyStats(cur, pendingStats.dir, pendingStats.names, line);
      pendingStats = undefined;
      continue;
    }
    if (skipNextValues) {
      skipNextValues = false;
      continue;
    }
    const tokens = line.split(/\s+/);
    const first = tokens[0] ?? '';
    if (first === 'RX:' || first === 'TX:') {
      pendingStats = { dir: first === 'RX:' ? 'rx' : 'tx', names: tokens.slice(1) };
    } else if ((first === 'RX' || first === 'TX') && tokens[1] === 'errors:') {
      skipNextValues = true; // `-s -s` detail rows: not part of LinkStats
    } else if (first.startsWith('link/')) {
      parseLinkLine(cur, tokens);
    } else if (first === 'inet' || first === 'inet6') {
      const a = parseAddressLine(tokens);
      if (a) cur.addresses.push(a);
    } else if (!NOT_A_KIND.has(first) && /^[a-z][a-z0-9_]*$/.test(first)) {
      parseDetailLine(cur, tokens);
    }
  }
  return links;
}

function parseHeader(h: RegExpExecArray, source: string): Link {
  const [, index, name, parent, flags, rest] = h;
  const kv = keyValues((rest ?? '').trim().split(/\s+/));
  const link: Link = {
    name: name ?? '',
    index: Number(index),
    kind: 'device',
    mtu: toInt(kv.get('mtu')) ?? 0,
    flags: (flags ?? '').split(',').filter((f) => f !== ''),
    addresses: [],
    source,
  };
  if (parent && parent !== 'NONE') link.parent = parent;
  const state = kv.get('state');
  if (state) link.state = state;
  const master = kv.get('master');
  if (master) link.master = master;
  return link;
}

function parseLinkLine(link: Link, tokens: string[]): void {
  const type = (tokens[0] ?? '').slice('link/'.length);
  if (type === 'loopback') link.kind = 'loopback';
  const mac = tokens[1];
  if (mac && /^[0-9a-f]{2}(:[0-9a-f]{2})+$/i.test(mac) && type !== 'loopback') link.mac = mac.toLowerCase();
  const kv = keyValues(tokens);
  const nsid = toInt(kv.get('link-netnsid'));
  if (nsid !== undefined) link.netnsId = nsid;
}

function parseDetailLine(link: Link, tokens: string[]): void {
  const first = tokens[0] ?? '';
  // `bridge_slave ...`, `bond_slave ...` describe the port, not the link's own kind.
  if (first.endsWith('_slave')) return;
  if (link.kind !== 'device') return;
  link.kind = first;
  if (first === 'vxlan') link.vxlan = parseVxlan(tokens.slice(1));
}

/** `vxlan id 1 local 10.0.0.1 dev eth0 srcport 0 0 dstport 8472 nolearning ... udpcsum` (and 3.10's `port 0 0`). */
export function parseVxlan(tokens: string[]): VxlanT {
  const v: VxlanT = { id: 0 };
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    const next = tokens[i + 1];
    switch (t) {
      case 'id': v.id = toInt(next) ?? 0; i++; break;
      case 'local': if (next) v.local = next; i++; break;
      case 'dev': if (next) v.dev = next; i++; break;
      case 'dstport': { const p = toInt(next); if (p !== undefined) v.port = p; i++; break; }
      // iproute2 3.x prints the source port range as `port MIN MAX`; it is not the destination.
      case 'port': case 'srcport': i += 2; break;
      case 'learning': v.learning = true; break;
      case 'nolearning': v.learning = false; break;
      case 'udpcsum': v.udpCsum = true; break;
      case 'noudpcsum': v.udpCsum = false; break;
      default: break;
    }
  }
  return v;
}

function applyStats(link: Link, dir: 'rx' | 'tx', names: string[], valuesLine: string): void {
  const values = valuesLine.split(/\s+/).map(Number);
  const get = (n: string): number | undefined => {
    const i = names.indexOf(n);
    const v = i >= 0 ? values[i] : undefined;
    return v !== undefined && Number.isFinite(v) ? v : undefined;
  };
  const bytes = get('bytes'), packets = get('packets'), errors = get('errors'), dropped = get('dropped');
  if (bytes === undefined || packets === undefined || errors === undefined || dropped === undefined) return;
  const s: StatsT = link.stats ?? { rxBytes: 0, rxPackets: 0, rxErrors: 0, rxDropped: 0, txBytes: 0, txPackets: 0, txErrors: 0, txDropped: 0 };
  if (dir === 'rx') Object.assign(s, { rxBytes: bytes, rxPackets: packets, rxErrors: errors, rxDropped: dropped });
  else Object.assign(s, { txBytes: bytes, txPackets: packets, txErrors: errors, txDropped: dropped });
  link.stats = s;
}

/** `inet 10.187.0.0/32 [brd X] scope global flannel.1`, `inet6 fe80::1/64 scope link`. */
export function parseAddressLine(tokens: string[]): AddressT | undefined {
  const family = tokens[0] === 'inet6' ? 'inet6' : 'inet';
  const cidr = tokens[1];
  if (!cidr) return undefined;
  const [address, len] = cidr.split('/');
  if (!address) return undefined;
  const a: AddressT = { family, address, prefixLen: toInt(len) ?? (family === 'inet' ? 32 : 128) };
  const kv = keyValues(tokens);
  const scope = kv.get('scope');
  if (scope) a.scope = scope;
  return a;
}

/** `ip -o` prints each link or address on one line, its line breaks as `\` (and spaces): undone. */
function oneLineBreaks(text: string): string[] {
  return text.split('\n').flatMap((l) => (l.includes('\\') ? l.split(/\\(?=\s)/) : [l]));
}

/** `ip -o addr`: `2: eth0    inet 192.168.77.2/24 scope global eth0` (no link header, no flags). */
const ONE_LINE_ADDRESS = /^\s*\d{1,6}:\s+([^\s:@]{1,64})(?:@\S{1,64})?\s+(inet6?\s.*)$/;

/** Addresses of `ip -d address` (or `ip -o addr`) by interface name, to merge into the links. */
export function parseIpAddressText(text: string, source: string): Map<string, AddressT[]> {
  const byName = new Map<string, AddressT[]>();
  for (const l of parseIpLinkText(text, source)) byName.set(l.name, l.addresses);
  for (const raw of oneLineBreaks(text)) {
    const m = ONE_LINE_ADDRESS.exec(raw);
    const a = m ? parseAddressLine(m[2]!.trim().split(/\s+/)) : undefined;
    if (!m || !a) continue;
    const list = byName.get(m[1]!) ?? [];
    list.push(a);
    byName.set(m[1]!, list);
  }
  return byName;
}

/** Links from `ip -s -d link`, with the addresses `ip -d address` printed for the same names. */
export function mergeAddresses(links: Link[], addresses: Map<string, AddressT[]>): Link[] {
  return links.map((l) => {
    const a = addresses.get(l.name);
    return a && a.length > 0 ? { ...l, addresses: a } : l;
  });
}

/** `ip -j -s -d link` (iproute2 >= 4.14); undefined when the text is not that JSON. */
export function parseIpLinkJson(text: string, source: string): Link[] | undefined {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!Array.isArray(data)) return undefined;
  const links: Link[] = [];
  for (const item of data) {
    if (!isObj(item) || typeof item.ifname !== 'string') continue;
    const info = isObj(item.linkinfo) ? item.linkinfo : undefined;
    const kind = typeof info?.info_kind === 'string' ? info.info_kind : item.link_type === 'loopback' ? 'loopback' : 'device';
    const link: Link = {
      name: item.ifname,
      kind,
      mtu: num(item.mtu) ?? 0,
      flags: Array.isArray(item.flags) ? item.flags.filter((f): f is string => typeof f === 'string') : [],
      addresses: [],
      source,
    };
    const index = num(item.ifindex);
    if (index !== undefined) link.index = index;
    if (typeof item.address === 'string' && item.link_type !== 'loopback') link.mac = item.address.toLowerCase();
    if (typeof item.operstate === 'string') link.state = item.operstate;
    if (typeof item.master === 'string') link.master = item.master;
    // Same namespace: `link` names the parent; another namespace: only its index (`@ifN` in text).
    if (typeof item.link === 'string') link.parent = item.link;
    else if (num(item.link_index) !== undefined) link.parent = `if${num(item.link_index)}`;
    const nsid = num(item.link_netnsid);
    if (nsid !== undefined) link.netnsId = nsid;
    if (kind === 'vxlan' && isObj(info?.info_data)) link.vxlan = vxlanFromJson(info.info_data);
    const stats = isObj(item.stats64) ? item.stats64 : isObj(item.stats) ? item.stats : undefined;
    if (stats && isObj(stats.rx) && isObj(stats.tx)) {
      const rx = stats.rx, tx = stats.tx;
      link.stats = {
        rxBytes: num(rx.bytes) ?? 0, rxPackets: num(rx.packets) ?? 0, rxErrors: num(rx.errors) ?? 0, rxDropped: num(rx.dropped) ?? 0,
        txBytes: num(tx.bytes) ?? 0, txPackets: num(tx.packets) ?? 0, txErrors: num(tx.errors) ?? 0, txDropped: num(tx.dropped) ?? 0,
      };
    }
    links.push(link);
  }
  return links;
}

function vxlanFromJson(d: Record<string, unknown>): VxlanT {
  const v: VxlanT = { id: num(d.id) ?? 0 };
  if (typeof d.local === 'string') v.local = d.local;
  if (typeof d.link === 'string') v.dev = d.link;
  const port = num(d.port);
  if (port !== undefined) v.port = port;
  if (typeof d.learning === 'boolean') v.learning = d.learning;
  if (typeof d.udp_csum === 'boolean') v.udpCsum = d.udp_csum;
  return v;
}

function keyValues(tokens: string[]): Map<string, string> {
  const m = new Map<string, string>();
  for (let i = 0; i + 1 < tokens.length; i++) {
    const k = tokens[i], v = tokens[i + 1];
    if (k !== undefined && v !== undefined && !m.has(k)) m.set(k, v);
  }
  return m;
}

function toInt(s: string | undefined): number | undefined {
  if (s === undefined || !/^\d+$/.test(s)) return undefined;
  return Number(s);
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
