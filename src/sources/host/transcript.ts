// A pasted transcript as a host: the command outputs and files it holds are what `run()` and
// `readFile()` answer, so every evidence source reads a transcript the way it reads a bundle.
// Outputs in another form of the same facts (route -n, arp -na, a grub menu listing, an
// iptables-save fragment, grep's `file:` prefixes) are served in the form the source reads; each
// served line remembers its line in the transcript, so facts can cite `transcript.txt:123`.
import type { ReadNote } from '../../evidence/node-facts.js';
import type { CommandOutput, CommandSpec, FileContent } from '../types.js';
import type { ExplainingHostReader } from './types.js';
import { because } from '../../evidence/missing-reasons.js';
import type { ReasonRef } from '../../util/i18n.js';
import { commandLine } from './sos-names.js';
import { changesState } from '../transcript/commands.js';
import { fixPackageName } from '../transcript/ocr.js';
import { arpToIpNeigh } from '../neighbours/arp.js';
import { routeNToIpRoute } from '../routes/route-n.js';
import { grubListingToCfg } from '../boot/listing.js';
import type { OutputKind, Segment, TLine, Transcript } from '../transcript/types.js';
import { trimEndChar } from '../../util/strings.js';

/** What a transcript host adds: its segments, and the transcript line each served line came from. */
export interface TranscriptHost extends ExplainingHostReader {
  readonly transcript: Transcript;
  /** Segments that come before the first command that changed the node (a fix being applied). */
  readonly beforeChange: (s: Segment) => boolean;
  /** The transcript line of `text` in what was served as `source`, when it is there. */
  lineOf(source: string, text: string): number | undefined;
  /** The lines served as `source`. */
  served(source: string): TLine[] | undefined;
}

/** How a line of a transcript is cited. */
export function cite(name: string, no: number): string {
  return `${name}:${no}`;
}

