// firewalld rejects forwarded pod traffic: its FORWARD chain (iptables backend) ends in `-j REJECT
// --reject-with icmp-host-prohibited` before the CNI's accepts (kubeadm#139, flannel#1033), its
// nftables filter_FORWARD rejects what no zone allows (flannel#2055), or the CNI's interface sits in
// a zone that forwards nothing (kubesolo#146). A kernel log line with its REJECT prefix is enough.
import { fragment } from '../../engine/shell-fill.js';
import { defineRule } from '../../engine/types.js';
import type { EvidenceLine } from '../../evidence/node-facts.js';
import { CNI_DEVICE, cniDevicesSeen, lineNo } from '../shared/cni-devices.js';
import { isUnconditional, line, walkIptables, walkNft, type IptRule } from '../shared/kb-shared.js';
import { cidrContains } from '../../util/ipv4.js';
import { networkView } from '../../evidence/network-view.js';
import { acceptsPodTraffic } from './forward-policy-drop.js';

const FIREWALLD_CHAIN = /^(FORWARD_(?:direct|IN_ZONES|OUT_ZONES|IN_ZONES_SOURCE|OUT_ZONES_SOURCE)|FWDI_|FWDO_|FWD_)/;
const ACCEPTING_ZONE = /^(trusted)$/;

function field(text: string, key: string): string | undefined {
  return new RegExp(`\\b${key}=(\\S*)`).exec(text)?.[1];
}

