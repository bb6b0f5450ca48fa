// FORWARD policy DROP without the CNI's accept rules: pod traffic is routed by the host, so it
// crosses the filter FORWARD chain, and Docker >= 1.13 sets that chain's policy to DROP.
import { defineRule } from '../../engine/types.js';
import { effectiveIptDefault, effectiveNftDefault, line, nftEstablishedOnly, walkIptables, walkNft, type IptRule } from '../shared/kb-shared.js';
import { isIptablesCompatTable } from '../../evidence/packet-filter.js';
import { networkView } from '../../evidence/network-view.js';
import { cidrContains } from '../../util/ipv4.js';

const POD_IFACE = /^(cni\d*|cbr\d+|flannel\.\d+|flannel-v6\.\d+|vxlan\.calico|vxlan-v6\.calico|cali\+?.*|tunl0)$/;

export default defineRule({
  meta: {
    id: 'forward-policy-drop',
    kind: 'node',
    title: { en: 'Forwarded pod traffic is dropped by the packet filter', zh: '包过滤丢弃了被转发的 Pod 流量' },
    severity: 'critical',
    needs: ['packetFilter'],
    // ufw's own status says it in its words (`deny (routed)`), without the iptables chains it writes.
    sufficient: [['ufw']],
    uses: ['cni', 'links', 'ufw'],
    messages: {
      ufwRouted: {
        en: 'ufw is active and its default for routed traffic is {routed} (`{line}`): ufw sets the FORWARD chain to drop, so pod traffic forwarded between nodes is dropped unless a `ufw route allow` rule lets it through',
        zh: 'ufw 已启用,其转发(routed)默认策略为 {routed}(`{line}`):ufw 把 FORWARD 链设为丢弃,除非有 `ufw route allow` 规则放行,节点之间被转发的 Pod 流量都会被丢弃',
      },
      iptablesDrop: {
        en: 'iptables filter FORWARD ends in {verdict} ({rule}) and no rule accepts pod traffic ({network}): cross-node pod packets are dropped on this node',
        zh: 'iptables filter 表 FORWARD 链最终为 {verdict}({rule}),且没有规则放行 Pod 流量({network}):跨节点 Pod 报文在本节点被丢弃',
      },
      nftDrop: {
        en: 'nftables chain {family} {table} {chain} (hook forward) ends in {verdict} and no rule accepts pod traffic ({network})',
        zh: 'nftables 链 {family} {table} {chain}(forward 钩子)最终为 {verdict},且没有规则放行 Pod 流量({network})',
      },
    },
    reasons: {
      ufwRoutedUnknown: { en: 'ufw is active but its routed default was not shown (`ufw status verbose` shows it)', zh: 'ufw 已启用,但没有看到其 routed 默认策略(`ufw status verbose` 会显示)' },
    },
    explanation: {
      en: 'Packets between a pod and another node are routed by the host (cni0 <-> flannel.1, cali* <-> vxlan.calico) and so traverse the filter FORWARD chain. Docker >= 1.13 sets `-P FORWARD DROP`; firewalld ends FORWARD with `-j REJECT`; a hardening baseline may set an nftables forward chain to `policy drop`. flannel >= 0.10 adds `-A FORWARD -s <network> -j ACCEPT` and `-d <network>` (newer releases in the FLANNEL-FWD chain); Calico accepts its traffic in cali-FORWARD (mark 0x10000). kube-proxy\'s KUBE-FORWARD accepts only marked and established packets, which is not enough for a new flow. This rule follows jumps from FORWARD and looks for an accept that covers the pod network (or the CNI interfaces); conntrack RELATED,ESTABLISHED accepts do not count.',
      zh: 'Pod 与其他节点之间的报文由主机路由(cni0 <-> flannel.1,cali* <-> vxlan.calico),因此经过 filter 表 FORWARD 链。Docker >= 1.13 会设置 `-P FORWARD DROP`;firewalld 在 FORWARD 末尾加 `-j REJECT`;安全加固可能把 nftables forward 链设为 `policy drop`。flannel >= 0.10 会添加 `-A FORWARD -s <网段> -j ACCEPT` 与 `-d <网段>`(新版本在 FLANNEL-FWD 链中);Calico 在 cali-FORWARD 中放行自己的流量(mark 0x10000)。kube-proxy 的 KUBE-FORWARD 只放行带标记或已建立的连接,不足以放行新连接。本规则从 FORWARD 出发跟随跳转,寻找覆盖 Pod 网段(或 CNI 接口)的放行规则;RELATED,ESTABLISHED 的放行不算。',
    },
    remediation: [
      {
        description: { en: 'Accept the pod network in FORWARD (what flannel >= 0.10 does), or upgrade flannel', zh: '在 FORWARD 中放行 Pod 网段(flannel >= 0.10 的做法),或升级 flannel' },
        commands: ['iptables -I FORWARD 1 -s {network} -j ACCEPT', 'iptables -I FORWARD 2 -d {network} -j ACCEPT'],
        undo: ['iptables -D FORWARD -s {network} -j ACCEPT', 'iptables -D FORWARD -d {network} -j ACCEPT'],
      },
      {
        description: { en: 'Or set the FORWARD policy back to ACCEPT (Docker sets DROP again when it restarts)', zh: '或将 FORWARD 策略改回 ACCEPT(Docker 重启后会再次设为 DROP)' },
        commands: ['iptables -P FORWARD ACCEPT'],
        undo: ['iptables -P FORWARD DROP'],
      },
      {
        description: { en: 'With ufw (it rewrites FORWARD on reload): allow routed traffic of the pod network', zh: '使用 ufw 时(重新加载会改写 FORWARD):放行 Pod 网段的转发流量' },
        commands: ['ufw route allow from {network}', 'ufw route allow to {network}'],
        undo: ['ufw route delete allow from {network}', 'ufw route delete allow to {network}'],
      },
    ],
    references: ['kb:known-failures.md#6 (iptables FORWARD policy DROP)', 'https://docs.docker.com/engine/network/packet-filtering-firewalls/'],
  },
  check(ctx) {
    const { facts } = ctx;
    const network = networkView(facts).podNetwork?.cidr;
    const ufw = facts.ufw;
    if (ufw?.active && ufw.defaults.routed !== undefined && /^(deny|reject)$/.test(ufw.defaults.routed)) {
      ctx.report({ messageId: 'ufwRouted', data: { routed: ufw.defaults.routed, line: ufw.line ?? `Default: ${ufw.defaults.routed} (routed)`, network: network ?? '<pod-network-cidr>' }, evidence: [line(ufw.source, ufw.line ?? 'Status: active')] });
      return;
    }
    const pf = facts.packetFilter;
    if (!pf) {
      if (ufw?.active && ufw.defaults.routed === undefined) ctx.skip('ufwRoutedUnknown');
      return;
    }
    const source = pf.sources[0] ?? 'iptables-save';
    const shownNetwork = network ?? '<pod-network-cidr>';
    if (pf.iptables) {
      const def = effectiveIptDefault(pf.iptables, 'filter', 'FORWARD');
      if (def && def.verdict !== 'ACCEPT') {
        const rules = walkIptables(pf.iptables, 'filter', 'FORWARD');
        if (!rules.some((r) => acceptsPodTraffic(r, network))) {
          ctx.report({ messageId: 'iptablesDrop', data: { verdict: def.verdict, rule: def.text, network: shownNetwork }, evidence: [line(source, def.text), ...rules.slice(0, 12).map((r) => line(source, r.text))] });
        }
      }
    }
    for (const table of pf.nft ?? []) {
      if (pf.iptables && isIptablesCompatTable(table)) continue;
      for (const chain of table.chains) {
        if (chain.hook !== 'forward') continue;
        const def = effectiveNftDefault(chain);
        if (!def || def.verdict === 'accept') continue;
        const rules = walkNft(table, chain);
        if (rules.some((r) => nftAcceptsPodTraffic(r.rule, network))) continue;
        ctx.report({
          messageId: 'nftDrop',
          data: { family: table.family, table: table.name, chain: chain.name, verdict: def.verdict, network: shownNetwork },
          evidence: [line(source, `table ${table.family} ${table.name} chain ${chain.name}: ${def.text}`), ...rules.slice(0, 12).map((r) => line(source, r.rule))],
        });
      }
    }
  },
});

