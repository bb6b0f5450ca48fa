// Host firewall closing the VXLAN port: encapsulated packets from peers reach the NIC (tcpdump
// shows them) but the INPUT hook drops them before the VXLAN socket, so flannel.1 RX stays 0.
import { defineRule } from '../../engine/types.js';
import type { NodeFacts } from '../../evidence/node-facts.js';
import { effectiveIptDefault, effectiveNftDefault, line, nftEstablishedOnly, walkIptables, walkNft, type IptRule } from '../shared/kb-shared.js';
import { isIptablesCompatTable } from '../../evidence/packet-filter.js';
import { CALICO_VXLAN_PORT, KERNEL_VXLAN_PORT, cniVxlanPort, networkView } from '../../evidence/network-view.js';

export default defineRule({
  meta: {
    id: 'firewall-vxlan-port',
    kind: 'node',
    title: { en: 'Host firewall does not let the VXLAN port in', zh: '主机防火墙未放行 VXLAN 端口' },
    severity: 'critical',
    needs: ['packetFilter'],
    // firewalld's or ufw's own log line of a rejected VXLAN datagram proves it without the ruleset.
    sufficient: [['kernelLog']],
    uses: ['links', 'cni', 'kernelLog'],
    messages: {
      logged: {
        en: 'The host firewall logged {count} rejected VXLAN datagram(s) to UDP {port} (`{example}`): peers\' VXLAN traffic is dropped before {vxlan} sees it',
        zh: '主机防火墙记录了 {count} 个被拒绝的、发往 UDP {port} 的 VXLAN 报文(`{example}`):对端的 VXLAN 流量在到达 {vxlan} 之前被丢弃',
      },
      iptablesBlocks: {
        en: 'iptables filter INPUT ends in {verdict} ({rule}) and no rule accepts UDP {port}: VXLAN packets from peers are dropped before {vxlan} sees them',
        zh: 'iptables filter 表 INPUT 链最终为 {verdict}({rule}),且没有规则放行 UDP {port}:对端的 VXLAN 报文在到达 {vxlan} 之前被丢弃',
      },
      iptablesExplicitDrop: {
        en: 'iptables rule "{rule}" drops UDP {port} before any accept: VXLAN packets from peers never reach {vxlan}',
        zh: 'iptables 规则 "{rule}" 在任何放行之前丢弃 UDP {port}:对端的 VXLAN 报文到不了 {vxlan}',
      },
      nftBlocks: {
        en: 'nftables chain {family} {table} {chain} (hook input) ends in {verdict} and no rule accepts UDP {port}: VXLAN packets from peers are dropped before {vxlan} sees them',
        zh: 'nftables 链 {family} {table} {chain}(input 钩子)最终为 {verdict},且没有规则放行 UDP {port}:对端的 VXLAN 报文在到达 {vxlan} 之前被丢弃',
      },
    },
    reasons: {
      noRejectLogged: { en: 'no packet filter rules, and no firewall log line about the VXLAN port', zh: '没有包过滤规则,也没有关于 VXLAN 端口的防火墙日志' },
    },
    explanation: {
      en: 'VXLAN packets from other nodes are addressed to this host (UDP 8472 for flannel, 4789 for Calico/Canal) and pass the filter INPUT hook before the kernel\'s VXLAN socket decapsulates them. With an INPUT policy of DROP, a firewalld/iptables-services `-j REJECT` at the end of INPUT, or an nftables input chain with policy drop, and no rule accepting that UDP port, tcpdump on the NIC shows the packets arrive while `ip -s link show flannel.1` counts no RX. conntrack RELATED,ESTABLISHED accepts do not help: each node sends from its own source port, so a peer\'s packet is never a reply. A cloud security group or an underlay firewall can do the same and is not visible here: probe the port between nodes.',
      zh: '来自其他节点的 VXLAN 报文以本主机为目的(flannel 为 UDP 8472,Calico/Canal 为 4789),在内核 VXLAN socket 解封装之前要经过 filter INPUT 钩子。INPUT 策略为 DROP、firewalld/iptables-services 在 INPUT 末尾的 `-j REJECT`、或 nftables input 链 policy drop,且没有规则放行该 UDP 端口时,网卡上 tcpdump 能看到报文到达,而 `ip -s link show flannel.1` 的 RX 为 0。conntrack 的 RELATED,ESTABLISHED 放行无济于事:每个节点用自己的源端口发送,对端的报文永远不是“回复”。云安全组或底层防火墙也会造成同样现象,本机看不到:请在节点之间探测该端口。',
    },
    remediation: [
      {
        description: { en: 'Open UDP {port} (firewalld, or a plain iptables rule)', zh: '放行 UDP {port}(firewalld,或直接用 iptables 规则)' },
        commands: ['firewall-cmd --permanent --add-port={port}/udp && firewall-cmd --reload', 'iptables -I INPUT 1 -p udp --dport {port} -j ACCEPT   # without firewalld'],
        undo: ['firewall-cmd --permanent --remove-port={port}/udp && firewall-cmd --reload', 'iptables -D INPUT -p udp --dport {port} -j ACCEPT'],
      },
    ],
    references: ['kb:known-failures.md#6 (firewall or security group blocks the tunnel)', 'repo:flannel-io/flannel Documentation/backends.md (firewalld)', 'seed 000_694fb590af4e1503.txt (flannel.1 RX 0, UDP suspected)'],
  },
  check(ctx) {
    const { facts } = ctx;
    // firewalld (`filter_IN_public_REJECT: ... PROTO=UDP ... DPT=8472`) or ufw (`[UFW BLOCK] ... DPT=4789`), on input (no OUT=).
    const logged = (facts.kernelLog?.matches ?? []).filter((m) => (m.pattern === 'firewalld-reject' || m.pattern === 'ufw-block') && /\bPROTO=UDP\b/.test(m.line) && /\bDPT=(?:8472|4789)\b/.test(m.line) && /\bOUT= /.test(m.line));
    if (logged.length > 0) {
      const port = Number(/\bDPT=(\d+)/.exec(logged[0]!.line)![1]);
      ctx.report({ messageId: 'logged', data: { count: logged.length, port, example: logged[0]!.line, vxlan: port === 4789 ? 'vxlan.calico' : 'flannel.1' }, evidence: logged.slice(0, 4).map((m) => line(m.source, m.line)) });
      return;
    }
    const pf = facts.packetFilter;
    if (!pf) return ctx.skip('noRejectLogged');
    const source = pf.sources[0] ?? 'iptables-save';
    for (const { port, vxlan } of vxlanPorts(facts)) {
      if (pf.iptables) {
        const rules = walkIptables(pf.iptables, 'filter', 'INPUT');
        const firstDecisive = rules.find((r) => decidesPort(r, port));
        if (firstDecisive && (firstDecisive.target === 'DROP' || firstDecisive.target === 'REJECT')) {
          ctx.report({ messageId: 'iptablesExplicitDrop', data: { rule: firstDecisive.text, port, vxlan }, evidence: [line(source, firstDecisive.text)] });
        } else if (!firstDecisive) {
          const def = effectiveIptDefault(pf.iptables, 'filter', 'INPUT');
          if (def && def.verdict !== 'ACCEPT') {
            ctx.report({ messageId: 'iptablesBlocks', data: { verdict: def.verdict, rule: def.text, port, vxlan }, evidence: [line(source, def.text), ...rules.slice(0, 12).map((r) => line(source, r.text))] });
          }
        }
      }
      for (const table of pf.nft ?? []) {
        if (pf.iptables && isIptablesCompatTable(table)) continue;
        for (const chain of table.chains) {
          if (chain.hook !== 'input') continue;
          const def = effectiveNftDefault(chain);
          if (!def || def.verdict === 'accept') continue;
          const rules = walkNft(table, chain);
          if (rules.some((r) => nftAcceptsPort(r.rule, port))) continue;
          ctx.report({
            messageId: 'nftBlocks',
            data: { family: table.family, table: table.name, chain: chain.name, verdict: def.verdict, port, vxlan },
            evidence: [line(source, `table ${table.family} ${table.name} chain ${chain.name}: ${def.text}`), ...rules.slice(0, 12).map((r) => line(source, r.rule))],
          });
        }
      }
    }
  },
});

