// Strict reverse-path filtering on the interfaces overlay traffic uses: with asymmetric paths
// (several NICs, policy routing) the kernel drops packets whose source it would not route back there.
import { fragment } from '../../engine/shell-fill.js';
import { defineRule, type Phrase, type RuleContext } from '../../engine/types.js';
import { cidrContains } from '../../util/ipv4.js';
import type { EvidenceLine, NodeFacts } from '../../evidence/node-facts.js';
import { ifaceSysctl, line, sysctlSource } from '../shared/kb-shared.js';
import { networkView } from '../../evidence/network-view.js';
import { pushAll } from '../../util/arrays.js';
import { placeLoss } from '../shared/loss-place.js';

export default defineRule({
  meta: {
    id: 'rp-filter-strict',
    kind: 'node',
    title: { en: 'Strict reverse-path filter on overlay interfaces', zh: 'overlay 相关接口启用了严格反向路径过滤' },
    severity: 'warning',
    needs: ['sysctls'],
    // The kernel's `martian source ... on dev X` lines prove the filter dropped packets when the sysctls are not there.
    sufficient: [['kernelLog']],
    uses: ['links', 'routes', 'netstat', 'kernelLog', 'probes', 'cni'],
    messages: {
      martiansLogged: {
        en: 'The kernel logged {count} martian source line(s) on {ifaces} (e.g. `{example}`): the reverse-path filter dropped packets there',
        zh: '内核在 {ifaces} 上记录了 {count} 行 martian source(例如 `{example}`):反向路径过滤在那里丢弃了报文',
      },
      // {ifaces} of martiansLogged: each device, with what it is only when `ip link` facts say (a name alone is no proof).
      iface: { en: '{dev}', zh: '{dev}' },
      ifaceOverlay: { en: '{dev} (the VXLAN device: overlay traffic)', zh: '{dev}(VXLAN 设备:overlay 流量)' },
      ifaceUnderlay: { en: '{dev} (the NIC the VXLAN device runs over)', zh: '{dev}(VXLAN 设备所经的网卡)' },
      ifaceBridge: { en: '{dev} (the CNI bridge: pod traffic)', zh: '{dev}(CNI 网桥:Pod 流量)' },
      strict: {
        en: 'rp_filter is strict (1) on {ifaces}: packets arriving on an interface other than the one the reply would leave by are dropped (asymmetric routes, several NICs)',
        zh: '{ifaces} 上 rp_filter 为严格模式(1):从“回程不会经过的接口”进入的报文会被丢弃(非对称路由、多网卡)',
      },
      dropsProbes: {
        en: 'rp_filter is strict (1) on {ifaces} and it dropped the overlay probes: IPReversePathFilter +{rpf} while probing {peer} ({lost}); they were dropped by this node\'s reverse-path filter because the route back to their source does not leave by the interface they came in on',
        zh: '{ifaces} 上的 rp_filter 为严格模式(1),并且丢弃了 overlay 探测报文:探测 {peer} 期间 IPReversePathFilter +{rpf}({lost});它们被本节点的反向路径过滤丢弃,因为回到其源地址的路由不从它们进入的接口离开',
      },
      strictAndDropping: {
        en: 'rp_filter is strict (1) on {ifaces} and the kernel is dropping packets for it ({drops}): some of them are likely overlay traffic',
        zh: '{ifaces} 上 rp_filter 为严格模式(1),且内核正在因此丢包({drops}):其中很可能有 overlay 流量',
      },
    },
    explanation: {
      en: 'The effective reverse-path filter of an interface is max(net.ipv4.conf.all.rp_filter, net.ipv4.conf.<iface>.rp_filter). In strict mode (1) a packet is dropped when the route back to its source does not leave through the interface it came in on. On a node with one NIC this rarely matters; with several NICs, policy routing, or the VXLAN device bound to a different NIC than the default route, encapsulated packets from peers (or decapsulated pod packets on flannel.1/vxlan.calico) are dropped with no log unless log_martians is on. Drops show as the IPReversePathFilter counter (nstat) and, with log_martians, `martian source` in the kernel log. Loose mode (2) keeps the anti-spoofing check and allows asymmetric paths.',
      zh: '接口实际的反向路径过滤值为 max(net.ipv4.conf.all.rp_filter, net.ipv4.conf.<接口>.rp_filter)。严格模式(1)下,若回到源地址的路由不从报文进入的接口出去,报文就被丢弃。单网卡节点很少受影响;多网卡、策略路由、或 VXLAN 设备绑定的网卡与默认路由不同时,对端发来的封装报文(或 flannel.1/vxlan.calico 上解封装后的 Pod 报文)会被静默丢弃,只有开启 log_martians 才会记录。丢包体现在 IPReversePathFilter 计数(nstat),开启 log_martians 时内核日志出现 `martian source`。宽松模式(2)保留防伪造检查并允许非对称路径。',
    },
    remediation: [
      {
        description: { en: 'Use loose mode (2) on all and on the interfaces, and persist it', zh: '在 all 与相关接口上改用宽松模式(2),并持久化' },
        commands: [
          'sysctl -w net.ipv4.conf.all.rp_filter=2 {sysctlArgs}',
          "echo 'net.ipv4.conf.all.rp_filter = 2' > /etc/sysctl.d/90-podpath-rp-filter.conf",
        ],
        undo: ['sysctl -w {allUndoArg} {sysctlUndoArgs}', 'rm -f /etc/sysctl.d/90-podpath-rp-filter.conf'],
      },
    ],
    reasons: {
      noMartians: { en: 'no sysctls, and no martian source line in the kernel log', zh: '没有 sysctl,内核日志中也没有 martian source' },
    },
    references: ['kb:known-failures.md#6 (strict rp_filter with asymmetric paths)', 'https://docs.kernel.org/networking/ip-sysctl.html (rp_filter)'],
  },
  check(ctx) {
    const { facts } = ctx;
    if (!facts.sysctls) return martiansOnly(ctx);
    const source = sysctlSource(facts);
    const values = facts.sysctls?.values ?? {};
    const allSeen = values['net.ipv4.conf.all.rp_filter'];
    const all = Number(allSeen ?? 0);
    const strict: { iface: string; value: number; seen: boolean; name: string }[] = [];
    for (const iface of candidateIfaces(facts)) {
      const own = ifaceSysctl(facts, 'ipv4', iface, 'rp_filter');
      if (own === undefined && facts.links === undefined) continue;
      const effective = Math.max(all, Number(own?.value ?? 0));
      if (effective === 1) strict.push({ iface, value: Number(own?.value ?? 0), seen: own !== undefined, name: own?.name ?? `net.ipv4.conf.${iface}.rp_filter` });
    }
    if (strict.length === 0) return;
    const evidence: EvidenceLine[] = [...(allSeen !== undefined ? [line(source, `net.ipv4.conf.all.rp_filter = ${all}`)] : []), ...strict.filter((s) => s.seen).map((s) => line(source, `${s.name} = ${s.value}`))];
    const ifaces = strict.map((s) => `${s.iface} (max(all=${all}, ${s.iface}=${s.value}) = 1)`).join(', ');
    const sysctlArgs = strict.map((s) => sysctlSetting(s.iface, 2));
    // The undo sets back what was read; a value not read is the user's to give, never a guess.
    const sysctlUndoArgs = strict.map((s) => (s.seen ? sysctlSetting(s.iface, s.value) : unreadSetting(s.iface)));
    const drops: string[] = [];
    const rpf = facts.netstat?.counters.IPReversePathFilter ?? facts.netstat?.counters.TcpExtIPReversePathFilter;
    if (rpf !== undefined && rpf > 0) {
      drops.push(`IPReversePathFilter ${rpf}`);
      evidence.push(line(facts.netstat?.source ?? 'nstat', `IPReversePathFilter ${rpf}`));
    }
    const martians = (facts.kernelLog?.matches ?? []).filter((m) => m.pattern === 'martian-source' || /martian source/.test(m.line));
    if (martians.length > 0) {
      drops.push(`${martians.length} martian source log line(s)`);
      pushAll(evidence, martians.slice(0, 3).map((m) => line(m.source, m.line)));
    }
    const data = { ifaces, drops: drops.join(', ') };
    const commandData = { sysctlArgs, sysctlUndoArgs, allUndoArg: allSeen !== undefined ? fragment('net.ipv4.conf.all.rp_filter={all}', { all }) : UNREAD_ALL };
    // Measured: this node's reverse-path filter dropped probe traffic while the probes ran.
    const probed = (facts.probes ?? []).flatMap((p) => p.counters.filter((c) => c.node === 'local' && c.counter === 'Netstat.IPReversePathFilter' && c.delta > 0).map((c) => ({ p, c })));
    if (probed.length > 0) {
      const worst = probed.reduce((a, b) => (b.c.delta > a.c.delta ? b : a));
      const lossy = (facts.probes ?? []).filter((p) => p.echo && p.echo.received < p.echo.sent);
      const lost = lossy.map((p) => `${p.echo!.sent - p.echo!.received}/${p.echo!.sent} echoes lost ${p.from} -> ${p.to} ${p.label}`).join('; ') || 'no echo lost';
      // Each lossy probe's numbers and the counter lines that place its loss.
      const probeLines = [line(worst.c.source, `IPReversePathFilter +${worst.c.delta} in ${worst.c.seconds} s`), ...lossy.flatMap((p) => placeLoss(p)?.evidence ?? [])];
      ctx.report({ messageId: 'dropsProbes', severity: 'critical', data: { ...data, rpf: worst.c.delta, peer: worst.p.peer, lost }, commandData, evidence: [...probeLines, ...evidence] });
      return;
    }
    // Drops counted since boot or martians logged: the filter is biting, not just configured.
    if (drops.length > 0) ctx.report({ messageId: 'strictAndDropping', severity: 'error', data, commandData, evidence });
    else ctx.report({ messageId: 'strict', data, commandData, evidence });
  },
});

