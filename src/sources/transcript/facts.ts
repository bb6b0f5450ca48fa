// What a transcript tells beyond what the evidence sources ask for: every `ip route get` and
// `ethtool` output in it (not only those the sources would run), the state `ethtool -K` shows the
// NIC had before the change, other kernels it mentions, netstat -i/-s counters, NetworkManager's
// connections and log lines, firewalld interface moves, CNI and kube-proxy log lines, the overlay's
// nodes, and tests run by hand. Added to the facts the sources collected; then every fact's source
// is narrowed to the transcript line it came from.
import { NodeFacts, type EvidenceKey, type EvidenceLine } from '../../evidence/node-facts.js';
import type { ProbeEvidence } from '../../evidence/probe-evidence.js';
import { parseEthtoolDriver, parseEthtoolFeatures, parseEthtoolStats } from '../ethtool/parse.js';
import { parseUname } from '../kernel/parse.js';
import { parseIpRouteGet } from '../routes/parse.js';
import { parseNetstatI } from '../netdev/netstat-i.js';
import { parseNetstatS } from '../snmp/netstat-s.js';
import { nmActivity, parseNmcliConnections, parseNmcliOverview } from '../network-manager/more.js';
import { parseZoneChange } from '../firewalld/parse.js';
import { scanComponentLog } from '../component-log/patterns.js';
import { parseCniPods, parseNodeAnnotations } from '../overlay-peers/parse.js';
import { cite, type TranscriptHost } from '../host/transcript.js';
import { manualTests, type ManualLine } from './manual-tests.js';
import type { OutputKind, Segment, TLine } from './types.js';

type Facts = NodeFacts;

const text = (lines: TLine[]): string => lines.map((l) => l.text).join('\n');