export default defineRule({
  meta: {
    id: 'firewalld-rejects-forward',
    kind: 'node',
    title: { en: 'firewalld rejects forwarded pod traffic', zh: 'firewalld 拒绝了被转发的 Pod 流量' },
    severity: 'critical',
    needs: ['packetFilter'],
    sufficient: [['kernelLog'], ['firewalld']],
    uses: ['links', 'cni', 'componentLog'],
    outranks: ['forward-policy-drop'],
    messages: {
      logged: {
        en: 'firewalld rejected forwarded traffic {count} time(s) ({prefix}: IN={in} OUT={out} SRC={src} DST={dst}): its {zone} zone does not let packets through between the CNI\'s interfaces, so pods on other nodes cannot reach pods here',
        zh: 'firewalld 拒绝了 {count} 次被转发的流量({prefix}:IN={in} OUT={out} SRC={src} DST={dst}):其 {zone} 区域不允许在 CNI 的接口之间转发,其他节点的 Pod 无法访问本节点的 Pod',
      },
      iptablesReject: {
        en: 'FORWARD reaches firewalld\'s `{rule}` (after its zone chains {chains}) and no rule before it accepts pod traffic: forwarded pod packets are rejected, and clients see "No route to host"',
        zh: 'FORWARD 链先经过 firewalld 的区域链({chains}),然后是 firewalld 的 `{rule}`,此前没有放行 Pod 流量的规则:被转发的 Pod 报文被拒绝,客户端看到 `No route to host`',
      },
      iptablesRejectFirst: {
        en: 'FORWARD reaches firewalld\'s `{rule}` (after its zone chains {chains}) before `{accept}`: the accept for the pod network comes after the reject and is never reached, so forwarded pod packets are rejected ("No route to host")',
        zh: 'FORWARD 链在 `{accept}` 之前先遇到 firewalld 的 `{rule}`(在其区域链 {chains} 之后):放行 Pod 网段的规则排在拒绝之后,永远走不到,被转发的 Pod 报文被拒绝(`No route to host`)',
      },
      nftReject: {
        en: 'firewalld\'s nftables chain {table} {chain} (hook forward) ends in `{rule}` and accepts no pod traffic before it: packets forwarded between the CNI\'s interfaces are rejected unless a zone allows them',
        zh: 'firewalld 的 nftables 链 {table} {chain}(forward 钩子)以 `{rule}` 结束,此前没有放行 Pod 流量:除非某个区域允许,在 CNI 接口之间转发的报文都会被拒绝',
      },
      zoneMoved: {
        en: 'firewalld runs, {iface} was taken out of the {zone} zone ({change}), and then pod traffic got "{symptom}": in the zone it falls back to, firewalld rejects what is forwarded through {iface}',
        zh: 'firewalld 正在运行,{iface} 被移出了 {zone} 区域({change}),随后 Pod 流量得到 "{symptom}":在它退回的区域中,firewalld 会拒绝经 {iface} 转发的流量',
      },
      zoneNotTrusted: {
        en: 'firewalld runs and {iface} is in the {zone} zone (target {target}), which forwards nothing between interfaces: pod traffic through {iface} is rejected',
        zh: 'firewalld 正在运行,{iface} 属于 {zone} 区域(target {target}),该区域不在接口之间转发:经 {iface} 的 Pod 流量会被拒绝',
      },
    },
    reasons: {
      nothingOfFirewalld: { en: 'no firewalld chain, zone or log line among the evidence', zh: '证据中没有 firewalld 的链、区域或日志' },
    },
    explanation: {
      en: 'Pod traffic between nodes is forwarded by the host (flannel.1 <-> cni0, vxlan.calico <-> cali*), so firewalld\'s forward filtering applies to it. With the iptables backend (CentOS 7, Fedora <= 31) firewalld builds FORWARD as FORWARD_direct, FORWARD_IN_ZONES..., then `-j REJECT --reject-with icmp-host-prohibited`; a CNI that appends its accept rules (flannel before 0.10.x, kubeadm#139, flannel#1033) puts them after the reject, where no packet reaches them. With the nftables backend (RHEL/Alma 8+, firewalld >= 0.6) the filter_FORWARD chain rejects what no zone allows: `filter_FWD_public_REJECT: IN=flannel.1 OUT=cni0` in the kernel log when LogDenied is on (flannel#2055). Clients see "No route to host" / "Host is unreachable" (the ICMP host-prohibited answer). The fix is to put the CNI\'s interfaces (and the pod network) into the trusted zone, or to stop firewalld on the nodes, as the Kubernetes and flannel docs suggest.',
      zh: '节点之间的 Pod 流量由主机转发(flannel.1 <-> cni0,vxlan.calico <-> cali*),因此受 firewalld 的转发过滤约束。使用 iptables 后端时(CentOS 7,Fedora <= 31),firewalld 把 FORWARD 链构造为 FORWARD_direct、FORWARD_IN_ZONES……,最后是 `-j REJECT --reject-with icmp-host-prohibited`;以追加方式添加放行规则的 CNI(0.10.x 之前的 flannel,kubeadm#139,flannel#1033)会把规则放在拒绝之后,没有报文能走到。使用 nftables 后端时(RHEL/Alma 8+,firewalld >= 0.6),filter_FORWARD 链拒绝没有任何区域允许的流量:开启 LogDenied 时内核日志中出现 `filter_FWD_public_REJECT: IN=flannel.1 OUT=cni0`(flannel#2055)。客户端看到 `No route to host` / `Host is unreachable`(ICMP host-prohibited 应答)。修复方法是把 CNI 的接口(以及 Pod 网段)加入 trusted 区域,或按 Kubernetes 与 flannel 文档的建议在节点上停用 firewalld。',
    },
    remediation: [
      {
        description: { en: "Put the CNI's interfaces and the pod network into firewalld's trusted zone", zh: '把 CNI 的接口和 Pod 网段加入 firewalld 的 trusted 区域' },
        commands: [
          'for i in {ifaces}; do firewall-cmd --permanent --zone=trusted --add-interface "$i"; done',
          'firewall-cmd --permanent --zone=trusted --add-source {network}',
          'firewall-cmd --reload',
        ],
        undo: [
          'for i in {ifaces}; do firewall-cmd --permanent --zone=trusted --remove-interface "$i"; done',
          'firewall-cmd --permanent --zone=trusted --remove-source {network}',
          'firewall-cmd --reload',
        ],
      },
      {
        description: { en: 'Or stop firewalld on the nodes (what the Kubernetes install guides and the flannel maintainers suggest)', zh: '或在节点上停用 firewalld(Kubernetes 安装指南与 flannel 维护者的建议)' },
        commands: ['systemctl disable --now firewalld'],
        undo: ['systemctl enable --now firewalld'],
      },
    ],
    references: ['gh:flannel-io/flannel#2055', 'gh:kubernetes/kubeadm#139', 'gh:flannel-io/flannel#1033', 'gh:flannel-io/flannel#1172', 'gh:portainer/kubesolo#146', 'https://firewalld.org/documentation/zone/'],
  },
  check(ctx) {
    const { facts } = ctx;
    const network = networkView(facts).podNetwork?.cidr;
    const seen = cniDevicesSeen(facts).filter((d) => !/^(veth|cali[0-9a-f])/.test(d));
    const ifaceList = (extra: (string | undefined)[]): string[] => {
      const all = [...extra.filter((x): x is string => x !== undefined && CNI_DEVICE.test(x) && !/^(veth|cali[0-9a-f])/.test(x)), ...seen];
      return all.length > 0 ? [...new Set(all)] : ['cni0', 'flannel.1'];
    };
    const commandData = (ifaces: string[]) => ({ ifaces, network: network ?? fragment('"${POD_CIDR:?set POD_CIDR to the cluster pod network, e.g. 10.244.0.0/16}"') });
    // The ruleset shows firewalld's chains when it is there; a kernel log alone shows only what it logged.
    let judged = facts.packetFilter !== undefined;

    // The kernel log: firewalld's own REJECT prefix on a forwarded packet (IN= and OUT= both set).
    const logged = (facts.kernelLog?.matches ?? []).filter((m) => m.pattern === 'firewalld-reject' && (field(m.line, 'OUT') ?? '') !== '' && (field(m.line, 'IN') ?? '') !== '');
    if (facts.kernelLog?.matches.some((m) => m.pattern === 'firewalld-reject')) judged = true;
    const pods = logged.filter((m) => {
      const [i, o, src, dst] = ['IN', 'OUT', 'SRC', 'DST'].map((k) => field(m.line, k) ?? '');
      return CNI_DEVICE.test(i!) || CNI_DEVICE.test(o!) || (network !== undefined && (cidrContains(network, src!) || cidrContains(network, dst!)));
    });
    if (pods.length > 0) {
      const first = pods[0]!.line;
      const prefix = /\b((?:filter_\w{1,80}|FINAL_REJECT)):/.exec(first)?.[1] ?? 'REJECT';
      ctx.report({
        messageId: 'logged',
        data: { count: pods.length, prefix, in: field(first, 'IN') ?? '', out: field(first, 'OUT') ?? '', src: field(first, 'SRC') ?? '?', dst: field(first, 'DST') ?? '?', zone: /_(?:FWD|FWDI|FWDO|IN)_([\w-]{1,64})_(?:REJECT|DROP)/.exec(prefix)?.[1] ?? 'default' },
        commandData: commandData(ifaceList([field(first, 'IN'), field(first, 'OUT')])),
        evidence: pods.slice(0, 4).map((m) => line(m.source, m.line)),
      });
      return;
    }

    // iptables backend: FORWARD walked in order; firewalld's unconditional REJECT before any pod accept.
    const pf = facts.packetFilter;
    const source = pf?.sources[0] ?? 'iptables-save';
    const ipt = pf?.iptables;
    if (ipt?.filter?.FORWARD) {
      const forward = ipt.filter.FORWARD;
      const chains = forward.rules.map((r) => /-j (\S+)/.exec(r)?.[1]).filter((t): t is string => t !== undefined && FIREWALLD_CHAIN.test(t));
      if (chains.length > 0) {
        judged = true;
        const walked = walkIptables(ipt, 'filter', 'FORWARD');
        const top = forward.rules.map((r) => walked.find((w) => w.text === r) ?? walked.find((w) => w.text.endsWith(r)));
        const rejectAt = top.findIndex((r) => r !== undefined && r.chain === 'FORWARD' && isUnconditional(r) && (r.target === 'REJECT' || r.target === 'DROP'));
        if (rejectAt >= 0) {
          const reject = top[rejectAt]!;
          const before = walked.slice(0, walked.indexOf(reject));
          if (!before.some((r) => acceptsPodTraffic(r, network))) {
            const after = top.slice(rejectAt + 1).find((r): r is IptRule => r !== undefined && (acceptsPodTraffic(r, network) || (r.target === undefined && (r.opts.has('-s') || r.opts.has('-d')))));
            const evidence: EvidenceLine[] = [...forward.rules.slice(0, rejectAt + 1).map((r) => line(source, r.startsWith('-A') ? r : `-A FORWARD ${r}`)), ...(after ? [line(source, after.text)] : [])];
            ctx.report({
              messageId: after ? 'iptablesRejectFirst' : 'iptablesReject',
              data: { rule: reject.text.replace(/^-A FORWARD /, '-j ').replace(/^-j -j/, '-j'), chains: chains.join(', '), ...(after ? { accept: after.text } : {}) },
              commandData: commandData(ifaceList([])),
              evidence,
            });
            return;
          }
        }
      }
    }

    // nftables backend: firewalld's own table, its forward-hook chain ending in reject.
    for (const table of pf?.nft ?? []) {
      if (table.name !== 'firewalld') continue;
      judged = true;
      for (const chain of table.chains) {
        if (chain.hook !== 'forward') continue;
        const last = chain.rules[chain.rules.length - 1]?.trim();
        if (!last || !/^reject\b/.test(last)) continue;
        const rules = walkNft(table, chain);
        const accepts = rules.some((r) => /\baccept\b/.test(r.rule) && !/ct state/.test(r.rule) && (/(?:iifname|oifname) "?(?:cni|flannel|cali|vxlan)/.test(r.rule) || (network !== undefined && r.rule.includes(network.split('/')[0]!))));
        if (accepts) continue;
        ctx.report({ messageId: 'nftReject', data: { table: `${table.family} ${table.name}`, chain: chain.name, rule: last }, commandData: commandData(ifaceList([])), evidence: [line(source, `table ${table.family} ${table.name} chain ${chain.name}: ${last}`), ...rules.slice(0, 8).map((r) => line(source, r.rule))] });
        return;
      }
    }

    // firewalld itself: a CNI interface moved out of the trusted zone, then pods got host-unreachable.
    const fw = facts.firewalld;
    if (fw && fw.running !== false) {
      judged = true;
      const symptoms = (facts.componentLog?.matches ?? []).filter((m) => m.pattern === 'host-unreachable');
      for (const c of fw.changes) {
        if (c.action !== 'remove' || !CNI_DEVICE.test(c.iface) || !ACCEPTING_ZONE.test(c.zone ?? '')) continue;
        const at = lineNo(c.source);
        const symptom = symptoms.find((s) => at === undefined || (lineNo(s.source) ?? 0) > at);
        if (!symptom) continue;
        const readd = fw.changes.find((d) => d.action === 'add' && d.iface === c.iface && ACCEPTING_ZONE.test(d.zone ?? '') && (lineNo(d.source) ?? 0) > (lineNo(symptom.source) ?? 0));
        const text = /(No route to host|Host is unreachable|EHOSTUNREACH)/.exec(symptom.line)?.[1] ?? 'No route to host';
        ctx.report({
          messageId: 'zoneMoved',
          severity: 'error',
          data: { iface: c.iface, zone: c.zone ?? 'trusted', change: c.line, symptom: text },
          commandData: commandData(ifaceList([c.iface])),
          evidence: [line(c.source, c.line), line(symptom.source, symptom.line), ...(readd ? [line(readd.source, readd.line)] : [])],
        });
        return;
      }
      for (const z of fw.zones) {
        if (ACCEPTING_ZONE.test(z.name) || /^(ACCEPT)$/i.test(z.target ?? '') || z.forward === true) continue;
        const iface = z.interfaces.find((i) => CNI_DEVICE.test(i) && !/^(veth|cali[0-9a-f])/.test(i));
        if (!iface) continue;
        ctx.report({ messageId: 'zoneNotTrusted', severity: 'warning', data: { iface, zone: z.name, target: z.target ?? 'default' }, commandData: commandData(ifaceList([iface])), evidence: [line(z.source, `${z.line}: interfaces ${z.interfaces.join(' ')}; target ${z.target ?? 'default'}`)] });
        return;
      }
    }
    if (!judged) ctx.skip('nothingOfFirewalld');
  },
});