/**
 * The kernel log alone: `IPv4: martian source 10.244.2.5 from 10.244.1.3, on dev flannel.1` on an
 * overlay device, its underlay or a CNI bridge, or with a pod address as source.
 */
function martiansOnly(ctx: RuleContext): void {
  const { facts } = ctx;
  const network = facts.cni?.flannelSubnetEnv?.network ?? facts.cni?.flannelNetConf?.network;
  const martians = (facts.kernelLog?.matches ?? []).filter((m) => m.pattern === 'martian-source' || /martian source/.test(m.line));
  const overlay = martians.filter((m) => {
    const dev = /on dev (\S+)/.exec(m.line)?.[1] ?? '';
    const from = /martian source \S+ from (\S+?),/.exec(m.line)?.[1] ?? '';
    return /^(flannel\.\d+|vxlan\.calico|cni\d*|cali\w+|tunl\d+)$/.test(dev) || (network !== undefined && cidrContains(network, from)) || (facts.links === undefined && dev !== '');
  });
  if (overlay.length === 0) return ctx.skip('noMartians');
  const ifaces = [...new Set(overlay.map((m) => /on dev (\S+)/.exec(m.line)?.[1]).filter((d): d is string => d !== undefined))];
  ctx.report({
    messageId: 'martiansLogged',
    severity: 'error',
    data: { count: overlay.length, example: overlay[0]!.line },
    phrases: { ifaces: ifaces.map((dev) => deviceKind(facts, dev)) },
    // No sysctls were read: the values before the change are the user's to give.
    commandData: { sysctlArgs: ifaces.map((i) => sysctlSetting(i, 2)), sysctlUndoArgs: ifaces.map(unreadSetting), allUndoArg: UNREAD_ALL },
    evidence: overlay.slice(0, 4).map((m) => line(m.source, m.line)),
  });
}

