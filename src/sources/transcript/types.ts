// A transcript as podpath reads it: the outputs a person pasted (a terminal session, a ticket, a
// chat, a web page), each recognised as the output of one command podpath knows, with every line
// keeping the number it had in the pasted text, so a fact can cite `transcript.txt:123`.

/** One line of an output, cleaned (no prompt, colour codes, fences or line numbers), with its line in the paste. */
export interface TLine {
  /** 1-based line number in the transcript. */
  no: number;
  text: string;
}

/** What an output is: which podpath source can read it. */
export type OutputKind =
  | 'uname'
  | 'os-release'
  | 'ip-link'
  | 'ip-addr'
  | 'ip-json'
  | 'ip-route'
  | 'ip-route-get'
  | 'route-n'
  | 'ip-neigh'
  | 'arp'
  | 'bridge-fdb'
  | 'ethtool-k'
  | 'ethtool-K'
  | 'ethtool-i'
  | 'ethtool-S'
  | 'readlink-driver'
  | 'snmp'
  | 'netstat-s'
  | 'nstat'
  | 'netstat-i'
  | 'proc-net-dev'
  | 'sysctl'
  | 'proc-sys'
  | 'kernel-log'
  | 'syslog'
  | 'iptables-save'
  | 'iptables-list'
  | 'iptables-version'
  | 'nft'
  | 'nmcli-terse'
  | 'nmcli-devices'
  | 'nmcli-connections'
  | 'nmcli-overview'
  | 'nm-conf'
  | 'systemctl-status'
  | 'networkctl-list'
  | 'networkctl-status'
  | 'networkd-file'
  | 'dnf-log'
  | 'yum-log'
  | 'apt-history'
  | 'rpm-qa'
  | 'grub-listing'
  | 'grub-cfg'
  | 'subnet-env'
  | 'net-conf'
  | 'kube-node'
  | 'kube-pods'
  | 'conntrack-S'
  | 'tcpdump'
  | 'ufw'
  | 'firewall-cmd'
  | 'component-log'
  | 'calicoctl'
  | 'manual-test'
  | 'unknown';

export interface SegmentArgs {
  /** The device a command was about (`ethtool -k eth0`, `ip a s flannel.1`). */
  dev?: string;
  /** `ip route get TARGET`. */
  target?: string;
  /** The file shown (`cat /etc/os-release`, a path line above a file's content). */
  path?: string;
  /** iptables: the table listed (`-t nat`) and the backend the binary names (`iptables-legacy`). */
  table?: string;
  backend?: 'legacy' | 'nft';
  /** The output went through grep/head/tail/awk: a part of it, not all of it. */
  filtered?: boolean;
  /** For `kubectl logs` and log lines: whose log (flannel, kube-proxy, calico-node, kubelet). */
  component?: string;
}

/** One output: the command that printed it (when the paste has it), what it is, and its lines. */
export interface Segment {
  /** Order in the transcript, from 0. */
  id: number;
  kind: OutputKind;
  args: SegmentArgs;
  /** The command as typed, without its prompt; absent when the output was recognised by its shape. */
  command?: string;
  /** The line the command (with its prompt) was on. */
  commandLine?: number;
  /** The host the prompt names (`root@node2` -> `node2`), when it names one. */
  host?: string;
  lines: TLine[];
}

export interface Transcript {
  /** How facts cite it: the file name, or `stdin`. */
  name: string;
  segments: Segment[];
  /** Lines in the paste. */
  lineCount: number;
}
