// Outputs recognised by their shape, when the paste has no command above them (a ticket quoting a
// log line, a blog post's code block, a chat message): each kind has a distinctive line or a run of
// lines only that command prints. A block is given a kind only when that is certain; otherwise it
// stays unknown (prose, a symptom, something podpath does not read).
import type { OutputKind } from './types.js';

export const SYSLOG_STAMP = /^\S{1,3} {1,2}\d{1,2} \d\d:\d\d:\d\d \S{1,253} /;
export const ISO_STAMP = /^\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d{1,9})?(?:Z|[+-]\d\d:?\d\d)? /;
const DMESG = /^\[ {0,12}\d{1,12}\.\d{1,9}\] /;
const DMESG_HUMAN = /^\[[A-Z][a-z]{2} [A-Z][a-z]{2} {1,2}\d{1,2} \d\d:\d\d:\d\d \d{4}\] /;
const KERNEL_PROGRAM = / kernel: /;
const NM_PROGRAM = / NetworkManager\[\d{1,10}\]: /;
/** klog (`I0605 01:30:01.492533       1 main.go:475] ...`), optionally after `kubectl logs --prefix` words. */
export const KLOG = /(?:^|\s)[IWEF]\d{4} \d\d:\d\d:\d\d\.\d{6} {1,12}\d{1,10} [\w.-]{1,64}:\d{1,6}\] /;
/** Calico Felix: `2020-12-19 08:41:31.677 [FATAL][846] int_dataplane.go 1018: ...`. */
export const FELIX = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} \[(?:DEBUG|INFO|WARNING|ERROR|FATAL|PANIC)\]\[\d{1,10}\] /;
const TCPDUMP_RECORD = /^(?:\d\d:\d\d:\d\d\.\d{6} )?(?:IP6?|ARP|[0-9a-f]{2}(?::[0-9a-f]{2}){5} >) /;
const TCPDUMP_NUMBERED = /^\s{0,10}\d{1,10} {2}(?=\d\d:\d\d:\d\d\.\d{6} )/;
const TCPDUMP_NOTE = /^(?:tcpdump: (?:listening|verbose output)|listening on \S{1,64}, link-type|dropped privs to tcpdump)/;