/** The UDP ports this node receives VXLAN on: its devices' (network view), else what the CNI configures. */
function vxlanPorts(facts: NodeFacts): { port: number; vxlan: string }[] {
  const out = new Map<number, string>();
  for (const vx of networkView(facts).vxlan) if (!out.has(vx.port.value)) out.set(vx.port.value, vx.name);
  if (out.size === 0) {
    const plugin = facts.cni?.plugin;
    if (plugin === 'flannel') out.set(cniVxlanPort(facts, 'flannel')?.value ?? KERNEL_VXLAN_PORT, 'flannel.1');
    if (plugin === 'calico' || plugin === 'canal') out.set(CALICO_VXLAN_PORT, 'vxlan.calico');
  }
  return [...out].map(([port, vxlan]) => ({ port, vxlan }));
}

/** A rule that decides the fate of a new VXLAN datagram to `port` from any peer: ACCEPT/DROP/REJECT matching it. */
function decidesPort(r: IptRule, port: number): boolean {
  if (!r.target || !['ACCEPT', 'DROP', 'REJECT'].includes(r.target) || r.establishedOnly) return false;
  const keys = [...r.opts.keys()];
  // Rules bound to one source, the loopback, or another protocol do not decide for VXLAN from peers.
  if (r.opts.has('-s') || r.opts.get('-i') === 'lo') return false;
  const proto = r.opts.get('-p');
  if (proto !== undefined && (r.negated.has('-p') ? proto === 'udp' : proto !== 'udp' && proto !== 'all')) return false;
  const dport = r.opts.get('--dport') ?? r.opts.get('--dports') ?? r.opts.get('--destination-port');
  if (dport !== undefined) {
    const hit = dport.split(',').some((d) => {
      const [lo, hi] = d.split(':').map(Number);
      return lo !== undefined && (hi === undefined ? lo === port : port >= lo && port <= hi);
    });
    if (r.negated.has('--dport') ? hit : !hit) return false;
  }
  const known = new Set(['-p', '--dport', '--dports', '--destination-port', '-i', '-d', '--ctstate', '--state']);
  // Any other match (marks, addresses types, ...) makes the rule conditional in ways we cannot judge: not decisive.
  return keys.every((k) => known.has(k));
}

function nftAcceptsPort(rule: string, port: number): boolean {
  if (!/\baccept\b/.test(rule) || nftEstablishedOnly(rule)) return false;
  if (/^(counter( packets \d+ bytes \d+)?\s+)?accept\b/.test(rule.trim())) return true;
  const m = /udp dport (\{[^}]*\}|\S+)/.exec(rule) ?? /th dport (\{[^}]*\}|\S+)/.exec(rule);
  if (!m?.[1] || /ip6? saddr/.test(rule) || /iifname "?lo"?/.test(rule)) return false;
  return m[1].replace(/[{}]/g, '').split(',').map((s) => s.trim()).some((d) => {
    const [lo, hi] = d.split('-').map(Number);
    return lo !== undefined && (hi === undefined ? lo === port : port >= lo && port <= hi);
  });
}