/** A rule that lets new pod flows through: ACCEPT matching the pod network, a CNI interface, Calico's accept mark, or everything. */
export function acceptsPodTraffic(r: IptRule, network: string | undefined): boolean {
  if (r.target !== 'ACCEPT' || r.establishedOnly) return false;
  const matchOpts = [...r.opts.keys()].filter((k) => k !== '--comment');
  if (matchOpts.length === 0) return true;
  for (const opt of ['-s', '-d']) {
    const v = r.opts.get(opt);
    if (v && !r.negated.has(opt) && (network ? cidrContains(v, network) : isPrivateCidr(v))) return true;
  }
  for (const opt of ['-i', '-o']) {
    const v = r.opts.get(opt);
    if (v && !r.negated.has(opt) && POD_IFACE.test(v)) return true;
  }
  // Calico: policy-accepted packets carry mark 0x10000 (cali-FORWARD, FORWARD tail rules).
  const mark = r.opts.get('--mark');
  if (mark && /^0x10000\//.test(mark) && /^cali|^FORWARD$/.test(r.chain)) return true;
  return false;
}

function isPrivateCidr(cidr: string): boolean {
  return ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10'].some((p) => cidrContains(p, cidr));
}

function nftAcceptsPodTraffic(rule: string, network: string | undefined): boolean {
  if (!/\baccept\b/.test(rule) || nftEstablishedOnly(rule)) return false;
  if (/^(counter( packets \d+ bytes \d+)?\s+)?accept\b/.test(rule.trim())) return true;
  const addrs = [...rule.matchAll(/ip6? [sd]addr (!= )?(\S+)/g)].filter((m) => m[1] === undefined).map((m) => m[2] ?? '');
  if (addrs.some((a) => (network ? cidrContains(a, network) : isPrivateCidr(a)))) return true;
  const ifaces = [...rule.matchAll(/[io]ifname (!= )?"?([^"\s]+)"?/g)].filter((m) => m[1] === undefined).map((m) => (m[2] ?? '').replace(/\*$/, '+'));
  return ifaces.some((i) => POD_IFACE.test(i));
}