/** Adds what the transcript holds beyond the sources' questions; sources narrowed to lines. */
export function transcriptFacts(host: TranscriptHost, collected: Facts): Facts {
  const t = host.transcript;
  const at = (no: number): string => cite(t.name, no);
  const segs = (kinds: OutputKind[]): Segment[] => t.segments.filter((s) => kinds.includes(s.kind) && s.lines.length > 0);
  /** The line of `needle` in a segment, else its first line. */
  const lineIn = (s: Segment, needle?: string): number => (needle !== undefined ? s.lines.find((l) => l.text.trim() === needle.trim())?.no : undefined) ?? s.lines.find((l) => l.text.trim() !== '')?.no ?? s.commandLine ?? 1;
  const f: Facts = structuredClone(collected);
  const filled = new Set<EvidenceKey>();
  const set = <K extends EvidenceKey>(key: K, value: Facts[K]): void => {
    (f as Record<string, unknown>)[key] = value;
    filled.add(key);
  };

  // Kernels: every uname-shaped text, prose included (`异常环境:Linux 4.19.90-52.49...`).
  const unames: { release: string; uname: string; source: string; before: boolean }[] = [];
  for (const s of t.segments) {
    for (const l of s.lines) {
      const i = l.text.search(/\bLinux \S{1,253} (?:\d\S{0,100} )?#\d/);
      if (i < 0) continue;
      const u = parseUname(l.text.slice(i));
      if (u && /^\d+\.\d+/.test(u.release)) unames.push({ release: u.release, uname: u.uname, source: at(l.no), before: host.beforeChange(s) });
    }
  }
  if (!f.kernel && unames.length > 0) {
    const pick = unames.find((u) => u.before) ?? unames[0]!;
    const parsed = parseUname(pick.uname)!;
    set('kernel', { source: pick.source, ...parsed });
  }
  if (f.kernel) {
    const others = unames.filter((u, i) => u.release !== f.kernel!.release && unames.findIndex((v) => v.release === u.release) === i);
    if (others.length > 0) {
      f.kernel.others = others.map(({ release, uname, source }) => ({ release, uname, source }));
      filled.add('kernel');
    }
  }

  // Every `ip route get` answer, in transcript order: the first per target is the one before a fix;
  // a later, different answer for the same target says the route changed.
  const gets = [...(f.routeGets ?? [])];
  for (const s of segs(['ip-route-get'])) {
    const target = s.args.target;
    if (!target || gets.some((g) => g.target === target && g.source === at(lineIn(s)))) continue;
    const g = parseIpRouteGet(text(s.lines), target, at(lineIn(s)));
    if (g) gets.push({ ...g, source: at(lineIn(s, g.line)) });
  }
  if (gets.length > (f.routeGets?.length ?? 0)) set('routeGets', gets);

  // NICs: every ethtool output, and the state `ethtool -K`'s "Actual changes" shows they had before.
  const nics = [...(f.nics ?? [])];
  const nic = (dev: string): NonNullable<Facts['nics']>[number] => {
    let n = nics.find((x) => x.name === dev);
    if (!n) {
      n = { name: dev, features: {}, sources: [] };
      nics.push(n);
    }
    return n;
  };
  const before = (a: Segment, b: Segment): number => Number(host.beforeChange(b)) - Number(host.beforeChange(a)) || a.id - b.id;
  for (const s of segs(['ethtool-k', 'ethtool-K', 'ethtool-i', 'ethtool-S', 'readlink-driver']).sort(before)) {
    const dev = s.args.dev;
    if (!dev) continue;
    const n = nic(dev);
    if (s.kind === 'ethtool-S') {
      // The first output per device (before any fix): counters are not merged across outputs.
      const stats = parseEthtoolStats(text(s.lines));
      if (!n.stats && Object.keys(stats).length > 0) {
        n.stats = stats;
        n.sources.push(at(lineIn(s)));
      }
    } else if (s.kind === 'ethtool-k' || s.kind === 'ethtool-K') {
      const parsed = parseEthtoolFeatures(text(s.lines));
      for (const [name, feat] of Object.entries(parsed)) {
        if (n.features[name]) continue;
        // Listed as changed: it was the other way before the command (the state the fault was seen in).
        n.features[name] = s.kind === 'ethtool-K' ? { on: !feat.on, fixed: false } : feat;
      }
      if (Object.keys(parsed).length > 0) n.sources.push(at(s.kind === 'ethtool-K' ? s.commandLine ?? lineIn(s) : lineIn(s)));
    } else if (!n.driver) {
      const info = s.kind === 'ethtool-i' ? parseEthtoolDriver(text(s.lines)) : { driver: /\/sys\/module\/([\w-]{1,64})\s*$/m.exec(text(s.lines))?.[1] };
      if (info.driver) {
        Object.assign(n, info);
        n.sources.push(at(lineIn(s)));
      }
    }
  }
  const usable = nics.filter((n) => Object.keys(n.features).length > 0 || n.driver || n.stats);
  if (usable.length > (f.nics?.length ?? 0) || usable.some((n, i) => n !== f.nics?.[i])) set('nics', usable);

  // netstat -i: names as printed (cut to 8 characters), packets per interface.
  const netstatI = segs(['netstat-i'])[0];
  if (netstatI) {
    const rows = parseNetstatI(text(netstatI.lines));
    const stats = (r: (typeof rows)[number]) => ({ rxPackets: r.rxPackets, rxErrors: r.rxErrors, rxDropped: r.rxDropped, txPackets: r.txPackets, txErrors: r.txErrors, txDropped: r.txDropped });
    if (!f.links && rows.length > 0) {
      set('links', {
        source: at(lineIn(netstatI)),
        // `flannel.` can only be flannel's VXLAN device cut short (its udp backend's is flannel0).
        items: rows.map((r) => ({ name: r.name, kind: /^flannel\.\d*$/.test(r.name) ? 'vxlan' : 'device', mtu: r.mtu, flags: [], addresses: [], stats: stats(r), source: at(lineIn(netstatI, r.line)) })),
      });
    }
    if (!f.netdev && rows.length > 0) set('netdev', { source: at(lineIn(netstatI)), interfaces: Object.fromEntries(rows.map((r) => [r.name, stats(r)])) });
  }
  const netstatS = segs(['netstat-s'])[0];
  if (netstatS && !f.snmp) {
    const tables = parseNetstatS(text(netstatS.lines));
    if (Object.keys(tables).length > 0) set('snmp', { tables, source: at(lineIn(netstatS)) });
  }

  // NetworkManager: plain nmcli, connection profiles, its own log lines.
  const nmDevices = segs(['nmcli-overview']).flatMap((s) => parseNmcliOverview(text(s.lines)).map((d) => ({ device: d.device, type: 'unknown', state: d.state, ...(d.connection ? { connection: d.connection } : {}), source: at(lineIn(s, d.line)) })));
  const connections = segs(['nmcli-connections']).flatMap((s) => parseNmcliConnections(text(s.lines)).map(({ line, ...c }) => ({ ...c, source: at(lineIn(s, line)) })));
  const activity = segs(['syslog', 'kernel-log', 'unknown']).flatMap((s) => nmActivity(text(s.lines)).map((a) => ({ device: a.device, line: a.line, source: at(lineIn(s, a.line)) })));
  if (nmDevices.length + connections.length + activity.length > 0) {
    const nm = f.networkManager ?? { devices: [], unmanagedSpecs: [], sources: [] };
    nm.devices = [...nm.devices, ...nmDevices];
    if (connections.length > 0) nm.connections = connections;
    if (activity.length > 0) nm.activity = activity;
    // NetworkManager logging about a device is NetworkManager running.
    if (activity.length > 0 && nm.running === undefined) nm.running = true;
    nm.sources = [...nm.sources, ...new Set([...nmDevices, ...connections, ...activity].map((x) => x.source))];
    set('networkManager', nm);
  }

  // firewalld: interfaces moved between zones by the commands in the transcript.
  const moves = t.segments.flatMap((s) => {
    const c = s.command ? parseZoneChange(s.command) : undefined;
    return c && s.command ? [{ ...c, line: s.command, source: at(s.commandLine ?? lineIn(s)) }] : [];
  });
  if (moves.length > 0) {
    const fw = f.firewalld ?? { zones: [], changes: [], sources: [] };
    fw.changes = [...fw.changes, ...moves];
    const ok = t.segments.find((s) => s.command !== undefined && /^firewall-cmd\b/.test(s.command) && s.lines.some((l) => l.text.trim() === 'success'));
    if (fw.running === undefined && ok) fw.running = true;
    fw.sources = [...new Set([...fw.sources, ...moves.map((m) => m.source)])];
    set('firewalld', fw);
  }

  // CNI, kube-proxy and kubelet log lines, and what clients printed (a host-unreachable answer).
  const matches = t.segments.filter((s) => s.kind !== 'tcpdump').flatMap((s) =>
    scanComponentLog(text(s.lines)).map((m) => ({ ...m, ...(s.args.component ? { component: s.args.component } : {}), source: at(lineIn(s, m.line)) })),
  );
  if (matches.length > 0) set('componentLog', { matches, sources: [...new Set(matches.map((m) => m.source))] });

  // The overlay's nodes: annotations, the CNI's pods, the address flannel says it chose.
  const peers = [
    ...segs(['kube-node']).flatMap((s) => parseNodeAnnotations(text(s.lines)).map((p) => ({ ...p, source: at(lineIn(s, p.line)) }))),
    ...segs(['kube-pods']).flatMap((s) => parseCniPods(text(s.lines)).map((p) => ({ ...p, source: at(lineIn(s, p.line)) }))),
    ...matches.flatMap((m) => {
      const ip = m.pattern === 'flannel-interface' ? / and address (\S+)/.exec(m.line)?.[1] : m.pattern === 'flannel-external-address' ? /\(([^\s()]+)\)| Using (\S+) as external/.exec(m.line)?.slice(1).find(Boolean) : undefined;
      return ip ? [{ publicIp: ip, how: 'log', line: m.line, source: m.source }] : [];
    }),
  ];
  if (peers.length > 0) set('overlayPeers', { items: peers, sources: [...new Set(peers.map((p) => p.source))] });

  // Tests run by hand between the nodes (nc, ping, iperf3), with the outcome the text states.
  const all: ManualLine[] = t.segments.flatMap((s) => [
    ...(s.command && s.commandLine !== undefined ? [{ no: s.commandLine, text: s.command, ...(s.host ? { host: s.host } : {}) }] : []),
    ...s.lines,
  ]);
  const probes: ProbeEvidence[] = manualTests(all, at);
  if (probes.length > 0) set('probes', [...(f.probes ?? []), ...probes]);

  f.missing = f.missing.filter((m) => !filled.has(m.evidence.split('.')[0] as EvidenceKey));
  f.origin = { kind: 'transcript', path: t.name };
  return NodeFacts.parse(narrowSources(f, host));
}

/**
 * Every `source` that names an output the host served, narrowed to the line it came from (found by
 * the fact's own `line`, `uname` or `name`); others to the output's first line.
 */
export function narrowSources<T>(facts: T, host: TranscriptHost): T {
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map((x) => (typeof x === 'string' ? narrowOne(host, x) : walk(x)));
    if (v === null || typeof v !== 'object') return v;
    const o = v as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const [k, val] of Object.entries(o)) out[k] = walk(val);
    if (typeof o.source === 'string') {
      const hint = typeof o.line === 'string' ? o.line : typeof o.uname === 'string' ? o.uname : typeof o.text === 'string' ? o.text : undefined;
      out.source = narrowOne(host, o.source, hint, typeof o.name === 'string' ? o.name : undefined);
    }
    return out;
  };
  return walk(facts) as T;
}

/** One source narrowed: by the text it quotes, by a device name on its line, else the output's first line. */
export function narrowOne(host: TranscriptHost, source: string, hint?: string, name?: string): string {
  const lines = host.served(source);
  if (!lines) return source;
  const base = source.replace(/#\d+$/, '');
  const prefix = base.slice(0, base.lastIndexOf(':') + 1);
  if (hint !== undefined) {
    const no = host.lineOf(source, hint);
    if (no !== undefined) return `${prefix}${no}`;
  }
  if (name !== undefined) {
    const hit = lines.find((l) => l.text.includes(`${name}:`) || new RegExp(`(?:^|\\s)${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?:\\s|$)`).test(l.text));
    if (hit) return `${prefix}${hit.no}`;
  }
  return base;
}

/** An evidence line of a finding, its source narrowed to the transcript line its text is on. */
export function narrowEvidence(host: TranscriptHost, e: EvidenceLine): EvidenceLine {
  return { ...e, source: narrowOne(host, e.source, e.text) };
}
