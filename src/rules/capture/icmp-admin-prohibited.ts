// ICMP "administratively prohibited": a firewall rejects these packets.
import { icmpRule } from '../shared/capture-icmp.js';

export default icmpRule({
  id: 'icmp-admin-prohibited',
  kinds: ['admin-prohibited'],
  title: { en: 'A firewall rejects packets (administratively prohibited)', zh: '防火墙拒绝了报文（管理性禁止）' },
  severity: 'error',
  message: {
    en: '{count} ICMP "administratively prohibited": a firewall rejects these packets: {list}',
    zh: '{count} 个 ICMP “管理性禁止”：防火墙拒绝了这些报文：{list}',
  },
  detail: {
    en: 'A REJECT rule (iptables/nftables `reject with icmp-admin-prohibited`, a security group, a NetworkPolicy) on the reporting host refuses them: look at its FORWARD/INPUT rules (`podpath doctor` on that node).',
    zh: '上报主机上的 REJECT 规则（iptables/nftables 的 `reject with icmp-admin-prohibited`、安全组、NetworkPolicy）拒绝了它们：检查该主机的 FORWARD/INPUT 规则（在该节点上运行 `podpath doctor`）。',
  },
  explanation: {
    en: 'The reporter refused the quoted packets on purpose: ICMP type 3 code 9, 10 or 13 (ICMPv6 type 1 code 1, 5 or 6) is what a REJECT rule sends (iptables `REJECT --reject-with icmp-admin-prohibited`, nftables `reject with icmp admin-prohibited`, firewalld\'s default reject, a NetworkPolicy implemented with REJECT). The path up to the reporter works; its packet filter does not let these packets through.',
    zh: '上报者是有意拒绝被引用的报文：ICMP 类型 3 代码 9、10 或 13（ICMPv6 类型 1 代码 1、5 或 6）是 REJECT 规则发出的（iptables `REJECT --reject-with icmp-admin-prohibited`、nftables `reject with icmp admin-prohibited`、firewalld 的默认拒绝、用 REJECT 实现的 NetworkPolicy）。到上报者为止的路径是通的；是它的包过滤不放行这些报文。',
  },
  remediation: [
    {
      description: { en: 'On the reporting host ({reporter}), find the REJECT rule and open the port the quoted packets need', zh: '在上报主机（{reporter}）上找到该 REJECT 规则，放行被引用报文所需的端口' },
      commands: ['iptables -S | grep -n -e REJECT; nft list ruleset | grep -n reject  # on {reporter}', 'podpath doctor  # on {reporter}: the packet filter rules'],
      undo: ['# nothing to undo: read-only checks'],
    },
  ],
  references: ['kb:known-failures.md#6 (firewall or security group blocks the tunnel)', 'RFC 1812 5.2.7.1'],
  fallbackFilter: '(icmp.type == 3 && (icmp.code == 9 || icmp.code == 10 || icmp.code == 13)) || (icmpv6.type == 1 && (icmpv6.code == 1 || icmpv6.code == 5 || icmpv6.code == 6))',
});