/** What a martian's device is, from `ip link` facts only: the VXLAN device, the NIC under it, the CNI bridge. */
function deviceKind(facts: NodeFacts, dev: string): Phrase {
  const link = facts.links?.items.find((l) => l.name === dev);
  const vxlan = link ? networkView(facts).vxlan : [];
  if (vxlan.some((v) => v.name === dev)) return { id: 'ifaceOverlay', data: { dev } };
  if (vxlan.some((v) => v.underlay?.link.name === dev)) return { id: 'ifaceUnderlay', data: { dev } };
  if (link?.kind === 'bridge' && /^(cni\d*|cbr\d+)$/.test(dev)) return { id: 'ifaceBridge', data: { dev } };
  return { id: 'iface', data: { dev } };
}

/** The value net.ipv4.conf.all.rp_filter had, when it was not read. */
const UNREAD_ALL = fragment('net.ipv4.conf.all.rp_filter="${RP_FILTER_ALL:?set RP_FILTER_ALL to what sysctl net.ipv4.conf.all.rp_filter printed before the change}"');

/** An interface's rp_filter back to the value it had, when it was not read. */
function unreadSetting(iface: string) {
  return fragment('net/ipv4/conf/{iface}/rp_filter="${RP_FILTER_DEV:?set RP_FILTER_DEV to the rp_filter value sysctl printed for this device before the change}"', { iface });
}

/**
 * One `sysctl -w` argument for an interface's rp_filter, in sysctl's slash form: the interface
 * name is one path element there (dots kept, as in flannel.1), and the filler accepts it only as
 * a plain token (no `/`, `=` or space that would point the write elsewhere).
 */
export function sysctlSetting(iface: string, value: number) {
  return fragment('net/ipv4/conf/{iface}/rp_filter={value}', { iface, value });
}

/** The overlay devices, their underlay NICs and the CNI bridge; without links, every interface the sysctls name. */
function candidateIfaces(facts: NodeFacts): string[] {
  if (facts.links) {
    const out = new Set<string>();
    for (const vx of networkView(facts).vxlan) {
      out.add(vx.name);
      if (vx.underlay) out.add(vx.underlay.link.name);
    }
    for (const l of facts.links.items) if (l.kind === 'bridge' && /^(cni\d*|cbr\d+)$/.test(l.name)) out.add(l.name);
    return [...out];
  }
  const names = new Set<string>();
  for (const k of Object.keys(facts.sysctls?.values ?? {})) {
    const m = /^net\.ipv4\.conf\.(.+)\.rp_filter$/.exec(k);
    if (m?.[1] && !['all', 'default', 'lo'].includes(m[1])) names.add(m[1].replace(/\//g, '.'));
  }
  return [...names];
}