/** `cat > FILE << EOF`, `tee FILE <<-'EOF'`: the lines below are written, not read. */
export const HEREDOC = /^(?:sudo +)?(?:cat|tee)\b[^<]{0,300}<<-? ?['"]?\w{1,32}['"]? *$/;

type Test = (lines: string[]) => boolean;

const every = (re: RegExp, min = 1): Test => (lines) => lines.length >= min && lines.every((l) => re.test(l));
const some = (re: RegExp): Test => (lines) => lines.some((l) => re.test(l));
/** At least `share` of the lines match (and at least `min` of them). */
const most = (re: RegExp, share: number, min = 1): Test => (lines) => {
  const n = lines.filter((l) => re.test(l)).length;
  return n >= min && n >= share * lines.length;
};

/** Shapes in order: the first whose test holds names the block. */
const SHAPES: { kind: OutputKind; test: Test }[] = [
  // Records start at column 0, or indented after their number (`-#`: `    1  12:00:00.000000 IP ...`).
  { kind: 'tcpdump', test: (l) => some(TCPDUMP_NOTE)(l) || most(TCPDUMP_RECORD, 0.3, 1)(l.filter((x) => !/^\s/.test(x) || TCPDUMP_NUMBERED.test(x)).map((x) => x.replace(TCPDUMP_NUMBERED, ''))) },
  { kind: 'ip-link', test: (l) => some(/^\d{1,6}: [^\s:]{1,64}(?:@\S{1,64})?: <[A-Z0-9_,-]*> mtu \d+/)(l) && !some(/^\s+inet6? /)(l) },
  { kind: 'ip-addr', test: some(/^\d{1,6}: [^\s:]{1,64}(?:@\S{1,64})?: <[A-Z0-9_,-]*> mtu \d+/) },
  // `ip -o addr`: one line per address, `N: dev    inet ADDR/LEN ...` (no flags in <>).
  { kind: 'ip-addr', test: most(/^\d{1,6}: [^\s:]{1,64}(?:@\S{1,64})? {1,8}inet6? [0-9a-f:.]{2,45}\/\d{1,3} /, 0.6) },
  { kind: 'ethtool-K', test: some(/^Actual changes:$/) },
  { kind: 'ethtool-k', test: (l) => some(/^Features for \S{1,64}:$/)(l) || most(/^\s*[a-z0-9][a-z0-9-]{1,64}: (?:on|off)(?: \[(?:fixed|requested on|requested off)\])?$/, 0.6, 3)(l) },
  { kind: 'ethtool-S', test: some(/^NIC statistics:$/) },
  { kind: 'ethtool-i', test: (l) => some(/^driver: \S/)(l) && some(/^(?:version|bus-info|firmware-version): /)(l) },
  { kind: 'route-n', test: some(/^(?:Kernel IP routing table|Destination +Gateway +Genmask +Flags)/) },
  { kind: 'netstat-i', test: some(/^(?:Kernel Interface table|Iface +MTU +(?:Met +)?RX-OK)/) },
  { kind: 'proc-net-dev', test: some(/^Inter-\| +Receive/) },
  { kind: 'snmp', test: (l) => some(/^Udp: InDatagrams /)(l) || some(/^Ip: Forwarding /)(l) },
  { kind: 'netstat-s', test: (l) => some(/^Udp:$/)(l) && some(/^\s+\d+ packets? (?:received|sent)/)(l) },
  { kind: 'nstat', test: (l) => some(/^#kernel$/)(l) || most(/^[A-Z][A-Za-z0-9]{2,40} +\d+ +\d+\.\d+$/, 0.6, 2)(l) },
  { kind: 'conntrack-S', test: (l) => most(/^cpu=\d+ /, 0.5)(l) || (some(/^insert_failed\s+\d+$/)(l) && some(/^(?:entries|found)\s+\d+$/)(l)) },
  // Before the route shapes: `10.0.0.2 dev eth0 lladdr ... REACHABLE` starts like a route; its state word ends it.
  { kind: 'ip-neigh', test: most(/^[0-9a-f:.]{3,45} dev \S{1,64} (?:lladdr \S{1,64} )?.{0,80}(?:PERMANENT|REACHABLE|STALE|DELAY|PROBE|FAILED|INCOMPLETE|NOARP)$/, 0.5) },
  { kind: 'ip-route-get', test: (l) => some(/^(?:local |broadcast |unicast |unreachable |blackhole |prohibit )?\d{1,3}(?:\.\d{1,3}){3} (?:via \S{1,64} )?dev \S{1,64} .{0,200}\bsrc \S/)(l) && some(/^\s*cache\b/)(l) },
  { kind: 'ip-route', test: most(/^(?:default|\d{1,3}(?:\.\d{1,3}){3}(?:\/\d{1,2})?|blackhole|unreachable|local|broadcast) (?:via |dev |proto |\d)/, 0.6, 1) },
  { kind: 'arp', test: most(/^\S{1,253} \(\d{1,3}(?:\.\d{1,3}){3}\) at (?:[0-9a-f]{1,2}(?::[0-9a-f]{1,2}){5}|<incomplete>)/i, 0.5) },
  { kind: 'bridge-fdb', test: most(/^[0-9a-f]{2}(?::[0-9a-f]{2}){5} dev \S{1,64} .{0,200}(?:self|master|permanent)/, 0.5) },
  { kind: 'iptables-save', test: (l) => some(/^# Generated by (?:iptables|ip6tables|xtables|iptables-nft|iptables-legacy)-save/)(l) || most(/^(?:\*\w+|:\S+ \S+ \[\d+:\d+\]|(?:\[\d+:\d+\] )?-[AIP] \S+|COMMIT)(?:\s|$)/, 0.6, 2)(l) },
  { kind: 'iptables-list', test: some(/^Chain \S{1,64} \((?:policy \w+|\d+ references?)/) },
  { kind: 'iptables-version', test: every(/^iptables v\d+\.\d+\.\d+(?: \((?:nf_tables|legacy)\))?$/) },
  { kind: 'nft', test: some(/^table (?:ip|ip6|inet|arp|bridge|netdev) \S{1,64} \{$/) },
  { kind: 'nmcli-devices', test: some(/^DEVICE +TYPE +STATE +CONNECTION/) },
  { kind: 'nmcli-connections', test: some(/^NAME +UUID +TYPE +DEVICE/) },
  { kind: 'nmcli-overview', test: some(/^[\w.@-]{1,64}: (?:connected|connecting|disconnected|unmanaged|unavailable|connected \(externally\))\b/) },
  { kind: 'networkctl-list', test: some(/^IDX +LINK +TYPE +OPERATIONAL +SETUP/) },
  { kind: 'networkctl-status', test: (l) => some(/^\s*(?:Link|Network) File: /)(l) },
  { kind: 'networkd-file', test: (l) => some(/^\[(?:Match|Link|Network|NetDev|DHCP|Route|Address)\]$/)(l) && some(/^[A-Z][A-Za-z]{1,40}=/)(l) && !some(/^unmanaged-devices/)(l) },
  { kind: 'nm-conf', test: (l) => some(/^\[(?:main|keyfile|device|connection)\]$/)(l) && some(/^[a-z][a-z-]{1,40}[+-]?=/)(l) },
  { kind: 'dnf-log', test: most(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\S{0,8} (?:SUBDEBUG|DEBUG|INFO) /, 0.5) },
  { kind: 'yum-log', test: most(/^[A-Z][a-z]{2} {1,2}\d{1,2} \d\d:\d\d:\d\d (?:Installed|Updated|Erased): /, 0.5) },
  { kind: 'apt-history', test: (l) => some(/^Start-Date: /)(l) && some(/^(?:Install|Upgrade|Remove|Commandline): /)(l) },
  { kind: 'grub-listing', test: most(/^\d{1,3} : \S.{0,300}$/, 0.6, 1) },
  { kind: 'grub-cfg', test: some(/^\s*menuentry ['"]/) },
  { kind: 'rpm-qa', test: most(/^[A-Za-z0-9][\w+.-]{0,100}-\d[\w.+~^]{0,60}-[\w.+~^]{1,80}\.(?:x86_64|aarch64|noarch|i686|ppc64le|s390x|armv7hl)$/, 0.6, 2) },
  { kind: 'subnet-env', test: some(/^FLANNEL_(?:NETWORK|SUBNET|MTU)=/) },
  { kind: 'uname', test: every(/^Linux \S{1,253} (?:\d\S{0,100} )?#\d+ /) },
  { kind: 'os-release', test: (l) => some(/^NAME="?/)(l) && some(/^(?:ID|VERSION_ID|PRETTY_NAME)=/)(l) },
  { kind: 'kube-node', test: some(/^\s*(?:"?flannel\.alpha\.coreos\.com\/|"?projectcalico\.org\/IPv4)/) },
  { kind: 'kube-pods', test: some(/^(?:NAMESPACE +)?NAME +READY +STATUS +RESTARTS +AGE +IP +NODE/) },
  { kind: 'ufw', test: (l) => some(/^Status: (?:active|inactive)$/)(l) },
  { kind: 'calicoctl', test: some(/^NAME +CIDR +NAT +IPIPMODE +VXLANMODE/) },
  { kind: 'kernel-log', test: (l) => most(DMESG, 0.5)(l) || most(DMESG_HUMAN, 0.5)(l) || (most(SYSLOG_STAMP, 0.5)(l) && most(KERNEL_PROGRAM, 0.5)(l)) },
  { kind: 'syslog', test: (l) => most(SYSLOG_STAMP, 0.3)(l) && (some(KERNEL_PROGRAM)(l) || some(NM_PROGRAM)(l)) },
  { kind: 'component-log', test: (l) => some(KLOG)(l) || some(FELIX)(l) },
];

/** The kind of a block of lines (blank lines left out), or 'unknown'. */
export function shapeOf(lines: string[]): OutputKind {
  const body = lines.filter((l) => l.trim() !== '');
  // A here-document (`cat > /etc/x.conf << 'EOF'`) is a file being written (a fix), not one read.
  if (body.length === 0 || HEREDOC.test(body[0]!)) return 'unknown';
  for (const s of SHAPES) if (s.test(body)) return s.kind;
  return 'unknown';
}

/** Whether the line starts a log record (a continuation of a hard-wrapped record does not). */
export function startsLogRecord(line: string): boolean {
  return SYSLOG_STAMP.test(line) || ISO_STAMP.test(line) || DMESG.test(line) || DMESG_HUMAN.test(line) || KLOG.test(line) || FELIX.test(line);
}
