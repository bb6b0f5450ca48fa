// Commands in a transcript: the prompts of bash, zsh, sh and root shells in their usual forms, the
// bare command lines people paste without a prompt, and what each command prints (the output kind
// a podpath source reads). Pure.
import type { OutputKind, SegmentArgs } from './types.js';
import { cutAt } from '../../util/strings.js';

export interface PromptLine {
  /** The command after the prompt ('' for an empty prompt). */
  command: string;
  host?: string;
  /** `$`, `#` or `%`, or '' for a bare command line. */
  sign: string;
}

// Each prompt form, anchored, with bounded parts (they run on every line of a paste).
const BRACKET = /^\[([^\]]{1,80})\]\s?([#$%])\s?(.*)$/;
const USER_HOST_PATH = /^([\w.-]{1,64})@([\w.-]{1,253}):([^\s#$%]{0,256})([#$%]) ?(.*)$/;
const USER_HOST_DIR = /^([\w.-]{1,64})@([\w.-]{1,253}) (\S{1,256}) ([#$%]) ?(.*)$/;
const HOST_DIR = /^([\w.-]{1,253}) (~\S{0,256}|\/\S{0,256}) ([#$]) ?(.*)$/;
const SH_VERSION = /^(?:ba|z|da|k)?sh-\d[\d.]{0,8}([#$]) ?(.*)$/;
// Prompt marks as \u escapes (➜ ❯ λ, ✗): regular expressions keep non-ASCII characters in the bundle, which
// makes V8 hold and scan all of it as two-byte text (test/cli/bundle-startup.test.ts).
const ZSH_ARROW = /^(?:\u279c|\u276f|\u03bb) {1,4}(?:\S{1,256} {1,4})?(?:git:\(\S{1,256}\) {1,4})?(?:\u2717 {1,4})?(.*)$/;
const BARE_SIGN = /^([$#%]) (.*)$/;
const EMPTY_SIGN = /^[$#%]$/;

/** Commands podpath knows: after `#` (which also starts a comment) a line is a command only when it starts with one. */
export const KNOWN_COMMANDS = new Set([
  'ip', 'ifconfig', 'route', 'arp', 'netstat', 'ss', 'nstat', 'ethtool', 'bridge', 'tcpdump', 'tshark', 'dmesg', 'journalctl',
  'sysctl', 'cat', 'grep', 'egrep', 'zgrep', 'awk', 'sed', 'head', 'tail', 'less', 'more', 'uname', 'hostname', 'lsmod', 'modprobe',
  'modinfo', 'iptables', 'iptables-save', 'iptables-legacy', 'iptables-legacy-save', 'iptables-nft', 'iptables-nft-save', 'ip6tables',
  'ip6tables-save', 'xtables-save', 'nft', 'ebtables', 'conntrack', 'nmcli', 'systemctl', 'service', 'networkctl', 'resolvectl',
  'firewall-cmd', 'ufw', 'kubectl', 'k3s', 'crictl', 'docker', 'calicoctl', 'rpm', 'dnf', 'yum', 'apt', 'apt-get', 'dpkg',
  'grub2-set-default', 'grub2-mkconfig', 'grub-set-default', 'grubby', 'grub2-editenv', 'curl', 'wget', 'ping', 'traceroute',
  'tracepath', 'mtr', 'nc', 'ncat', 'iperf3', 'iperf', 'dig', 'nslookup', 'host', 'readlink', 'ls', 'find', 'lscpu', 'lspci',
  'update-alternatives', 'reboot', 'time', 'sudo', 'watch', 'ps', 'free', 'mount', 'python', 'python3', 'echo', 'printf', 'which',
  'flanneld', 'etcdctl', 'telnet', 'socat', 'ipvsadm', 'tc', 'lsof', 'oc', 'kubeadm', 'ctr', 'nerdctl', 'podman',
]);

/** What may follow a command word on a line pasted without a prompt, for it to be taken as a command. */
const BARE_ARGS: Record<string, RegExp> = {
  kubectl: /^(get|describe|logs|exec|top|-n|--namespace|-A|--all-namespaces)\b/,
  ip: /^(-\S+|a|addr|address|l|link|r|ro|route|n|neigh|neighbor|neighbour|rule)\b/,
  nmcli: /^(-\S+|c|con|connection|d|dev|device|g|general|networking)\b/,
  systemctl: /^(status|is-active|restart|reload|start|stop|list-units)\b/,
  ethtool: /^-/,
  iptables: /^-/,
  'iptables-legacy': /^-/,
  'iptables-nft': /^-/,
  'iptables-save': /^-/,
  sysctl: /^(-\S+|net\.)/,
  cat: /^\//,
  tcpdump: /^-/,
  journalctl: /^-/,
  dmesg: /^-/,
  conntrack: /^-/,
  networkctl: /^(list|status|lldp)\b/,
  'firewall-cmd': /^--/,
  ufw: /^status\b/,
  bridge: /^(fdb|link|-\S+)\b/,
  route: /^-/,
  netstat: /^-/,
  arp: /^-/,
  uname: /^-/,
  nft: /^(list|-\S+)\b/,
  calicoctl: /^get\b/,
  crictl: /^(ps|logs|images)\b/,
};
/** Commands that print their answer with no argument at all. */
const NO_ARGS = new Set(['nmcli', 'networkctl', 'dmesg', 'lsmod', 'route', 'arp', 'ifconfig', 'iptables-save', 'uname', 'nstat']);

/** The prompt and command of a line, or undefined when the line is not a command line. */
export function parsePrompt(line: string): PromptLine | undefined {
  const t = line.replace(/^\s+/, '');
  let m: RegExpExecArray | null;
  if ((m = BRACKET.exec(t))) {
    const inner = m[1]!;
    const at = /@([\w.-]{1,253})/.exec(inner);
    return checked({ command: m[3]!.trim(), host: at?.[1], sign: m[2]! }, true);
  }
  if ((m = USER_HOST_PATH.exec(t))) return checked({ command: m[5]!.trim(), host: m[2], sign: m[4]! }, true);
  if ((m = USER_HOST_DIR.exec(t))) return checked({ command: m[5]!.trim(), host: m[2], sign: m[4]! }, true);
  if ((m = HOST_DIR.exec(t)) && !/^\d/.test(m[1]!)) return checked({ command: m[4]!.trim(), host: m[1], sign: m[3]! }, true);
  if ((m = SH_VERSION.exec(t))) return checked({ command: m[2]!.trim(), sign: m[1]! }, true);
  if ((m = ZSH_ARROW.exec(t))) return checked({ command: m[1]!.trim(), sign: '%' }, true);
  if (EMPTY_SIGN.test(t)) return { command: '', sign: t };
  if ((m = BARE_SIGN.exec(t))) return checked({ command: m[2]!.trim(), sign: m[1]! }, m[1] === '$');
  return undefined;
}

/** A prompt with a command the shell could run; `#` lines are comments unless a known command follows. */
function checked(p: PromptLine, anyCommand: boolean): PromptLine | undefined {
  if (p.command === '') return p;
  const word = commandWord(p.command);
  if (word === undefined) return undefined;
  if (!anyCommand && !KNOWN_COMMANDS.has(word)) return undefined;
  return p;
}

/** The first word of a command, past `sudo`, `time`, `watch -n1` and variable assignments. */
export function commandWord(command: string): string | undefined {
  const words = unwrap(command.trim()).split(/\s+/);
  const w = words[0] ?? '';
  if (!/^[\w./+-]{1,128}$/.test(w) || /^\d+$/.test(w)) return undefined;
  return w.replace(/^.*\//, '');
}

/** A line pasted without a prompt that is a command (`kubectl get services`, `nmcli`). */
export function bareCommand(line: string): PromptLine | undefined {
  const t = line.trim();
  if (t === '' || t.length > 1000 || /[;:]$/.test(t)) return undefined;
  const words = t.split(/\s+/);
  const first = words[0] === 'sudo' ? words[1] : words[0];
  if (first === undefined) return undefined;
  const rest = words.slice(words[0] === 'sudo' ? 2 : 1).join(' ');
  if (rest === '') return NO_ARGS.has(first) ? { command: t, sign: '' } : undefined;
  const args = BARE_ARGS[first];
  return args && args.test(rest) ? { command: t, sign: '' } : undefined;
}

/** Strips what runs a command without changing what it prints: sudo, time, watch, env assignments, `kubectl exec ... --`. */
/** What follows ` -- ` in `kubectl|oc|docker|crictl|nerdctl|podman ... -- CMD` (within 500 characters, no pipe before it). */
function execTail(c: string): string | undefined {
  const tool = /^(?:kubectl|oc|docker|crictl|nerdctl|podman)\s/.exec(c);
  if (!tool) return undefined;
  const rest = c.slice(tool[0].length);
  const at = rest.search(/\s--\s/);
  if (at < 0 || at > 501 || rest.slice(0, at).includes('|')) return undefined;
  const tail = rest.slice(at + 3).trimStart();
  return /[\n\r\u2028\u2029]/.test(tail) ? undefined : tail;
}

export function unwrap(command: string): string {
  let c = command.trim();
  for (let i = 0; i < 8; i++) {
    const before = c;
    c = c.replace(/^sudo(?:\s+-\S+)*\s+/, '')
      .replace(/^time\s+/, '')
      .replace(/^watch(?:\s+-\S+)*\s+/, '')
      .replace(/^(?:[A-Z_][A-Z0-9_]{0,64}=\S{0,256}\s+)/, '');
    const inner = execTail(c);
    if (inner !== undefined && /\bexec\b/.test(c.slice(0, c.length - inner.length))) c = inner;
    if (c === before) break;
  }
  return c;
}

export interface CommandKind {
  kind: OutputKind;
  args: SegmentArgs;
}

const FILTERS = /\|\s*(?:grep|egrep|head|tail|awk|sed|cut|sort|less|more)\b/;

/** Well-known files by path: what reading them prints. */
export function fileKind(path: string): OutputKind | undefined {
  if (path === '/etc/os-release' || path === '/usr/lib/os-release') return 'os-release';
  if (path === '/proc/net/snmp') return 'snmp';
  if (path === '/proc/net/dev') return 'proc-net-dev';
  if (path === '/run/flannel/subnet.env' || /\/subnet\.env$/.test(path)) return 'subnet-env';
  if (/net-conf\.json$/.test(path)) return 'net-conf';
  if (/^\/proc\/sys\//.test(path)) return 'proc-sys';
  if (/^\/etc\/NetworkManager\/.*\.conf$/.test(path)) return 'nm-conf';
  if (/\/systemd\/network\/[^/]+\.(network|link|netdev)$/.test(path)) return 'networkd-file';
  if (/\/dnf\.rpm\.log/.test(path)) return 'dnf-log';
  if (/\/yum\.log/.test(path)) return 'yum-log';
  if (/\/apt\/history\.log/.test(path)) return 'apt-history';
  if (/grub2?(-efi)?\.cfg$/.test(path)) return 'grub-cfg';
  if (/^\/var\/log\/(messages|kern\.log|syslog|dmesg)/.test(path)) return 'syslog';
  return undefined;
}

/** The paths a `cat` of well-known files may be glued to its output with (a page that lost its line breaks). */
export const KNOWN_PATHS = [
  '/etc/os-release', '/usr/lib/os-release', '/proc/net/snmp', '/proc/net/dev', '/run/flannel/subnet.env',
  '/etc/kube-flannel/net-conf.json', '/var/log/dnf.rpm.log', '/var/log/yum.log', '/var/log/apt/history.log', '/etc/grub2.cfg',
];

/** What a command prints: its output kind and the arguments that matter. */
export function commandKind(command: string): CommandKind {
  const c = unwrap(command);
  const filtered = FILTERS.test(c);
  const first = c.split('|')[0]!.trim();
  const w = first.split(/\s+/);
  const exe = (w[0] ?? '').replace(/^.*\//, '');
  const rest = w.slice(1);
  const args: SegmentArgs = filtered ? { filtered: true } : {};
  const k = (kind: OutputKind, more: SegmentArgs = {}): CommandKind => ({ kind, args: { ...args, ...more } });
  switch (exe) {
    case 'uname':
      return k('uname');
    case 'ip':
      return ipKind(rest, k);
    case 'route':
      return rest.some((a) => /^-\w*n/.test(a)) || rest.length === 0 ? k('route-n') : k('unknown');
    case 'arp':
      return k('arp');
    case 'bridge':
      return rest.includes('fdb') ? k('bridge-fdb') : k('unknown');
    case 'ethtool': {
      const dev = rest.filter((a) => !a.startsWith('-'))[0];
      const opt = rest.find((a) => a.startsWith('-')) ?? '';
      if (opt === '-k' || opt === '--show-offload' || opt === '--show-features') return k('ethtool-k', dev ? { dev } : {});
      if (opt === '-K' || opt === '--offload' || opt === '--features') return k('ethtool-K', dev ? { dev } : {});
      if (opt === '-i' || opt === '--driver') return k('ethtool-i', dev ? { dev } : {});
      if (opt === '-S' || opt === '--statistics') return k('ethtool-S', dev ? { dev } : {});
      return k('unknown');
    }
    case 'readlink':
      return /\/sys\/class\/net\/[^/]+\/device\/driver/.test(first) ? k('readlink-driver', { dev: /\/sys\/class\/net\/([^/]+)\//.exec(first)?.[1] }) : k('unknown');
    case 'netstat':
      if (rest.some((a) => /^-\w*i/.test(a))) return k('netstat-i');
      if (rest.some((a) => /^-\w*s/.test(a))) return k('netstat-s');
      return k('unknown');
    case 'nstat':
      return k('nstat');
    case 'sysctl':
      return k('sysctl');
    case 'dmesg':
      return k('kernel-log');
    case 'journalctl': {
      if (rest.includes('-k') || rest.includes('--dmesg') || rest.includes('-kf')) return k('kernel-log');
      const unit = rest.find((a, i) => rest[i - 1] === '-u' || rest[i - 1] === '--unit') ?? /--unit=(\S+)/.exec(first)?.[1];
      if (unit && /NetworkManager/.test(unit)) return k('syslog');
      if (unit) return k('component-log', { component: unit.replace(/\.service$/, '') });
      return k('syslog');
    }
    case 'cat':
    case 'less':
    case 'more':
    case 'head':
    case 'tail': {
      const path = rest.filter((a) => !a.startsWith('-'))[0];
      const kind = path ? fileKind(path) : undefined;
      return kind ? k(kind, { path }) : k('unknown', path ? { path } : {});
    }
    case 'grep':
    case 'egrep':
    case 'zgrep': {
      const files = rest.filter((a) => a.startsWith('/'));
      const kinds = files.map((f) => fileKind(cutAt(f, '*')) ?? (/\/dnf\*?$/.test(f) ? 'dnf-log' : undefined)).filter((x) => x !== undefined);
      return kinds[0] ? k(kinds[0], { path: files[0], filtered: true }) : k('unknown', { filtered: true });
    }
    case 'awk':
      return /menuentry/.test(first) ? k('grub-listing', { path: rest[rest.length - 1] }) : k('unknown');
    case 'grubby':
      return k('grub-listing');
    case 'iptables':
    case 'iptables-legacy':
    case 'iptables-nft':
    case 'ip6tables': {
      const backend = exe.endsWith('-legacy') ? 'legacy' : exe.endsWith('-nft') ? 'nft' : undefined;
      const b: SegmentArgs = backend ? { backend } : {};
      if (rest.some((a) => a === '--version' || a === '-V')) return k('iptables-version', b);
      const t = rest.findIndex((a) => a === '-t' || a === '--table');
      const table = t >= 0 ? rest[t + 1] : /^-\w*t$/.test(rest[0] ?? '') ? rest[1] : undefined;
      if (rest.some((a) => /^-\w*L/.test(a) || a === '--list')) return k('iptables-list', { ...b, table: table ?? 'filter' });
      if (rest.some((a) => /^-\w*S/.test(a))) return k('iptables-save', { ...b, table: table ?? 'filter' });
      return k('unknown');
    }
    case 'iptables-save':
    case 'iptables-legacy-save':
    case 'iptables-nft-save':
    case 'xtables-save':
    case 'xtables-legacy-multi':
    case 'xtables-nft-multi':
      return k('iptables-save', exe.includes('legacy') ? { backend: 'legacy' } : exe.includes('nft') ? { backend: 'nft' } : {});
    case 'nft':
      return rest.includes('ruleset') || rest.includes('list') ? k('nft') : k('unknown');
    case 'nmcli':
      return nmcliKind(rest, k);
    case 'systemctl':
      return rest[0] === 'status' || rest[0] === 'is-active' ? k('systemctl-status') : k('unknown');
    case 'networkctl':
      return rest[0] === 'status' ? k('networkctl-status', rest[1] ? { dev: rest[1] } : {}) : k('networkctl-list');
    case 'rpm':
      return isRpmQueryAll(rest[0] ?? '') ? k('rpm-qa') : k('unknown');
    case 'conntrack':
      return rest.includes('-S') || rest.includes('--stats') ? k('conntrack-S') : k('unknown');
    case 'tcpdump':
      return k('tcpdump');
    case 'ufw':
      return k('ufw');
    case 'firewall-cmd':
      return k('firewall-cmd');
    case 'calicoctl':
      return k('calicoctl');
    case 'nc':
    case 'ncat':
    case 'iperf3':
    case 'iperf':
    case 'ping':
      return k('manual-test');
    case 'kubectl':
    case 'oc':
      return kubectlKind(rest, k);
    case 'docker':
    case 'crictl':
      return rest[0] === 'logs' ? k('component-log', { component: componentOf(rest.join(' ')) }) : k('unknown');
    default:
      return k('unknown');
  }
}

function ipKind(rest: string[], k: (kind: OutputKind, more?: SegmentArgs) => CommandKind): CommandKind {
  const opts = rest.filter((a) => a.startsWith('-'));
  const words = rest.filter((a) => !a.startsWith('-'));
  const obj = words[0] ?? '';
  const json = opts.some((o) => o === '-j' || o === '-json' || o === '--json');
  const dev = (() => {
    const i = words.indexOf('dev');
    if (i >= 0) return words[i + 1];
    return ['show', 's', 'sh', 'list', 'ls'].includes(words[1] ?? '') ? words[2] : undefined;
  })();
  const d: SegmentArgs = dev ? { dev } : {};
  if (/^(a|ad|add|addr|addre|addres|address)$/.test(obj)) return k(json ? 'ip-json' : 'ip-addr', d);
  if (/^(l|li|lin|link)$/.test(obj)) return k(json ? 'ip-json' : 'ip-link', d);
  if (/^(r|ro|rou|rout|route)$/.test(obj)) {
    if (words[1] === 'get' && words[2]) return k('ip-route-get', { target: words[2] });
    return k('ip-route');
  }
  if (/^(n|ne|nei|neig|neigh|neighbor|neighbour)$/.test(obj)) return k('ip-neigh', d);
  return k('unknown');
}

function nmcliKind(rest: string[], k: (kind: OutputKind, more?: SegmentArgs) => CommandKind): CommandKind {
  const terse = rest.includes('-t') || rest.includes('--terse');
  const words = rest.filter((a) => !a.startsWith('-'));
  const obj = words[0] ?? '';
  if (obj === '') return k('nmcli-overview');
  if (/^(d|de|dev|devi|devic|device)$/.test(obj) && (words[1] === undefined || words[1] === 'status')) return k(terse ? 'nmcli-terse' : 'nmcli-devices');
  if (/^(c|co|con|conn|connection)$/.test(obj) && (words[1] === undefined || words[1] === 'show')) return k('nmcli-connections');
  return k('unknown');
}

function kubectlKind(rest: string[], k: (kind: OutputKind, more?: SegmentArgs) => CommandKind): CommandKind {
  const words = rest.filter((a) => !a.startsWith('-'));
  if (words[0] === 'get' && /^(nodes?|no)$/.test(words[1] ?? '')) return k('kube-node');
  if (words[0] === 'get' && /^(pods?|po)$/.test(words[1] ?? '')) return k('kube-pods');
  if (words[0] === 'logs') return k('component-log', { component: componentOf(rest.join(' ')) });
  return k('unknown');
}

/** Whose log a pod or container name says it is. */
export function componentOf(text: string): string | undefined {
  if (/flannel/.test(text)) return 'flannel';
  if (/kube-proxy/.test(text)) return 'kube-proxy';
  if (/calico-node|felix/.test(text)) return 'calico-node';
  if (/kubelet/.test(text)) return 'kubelet';
  return undefined;
}

/** Commands that change the node (a fix being applied): what follows shows the state after them. */
export function changesState(command: string): boolean {
  const c = unwrap(command);
  return /^(?:systemctl\s+(?:restart|reload|start|stop)|service\s+\S+\s+(?:restart|reload|start|stop)|ethtool\s+(?:-K|--offload|--features)|sysctl\s+-w|iptables\S*\s+(?:-P|-A|-I|-D|-F)|firewall-cmd\s.*--(?:add|remove|reload)|ufw\s+(?:allow|deny|disable|enable|default)|modprobe|grub2?-set-default|reboot|update-alternatives\s+--set|ip\s+(?:link|addr|address|route)\s+(?:set|add|del|replace))/.test(c);
}

/** `rpm -qa`, `-aq`, `-qal`...: one option word holding both q and a (a loop: the regex backtracked). */
function isRpmQueryAll(word: string): boolean {
  if (!/^-\w+$/.test(word)) return false;
  const q = word.indexOf('q');
  return q > 0 && word.indexOf('a', q + 1) > 0;
}
