// The packet filter dropped the probes: NETFILTER_DROP (5.17+) or nf_hook_slow / nft_do_chain /
// ipt_do_table on older kernels; with --trace-rules the filter's own trace names the table, chain
// and rule handle or policy.
import { defineRule } from '../../engine/types.js';
import { checkDrops, dropData, nodeName } from '../shared/drop-rule.js';
import { VERDICT_WORDS, verdictPhrase } from '../shared/drop-place.js';

export default defineRule({
  meta: {
    id: 'drop-netfilter',
    kind: 'drops',
    title: { en: 'The packet filter drops the probes', zh: '包过滤规则丢弃探测报文' },
    severity: 'error',
    needs: ['probes', 'drops'],
    messages: {
      ...VERDICT_WORDS,
      rule: {
        en: '{lost} of {sent} UDP probes from {from} to {to} ({label}) were dropped by {filterNode}\'s packet filter: {verdict} ({reason} in {symbol}, {count} times during the probe, {baseline} in the baseline). The kernel\'s trace names the place; it outranks the placement by counters',
        zh: '{from} 到 {to}({label})的 {sent} 个 UDP 探测中有 {lost} 个被 {filterNode} 的包过滤规则丢弃:{verdict}({symbol} 中的 {reason},探测期间 {count} 次,基线期间 {baseline} 次)。内核跟踪给出了确切位置,优先于按计数器的定位',
      },
      noRule: {
        en: '{lost} of {sent} UDP probes from {from} to {to} ({label}) were dropped by {node}\'s packet filter: {reason} in {symbol}, {count} times during the probe ({baseline} in the baseline); run again with --trace-rules to name the table, chain and rule. The kernel\'s trace outranks the placement by counters',
        zh: '{from} 到 {to}({label})的 {sent} 个 UDP 探测中有 {lost} 个被 {node} 的包过滤规则丢弃:{symbol} 中的 {reason},探测期间 {count} 次(基线期间 {baseline} 次);加上 --trace-rules 重新运行可得到表、链和规则。内核跟踪优先于按计数器的定位',
      },
    },
    reasons: {
      noUdpEcho: { en: 'no UDP echo among the probes', zh: '探测结果中没有 UDP 回显' },
      untraced: { en: 'the probes that lost packets were not traced on both nodes ({node}: {why})', zh: '丢包的探测没有在两个节点上都被跟踪({node}:{why})' },
    },
    explanation: {
      en: 'The kernel freed the probes in the packet filter: reason NETFILTER_DROP (5.17 and later) at nft_do_chain (nftables, iptables-nft) or nf_hook_slow (iptables-legacy); older kernels print the place only. With --trace-rules podpath adds a temporary nftables table that marks the probes\' packets for tracing (meta nftrace set 1, the probe and VXLAN ports only) and reads `nft monitor trace`, or on iptables-legacy hosts a TRACE rule in the raw table read from the kernel log: that names the table, the chain and the rule handle or policy that gave the verdict. Typical causes: a host firewall without an accept for the VXLAN port (8472 flannel, 4789 Calico) in INPUT, or a FORWARD policy of DROP on a node that forwards pod traffic (Docker sets it).',
      zh: '内核在包过滤中释放了探测报文:原因 NETFILTER_DROP(5.17 及以后),位置 nft_do_chain(nftables、iptables-nft)或 nf_hook_slow(iptables-legacy);更老的内核只给出位置。使用 --trace-rules 时,podpath 添加一个临时 nftables 表,只对探测报文(探测端口和 VXLAN 端口)设置 `meta nftrace set 1` 并读取 `nft monitor trace`;在 iptables-legacy 主机上则在 raw 表加 TRACE 规则并读取内核日志:由此得出给出裁决的表、链以及规则句柄或默认策略。常见原因:主机防火墙的 INPUT 中没有放行 VXLAN 端口(flannel 8472,Calico 4789),或转发 Pod 流量的节点 FORWARD 策略为 DROP(Docker 会这样设置)。',
    },
    remediation: [
      {
        description: { en: 'On {node}, list the rules with their handles and find the one the trace named', zh: '在 {node} 上列出带句柄的规则,找到跟踪给出的那一条' },
        commands: ['nft -a list ruleset  # on the node that dropped them', 'iptables -L -n -v --line-numbers  # on the node that dropped them'],
        undo: ['# nothing to undo: read-only'],
      },
      {
        description: { en: 'Accept the VXLAN port from the other nodes before the rule that drops it (flannel 8472; Calico 4789)', zh: '在丢弃它的规则之前放行来自其他节点的 VXLAN 端口(flannel 8472;Calico 4789)' },
        commands: ['iptables -I INPUT -p udp --dport 8472 -j ACCEPT -m comment --comment podpath-vxlan  # on the node that dropped them'],
        undo: ['iptables -D INPUT -p udp --dport 8472 -j ACCEPT -m comment --comment podpath-vxlan'],
      },
    ],
    references: ['kb:known-failures.md#6 (firewall or security group blocks the tunnel)', 'seeds/002_0d72c60b7b7623b4.txt'],
  },
  check(ctx) {
    checkDrops(ctx, (p, placed) => {
      if (placed.place !== 'kernel' || placed.drop.kind !== 'netfilter') return undefined;
      const data = dropData(p, placed);
      const v = placed.drop.verdict;
      if (!v) return { messageId: 'noRule', data };
      return { messageId: 'rule', data: { ...data, filterNode: nodeName(p, v.node) }, phrases: { verdict: verdictPhrase(v) } };
    });
  },
});
