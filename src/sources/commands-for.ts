// What to run on a node (as root) for each kind of evidence: the commands an inconclusive report
// asks for, so that their output, pasted into a transcript or collected in a bundle, lets the rules
// that could not judge do so. The first command of each is the one to prefer.
import type { NeedKey } from '../evidence/evidence.js';

export const COMMANDS_FOR: Partial<Record<NeedKey, string[]>> = {
  kernel: ['uname -a'],
  os: ['cat /etc/os-release'],
  kernelPackages: ["rpm -qa 'kernel*'", 'grep -h kernel /var/log/dnf.rpm.log /var/log/yum.log /var/log/apt/history.log'],
  boot: ["awk -F\\' '$1==\"menuentry \" {print i++ \" : \" $2}' /etc/grub2.cfg", 'grubby --default-kernel'],
  links: ['ip -s -d link', 'ip -d address'],
  routes: ['ip route show table all'],
  routeGets: ['ip route get <overlay address, e.g. the flannel.1 inet>', 'ip route get <a pod IP on another node>'],
  neighbours: ['ip neigh show'],
  fdb: ['bridge fdb show'],
  nics: ['ethtool -k <each NIC and the VXLAN device>', 'ethtool -i <each NIC>', 'ethtool -S <each NIC>'],
  snmp: ['cat /proc/net/snmp'],
  netstat: ['nstat -zas'],
  netdev: ['cat /proc/net/dev'],
  conntrack: ['conntrack -S', 'sysctl net.netfilter.nf_conntrack_count net.netfilter.nf_conntrack_max'],
  sysctls: ['sysctl -a'],
  kernelLog: ['dmesg', 'journalctl -k --no-pager'],
  modules: ['lsmod'],
  networkManager: ['systemctl is-active NetworkManager', 'nmcli -t device', 'cat /etc/NetworkManager/NetworkManager.conf /etc/NetworkManager/conf.d/*.conf'],
  packetFilter: ['iptables-save', 'nft list ruleset'],
  cni: ['ls -l /etc/cni/net.d', 'cat /run/flannel/subnet.env'],
  networkd: ['networkctl list', 'networkctl status --all'],
  firewalld: ['firewall-cmd --state', 'firewall-cmd --list-all-zones'],
  ufw: ['ufw status verbose'],
  iptablesBackends: ['iptables --version', 'iptables-legacy-save'],
  componentLog: ['kubectl -n kube-flannel logs <the flannel pod on this node>', 'kubectl -n kube-system logs <the kube-proxy pod on this node>'],
  overlayPeers: ['kubectl get nodes -o yaml | grep -E "public-ip|backend-data|IPv4Address"'],
  probes: ['podpath doctor --peer <another node> (with podpath agent running there)'],
  captures: ['tcpdump -nn -vv -i any udp port 8472 or udp port 4789'],
};

/** The commands for a need, or a generic hint when podpath has none to name. */
export function commandsFor(key: NeedKey): string[] {
  return COMMANDS_FOR[key] ?? [];
}