export function transcriptHost(transcript: Transcript, notes: ReadNote[] = []): TranscriptHost {
  const { name, segments } = transcript;
  const firstChange = segments.find((s) => s.command !== undefined && changesState(s.command))?.id ?? Infinity;
  const beforeChange = (s: Segment): boolean => s.id < firstChange;
  const servedBy = new Map<string, TLine[]>();
  const reasons = new Map<string, ReasonRef>();

  const ofKind = (kinds: OutputKind[], pred: (s: Segment) => boolean = () => true): Segment[] =>
    segments.filter((s) => kinds.includes(s.kind) && pred(s) && s.lines.some((l) => l.text.trim() !== ''));
  /** The segment to take when one answer is wanted: the first from before any fix, else the first. */
  const first = (list: Segment[]): Segment[] => {
    const before = list.find(beforeChange);
    return before ? [before] : list.slice(0, 1);
  };
  /** One device per name: the first output about it wins (a later one may be another host, or after a fix). */
  const perDevice = (list: Segment[]): Segment[] => {
    const seen = new Set<string>();
    return list.filter((s) => {
      const devs = devicesIn(s);
      if (devs.length > 0 && devs.every((d) => seen.has(d))) return false;
      for (const d of devs) seen.add(d);
      return true;
    });
  };
  const serve = (lines: TLine[]): CommandOutput | undefined => {
    const body = lines.filter((l) => l.text.trim() !== '');
    if (body.length === 0) return undefined;
    const source = cite(name, body[0]!.no);
    const key = servedBy.has(source) && servedBy.get(source) !== lines ? `${source}#${servedBy.size}` : source;
    servedBy.set(key, lines);
    return { stdout: lines.map((l) => l.text).join('\n'), source: key };
  };
  const joined = (list: Segment[], map: (s: Segment) => TLine[] = (s) => s.lines): CommandOutput | undefined => serve(list.flatMap(map));

  function answer(argv: readonly string[]): CommandOutput | undefined {
    const line = argv.join(' ');
    switch (line) {
      case 'uname -a':
        return joined(first(ofKind(['uname'])), (s) => s.lines.filter((l) => /^Linux /.test(l.text)).slice(0, 1));
      case 'ip -j -s -d link':
        return joined(first(ofKind(['ip-json'], (s) => s.command !== undefined && /\blink\b|\bl\b/.test(s.command))));
      case 'ip -s -d link': {
        const links = perDevice(ofKind(['ip-link']));
        const named = new Set(links.flatMap(devicesIn));
        const addrs = perDevice(ofKind(['ip-addr'])).filter((s) => devicesIn(s).some((d) => !named.has(d)));
        return joined([...links, ...addrs].sort((a, b) => a.id - b.id));
      }
      case 'ip -d address':
        return joined(perDevice(ofKind(['ip-addr'])));
      case 'ip route show table all': {
        const got = first(ofKind(['ip-route', 'route-n']));
        return joined(got, (s) => (s.kind === 'route-n' ? routeNToIpRoute(s.lines) : s.lines));
      }
      case 'ip -s -s neigh show':
        return joined(ofKind(['ip-neigh', 'arp']), (s) => (s.kind === 'arp' ? arpToIpNeigh(s.lines) : withDev(s)));
      case 'bridge fdb show':
        return joined(ofKind(['bridge-fdb']));
      case 'nstat -zas':
        return joined(first(ofKind(['nstat'])));
      case 'sysctl -a':
        return joined(ofKind(['sysctl', 'proc-sys']), (s) => (s.kind === 'proc-sys' ? procSysAsSysctl(s) : s.lines));
      case 'dmesg':
        return joined(ofKind(['kernel-log', 'syslog']));
      case 'iptables-save':
        return joined(ofKind(['iptables-save'], (s) => s.args.backend !== 'legacy'), wrapSave);
      case 'iptables-legacy-save':
        return joined(ofKind(['iptables-save'], (s) => s.args.backend === 'legacy'), wrapSave);
      case 'nft list ruleset':
        return joined(ofKind(['nft']));
      case 'iptables --version':
        return joined(ofKind(['iptables-version']));
      case 'nmcli -t device':
        return joined(ofKind(['nmcli-terse']));
      case 'nmcli dev':
        return joined(ofKind(['nmcli-devices']));
      case 'nmcli connection show':
        return joined(ofKind(['nmcli-connections']));
      case 'nmcli':
        return joined(ofKind(['nmcli-overview']));
      case 'systemctl is-active NetworkManager':
        return serviceState('NetworkManager');
      case 'systemctl is-active firewalld':
        return serviceState('firewalld');
      case 'rpm -qa kernel*':
        return joined(ofKind(['rpm-qa']), (s) => s.lines.map((l) => ({ no: l.no, text: fixPackageName(l.text.trim()) })));
      case 'conntrack -S':
        return joined(first(ofKind(['conntrack-S'])));
      case 'networkctl list':
        return joined(ofKind(['networkctl-list']));
      case 'networkctl status --all':
        return joined(ofKind(['networkctl-status']));
      case 'ufw status verbose':
        return joined(ofKind(['ufw']));
      case 'netstat -i':
        return joined(first(ofKind(['netstat-i'])));
      case 'netstat -s':
        return joined(first(ofKind(['netstat-s'])));
      case 'firewall-cmd --get-active-zones':
      case 'firewall-cmd --list-all-zones':
        return joined(ofKind(['firewall-cmd'], (s) => s.command !== undefined && /--(?:get-active-zones|list-all)/.test(s.command)));
      case 'firewall-cmd --state':
        return serviceState('firewalld');
      default:
        break;
    }
    const ethtool = /^ethtool -([kiS]) (\S+)$/.exec(line);
    if (ethtool) {
      const dev = ethtool[2]!;
      if (ethtool[1] === 'k') return joined(first(ofKind(['ethtool-k'], (s) => s.args.dev === dev)));
      if (ethtool[1] === 'S') return joined(first(ofKind(['ethtool-S'], (s) => s.args.dev === dev)));
      const info = first(ofKind(['ethtool-i'], (s) => s.args.dev === dev));
      if (info.length > 0) return joined(info);
      return joined(first(ofKind(['readlink-driver'], (s) => s.args.dev === dev)), (s) => driverFromReadlink(s));
    }
    const get = /^ip route get (\S+)$/.exec(line);
    if (get) return joined(first(ofKind(['ip-route-get'], (s) => s.args.target === get[1])));
    const list = /^iptables(-legacy)? -t (\w+) -nvL$/.exec(line);
    if (list) {
      const legacy = list[1] !== undefined;
      return joined(ofKind(['iptables-list'], (s) => (s.args.backend === 'legacy') === legacy && (s.args.table ?? 'filter') === list[2]));
    }
    return undefined;
  }

  /** `systemctl status X` (Active: ...), `systemctl is-active X`, or a restart of X that printed no error. */
  function serviceState(unit: string): CommandOutput | undefined {
    const re = new RegExp(`(?:^|\\s)${unit}(?:\\.service)?(?:\\s|$)`);
    for (const s of segments) {
      if (!s.command || !re.test(s.command)) continue;
      const status = s.lines.find((l) => /^\s*Active: /.test(l.text));
      if (status) return serve([{ no: status.no, text: /Active: (active|activating|reloading)/.test(status.text) ? 'active' : 'inactive' }]);
      if (s.kind === 'systemctl-status' && /is-active/.test(s.command)) return joined([s]);
      // Restarted (or reloaded) and nothing said it failed: the service is there and runs.
      if (/\b(?:restart|reload|try-restart)\b/.test(s.command) && !s.lines.some((l) => /fail|not found|not loaded|No such/i.test(l.text))) {
        return serve([{ no: s.commandLine ?? s.lines[0]?.no ?? 1, text: 'active' }]);
      }
      if (unit === 'firewalld' && /^firewall-cmd\b/.test(s.command)) {
        const ok = s.lines.find((l) => /^(?:success|running)$/.test(l.text.trim()));
        if (ok) return serve([{ no: ok.no, text: 'active' }]);
        if (s.lines.some((l) => /FirewallD is not running|not running/.test(l.text))) return serve([{ no: s.lines[0]!.no, text: 'inactive' }]);
      }
    }
    return undefined;
  }

  /** A file: `cat PATH` output, or an output recognised as that file's content. */
  function file(p: string): TLine[] | undefined {
    // A grub menu listing names grub2.cfg as its path but is not its content: converted below.
    const byPath = first(segments.filter((s) => s.args.path === p && !s.args.filtered && s.kind !== 'unknown' && s.kind !== 'grub-listing' && s.lines.length > 0));
    if (byPath.length > 0) return byPath[0]!.kind === 'dnf-log' ? stripGrepPrefix(byPath[0]!.lines) : byPath[0]!.lines;
    const kindFor: Record<string, OutputKind> = {
      '/etc/os-release': 'os-release',
      '/proc/net/snmp': 'snmp',
      '/proc/net/dev': 'proc-net-dev',
      '/run/flannel/subnet.env': 'subnet-env',
      '/etc/kube-flannel/net-conf.json': 'net-conf',
    };
    const kind = kindFor[p];
    if (kind) return first(ofKind([kind]))[0]?.lines;
    if (p === '/var/log/dnf.rpm.log') return nonEmpty(ofKind(['dnf-log']).flatMap((s) => stripGrepPrefix(s.lines)));
    if (p === '/var/log/yum.log') return nonEmpty(ofKind(['yum-log']).flatMap((s) => stripGrepPrefix(s.lines)));
    if (p === '/var/log/apt/history.log') return nonEmpty(ofKind(['apt-history']).flatMap((s) => s.lines));
    if (p === '/etc/grub2.cfg') {
      const cfg = first(ofKind(['grub-cfg']));
      if (cfg.length > 0) return cfg[0]!.lines;
      return nonEmpty(first(ofKind(['grub-listing'])).flatMap((s) => grubListingToCfg(s.lines)));
    }
    const sys = /^\/proc\/sys\/(.+)$/.exec(p);
    if (sys) return sysctlValue(sys[1]!.replace(/\//g, '.'));
    const unnamed = /^\/(?:etc|usr\/lib)\/(?:NetworkManager\/conf\.d|systemd\/network)\/transcript-line-(\d+)\.\w+$/.exec(p);
    if (unnamed) {
      const s = segments.find((x) => x.lines[0]?.no === Number(unnamed[1]));
      return s?.lines;
    }
    return undefined;
  }

  /** `net.ipv4.ip_forward = 1` from any sysctl output, as the file's content. */
  function sysctlValue(dotted: string): TLine[] | undefined {
    for (const s of ofKind(['sysctl'])) {
      for (const l of s.lines) {
        const m = /^\s*([\w./-]+)\s*=(.*)$/.exec(l.text);
        if (m && (m[1] === dotted || m[1]!.replace(/\//g, '.') === dotted)) return [{ no: l.no, text: m[2]!.trim() }];
      }
    }
    return undefined;
  }

  /** Directories the transcript shows files of. */
  function dir(p: string): string[] {
    const base = trimEndChar(p, '/');
    const out = new Set<string>();
    for (const s of segments) {
      const path = s.args.path;
      if (path && !s.args.filtered && path.startsWith(`${base}/`) && !path.slice(base.length + 1).includes('/')) out.add(path);
    }
    if (base === '/var/log') {
      if (ofKind(['dnf-log']).length > 0) out.add('/var/log/dnf.rpm.log');
      if (ofKind(['yum-log']).length > 0) out.add('/var/log/yum.log');
    }
    if (base === '/var/log/apt' && ofKind(['apt-history']).length > 0) out.add('/var/log/apt/history.log');
    // Configuration shown without its file name: named after its first line, so it can be cited.
    const unnamed = (kind: OutputKind, want: string, ext: (s: Segment) => string): void => {
      if (base !== want) return;
      for (const s of ofKind([kind], (x) => !x.args.path)) out.add(`${want}/transcript-line-${s.lines[0]!.no}.${ext(s)}`);
    };
    unnamed('nm-conf', '/etc/NetworkManager/conf.d', () => 'conf');
    unnamed('networkd-file', '/etc/systemd/network', (s) => (s.lines.some((l) => /^\[Link\]/.test(l.text)) ? 'link' : 'network'));
    if (base === '/proc/sys/net/ipv4/conf') {
      for (const s of ofKind(['sysctl'])) for (const l of s.lines) {
        const m = /^\s*net\.ipv4\.conf\.([^.\s]+)\./.exec(l.text);
        if (m) out.add(`${base}/${m[1]}`);
      }
    }
    return [...out].sort();
  }

  return {
    kind: 'bundle',
    origin: { kind: 'bundle', path: name },
    transcript,
    beforeChange,
    explain: (what) => reasons.get(what) ?? (what.startsWith('/') ? because('fileNotInTranscript', { path: what }) : because('commandNotInTranscript', { command: what })),
    notes: () => notes,
    async close() {},
    served: (source) => servedBy.get(source),
    lineOf(source, text) {
      const lines = servedBy.get(source);
      if (!lines) return undefined;
      const t = text.trim();
      return (lines.find((l) => l.text.trim() === t) ?? lines.find((l) => t !== '' && l.text.includes(t)))?.no;
    },
    async readFile(p: string): Promise<FileContent | undefined> {
      const lines = file(p);
      const out = lines ? serve(lines) : undefined;
      if (!out) {
        reasons.set(p, because('fileNotInTranscript', { path: p }));
        return undefined;
      }
      return { text: out.stdout, source: out.source };
    },
    async listDir(p: string): Promise<string[]> {
      return dir(p);
    },
    async run(cmd: CommandSpec): Promise<CommandOutput | undefined> {
      const out = answer(cmd.argv);
      if (!out) reasons.set(commandLine(cmd.argv), because('commandNotInTranscript', { command: commandLine(cmd.argv) }));
      return out;
    },
  };
}

function nonEmpty(lines: TLine[]): TLine[] | undefined {
  return lines.length > 0 ? lines : undefined;
}

/** The devices an `ip link`/`ip addr`/`ethtool` output is about. */
export function devicesIn(s: Segment): string[] {
  if (s.kind === 'ip-link' || s.kind === 'ip-addr') {
    const out: string[] = [];
    for (const l of s.lines) {
      const m = /^\d{1,6}: ([^\s:@]{1,64})/.exec(l.text);
      if (m) out.push(m[1]!);
    }
    return out;
  }
  return s.args.dev ? [s.args.dev] : [];
}

/** `ip neigh show dev X` prints no `dev`: put it back. */
function withDev(s: Segment): TLine[] {
  const dev = s.args.dev;
  if (!dev) return s.lines;
  return s.lines.map((l) => (/\sdev\s/.test(l.text) || l.text.trim() === '' ? l : { no: l.no, text: l.text.replace(/^(\S+)/, `$1 dev ${dev}`) }));
}

/** `cat /proc/sys/net/ipv4/ip_forward` -> `net.ipv4.ip_forward = 1`. */
function procSysAsSysctl(s: Segment): TLine[] {
  const path = s.args.path;
  const value = s.lines.find((l) => l.text.trim() !== '');
  if (!path || !value) return [];
  return [{ no: value.no, text: `${path.replace(/^\/proc\/sys\//, '').replace(/\//g, '.')} = ${value.text.trim()}` }];
}

/** grep over several files prefixes each line with `file:`. */
function stripGrepPrefix(lines: TLine[]): TLine[] {
  return lines.map((l) => ({ no: l.no, text: l.text.replace(/^\/[\w./-]{1,256}:(?=\S)/, '') }));
}

/** An `iptables -S` or a fragment of `iptables-save` (no `*table` line): the table around it. */
function wrapSave(s: Segment): TLine[] {
  if (s.lines.some((l) => /^\*\w+/.test(l.text))) return s.lines;
  const at = s.lines.find((l) => l.text.trim() !== '')?.no ?? 0;
  return [{ no: at, text: `*${s.args.table ?? 'filter'}` }, ...s.lines, { no: at, text: 'COMMIT' }];
}

/** `readlink -f /sys/class/net/eth0/device/driver/module` -> `/sys/module/virtio_net`: the driver. */
function driverFromReadlink(s: Segment): TLine[] {
  for (const l of s.lines) {
    const m = /\/sys\/module\/([\w-]{1,64})\s*$/.exec(l.text);
    if (m) return [{ no: l.no, text: `driver: ${m[1]}` }];
  }
  return [];
}
