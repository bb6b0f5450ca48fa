// MTU mismatch: the overlay, the pods and the CNI configuration must agree with the underlay MTU
// less the VXLAN overhead, or large packets vanish while small ones (ping, DNS) pass.
import { defineRule, type RuleContext } from '../../engine/types.js';
import type { Link } from '../../evidence/node-facts.js';
import { line } from '../shared/kb-shared.js';
import { describeLink } from '../../evidence/links.js';
import { networkView, type Flavour } from '../../evidence/network-view.js';
import { sweepLine } from '../shared/probe-shared.js';

/** Outer IPv4 (20) + UDP (8) + VXLAN (8) + inner Ethernet (14); IPv6 outer header is 40. */
const OVERHEAD = { inet: 50, inet6: 70 } as const;

export default defineRule({
  meta: {
    id: 'mtu-mismatch',
    kind: 'node',
    title: { en: 'Overlay MTU does not fit the underlay', zh: 'overlay MTU 与底层网络不匹配' },
    severity: 'error',
    needs: ['links'],
    uses: ['cni', 'routes', 'probes'],
    messages: {
      vxlanDefaultMtu: {
        en: '{vxlan} kept the default MTU 1500 although its underlay {underlay} carries {underlayMtu}: the CNI did not set it from the underlay ({limit} = {underlayMtu} - {overhead}; flannel#841). Pods given the MTU the CNI computed ({limit}) send packets larger than {vxlan} takes, and they are dropped',
        zh: '{vxlan} 保持了默认 MTU 1500,而其底层 {underlay} 可承载 {underlayMtu}:CNI 没有按底层设置它({limit} = {underlayMtu} - {overhead};flannel#841)。按 CNI 计算的 MTU({limit})配置的 Pod 发出的报文大于 {vxlan} 可接受的大小,被丢弃',
      },
      vxlanAboveUnderlay: {
        en: '{vxlan} MTU {vxlanMtu} is larger than {underlay} MTU {underlayMtu} - {overhead} (VXLAN overhead) = {limit}: full-size pod packets are too big for the underlay once encapsulated',
        zh: '{vxlan} 的 MTU {vxlanMtu} 大于 {underlay} 的 MTU {underlayMtu} - {overhead}(VXLAN 开销)= {limit}:满长的 Pod 报文封装后超过底层网络 MTU',
      },
      pathBelowUnderlay: {
        en: 'The underlay path from {from} to {to} carries {pathMtu}-byte packets at most (size sweep: {largest}-byte UDP payloads cross, {smallest} never arrive), less than the {underlay} MTU {underlayMtu} that {vxlan} MTU {vxlanMtu} was derived from: full-size pod packets become {frame}-byte VXLAN packets the path drops. The overlay MTU must be at most {limit}.',
        zh: '{from} 到 {to} 的底层路径最多只能承载 {pathMtu} 字节的报文(大小探测:{largest} 字节的 UDP 载荷能通过,{smallest} 字节始终无法到达),小于 {vxlan} MTU {vxlanMtu} 所依据的 {underlay} MTU {underlayMtu}:满长的 Pod 报文封装后为 {frame} 字节,被路径丢弃。overlay MTU 最多应为 {limit}。',
      },
      subnetEnvDiffers: {
        en: 'FLANNEL_MTU={envMtu} in subnet.env differs from {vxlan} MTU {vxlanMtu}: pods get an MTU that does not match the tunnel',
        zh: 'subnet.env 中 FLANNEL_MTU={envMtu} 与 {vxlan} 的 MTU {vxlanMtu} 不一致:Pod 拿到的 MTU 与隧道不符',
      },
      cniConfigAbove: {
        en: 'CNI config {file} sets mtu {cniMtu}, larger than {vxlan} MTU {vxlanMtu}: pods created from it send packets the tunnel cannot carry',
        zh: 'CNI 配置 {file} 设置 mtu {cniMtu},大于 {vxlan} 的 MTU {vxlanMtu}:按此配置创建的 Pod 会发出隧道无法承载的报文',
      },
      podSideAbove: {
        en: '{iface} MTU {ifaceMtu} is larger than {vxlan} MTU {vxlanMtu}: pod packets up to {ifaceMtu} bytes are dropped or fragmented at the tunnel',
        zh: '{iface} 的 MTU {ifaceMtu} 大于 {vxlan} 的 MTU {vxlanMtu}:Pod 发出的最长 {ifaceMtu} 字节报文会在隧道处被丢弃或分片',
      },
    },
    reasons: {
      noVxlanDevice: { en: 'no VXLAN device among the links', zh: '接口中没有 VXLAN 设备' },
      nothingToCompare: { en: 'nothing to hold {devices} MTU against (no underlay link, subnet.env, CNI config or pod interface)', zh: '没有可与 {devices} 的 MTU 对比的值(没有底层接口、subnet.env、CNI 配置或 Pod 接口)' },
    },
    explanation: {
      en: 'VXLAN adds 50 bytes over IPv4 (70 over IPv6). flannel sets flannel.1 MTU = external interface MTU - 50 and writes it as FLANNEL_MTU to /run/flannel/subnet.env, from which the CNI plugin sets cni0 and the pods\' eth0; Calico sets vxlan.calico and the cali* veths from its configured MTU. When any of these numbers is larger than the one below it (underlay - overhead >= VXLAN device >= cni0, veths, CNI config), packets near the full size are dropped: ping and DNS work, TCP transfers, TLS handshakes and large responses hang. A NIC that says 1500 while the real path is smaller (OpenStack 1450, GCE 1460, VPN) cannot be seen from one node: probe with `ping -M do -s 1422 <peer>` and larger sizes.',
      zh: 'VXLAN 在 IPv4 上增加 50 字节(IPv6 为 70)。flannel 将 flannel.1 的 MTU 设为外部网卡 MTU - 50,并写入 /run/flannel/subnet.env 的 FLANNEL_MTU,CNI 插件据此设置 cni0 和 Pod 的 eth0;Calico 按其配置的 MTU 设置 vxlan.calico 与 cali* veth。只要某一层的数值大于其下一层(底层 - 开销 >= VXLAN 设备 >= cni0、veth、CNI 配置),接近满长的报文就会被丢弃:ping 与 DNS 正常,TCP 传输、TLS 握手和大响应卡住。网卡显示 1500 而实际路径更小(OpenStack 1450、GCE 1460、VPN)时,单个节点看不出来:用 `ping -M do -s 1422 <对端>` 及更大的长度探测。',
    },
    remediation: [
      {
        description: { en: 'flannel: set the backend MTU below the underlay MTU - 50 (or fix the underlay), then restart flannel and the pods', zh: 'flannel:将后端 MTU 设为不大于底层 MTU - 50(或修正底层网络),然后重启 flannel 和 Pod' },
        commands: [
          'kubectl -n kube-flannel get cm kube-flannel-cfg -o yaml > /tmp/kube-flannel-cfg.backup.yaml',
          'kubectl -n kube-flannel edit cm kube-flannel-cfg   # net-conf.json: "Backend": {"Type": "vxlan", "MTU": <underlay MTU - 50>}',
          'kubectl -n kube-flannel rollout restart ds/kube-flannel-ds',
        ],
        undo: ['kubectl apply -f /tmp/kube-flannel-cfg.backup.yaml', 'kubectl -n kube-flannel rollout restart ds/kube-flannel-ds'],
      },
      {
        description: { en: 'Calico: set the MTU (operator: Installation spec.calicoNetwork.mtu; manifests: veth_mtu in calico-config), then restart calico-node and the pods', zh: 'Calico:设置 MTU(operator:Installation 的 spec.calicoNetwork.mtu;清单安装:calico-config 中的 veth_mtu),然后重启 calico-node 和 Pod' },
        commands: [
          'kubectl get installation default -o yaml > /tmp/calico-installation.backup.yaml',
          "kubectl patch installation default --type=merge -p '{\"spec\":{\"calicoNetwork\":{\"mtu\":'\"${MTU:?set MTU to the underlay MTU minus 50}\"'}}}'",
        ],
        undo: ['kubectl apply -f /tmp/calico-installation.backup.yaml'],
      },
    ],
    references: ['kb:known-failures.md#5', 'repo:flannel-io/flannel Documentation/troubleshooting.md', 'https://docs.tigera.io/calico/latest/networking/configuring/mtu'],
  },
  check(ctx) {
    const { facts } = ctx;
    const linksSource = facts.links?.source ?? 'ip -d link';
    const overlays = networkView(facts).vxlan;
    if (overlays.length === 0) {
      ctx.skip('noVxlanDevice');
      return;
    }
    // Something to hold each VXLAN MTU against: an underlay, subnet.env, a CNI config, the pod side.
    let comparisons = 0;
    for (const { link: vx, underlay: under, flavour, family } of overlays) {
      const vxLine = line(vx.source ?? linksSource, describeLink(vx));
      if (under) {
        comparisons++;
        const overhead = OVERHEAD[family];
        const limit = under.link.mtu - overhead;
        if (vx.mtu > limit) {
          ctx.report({
            messageId: 'vxlanAboveUnderlay',
            data: { vxlan: vx.name, vxlanMtu: vx.mtu, underlay: under.link.name, underlayMtu: under.link.mtu, overhead, limit },
            evidence: [vxLine, line(under.link.source ?? linksSource, `${describeLink(under.link)} (underlay: ${under.how})`)],
          });
        }
      }
      if (under) pathBelowUnderlay(ctx, vx, under.link, family);
      // 1500 is what a VXLAN device has when nobody set its MTU: on a jumbo underlay that is the CNI not following it.
      if (under && vx.mtu === 1500 && facts.cni?.flannelSubnetEnv?.mtu === undefined) {
        const overhead = vx.vxlan?.local?.includes(':') ? OVERHEAD.inet6 : OVERHEAD.inet;
        if (under.link.mtu - overhead > 1500) {
          ctx.report({
            messageId: 'vxlanDefaultMtu',
            severity: 'warning',
            data: { vxlan: vx.name, underlay: under.link.name, underlayMtu: under.link.mtu, overhead, limit: under.link.mtu - overhead, vxlanMtu: vx.mtu },
            evidence: [vxLine, line(under.link.source ?? linksSource, `${describeLink(under.link)} (underlay: ${under.how})`)],
          });
        }
      }
      const env = facts.cni?.flannelSubnetEnv;
      if (flavour === 'flannel' && env?.mtu !== undefined) comparisons++;
      if (flavour === 'flannel' && env?.mtu !== undefined && env.mtu !== vx.mtu) {
        ctx.report({ messageId: 'subnetEnvDiffers', data: { envMtu: env.mtu, vxlan: vx.name, vxlanMtu: vx.mtu }, evidence: [line(env.source, `FLANNEL_MTU=${env.mtu}`), vxLine] });
      }
      for (const conf of facts.cni?.configs ?? []) {
        if (conf.mtu !== undefined) comparisons++;
        if (conf.mtu !== undefined && conf.mtu > vx.mtu && confMatches(conf, flavour)) {
          ctx.report({ messageId: 'cniConfigAbove', data: { file: conf.file, cniMtu: conf.mtu, vxlan: vx.name, vxlanMtu: vx.mtu }, evidence: [line(conf.file, `"mtu": ${conf.mtu}`), vxLine] });
        }
      }
      for (const l of podSide(facts.links?.items ?? [], flavour)) {
        comparisons++;
        if (l.mtu > vx.mtu) {
          ctx.report({ messageId: 'podSideAbove', data: { iface: l.name, ifaceMtu: l.mtu, vxlan: vx.name, vxlanMtu: vx.mtu }, evidence: [line(l.source ?? linksSource, describeLink(l)), vxLine] });
        }
      }
    }
    if (comparisons === 0) ctx.skip('nothingToCompare', { devices: overlays.map((o) => o.name).join(', ') });
  },
});

/**
 * The NIC says one MTU, the path carries less (kb 5: OpenStack 1450, a VPN, a switch port): one
 * node's links cannot show it, an underlay size sweep can. A sweep limit of exactly MTU - 28 is not
 * this (the path carries the full MTU; larger datagrams are fragments, which underlay-size-limit judges).
 */
function pathBelowUnderlay(ctx: RuleContext, vx: Link, under: Link, family: 'inet' | 'inet6'): void {
  const overhead = OVERHEAD[family];
  const ipUdp = family === 'inet6' ? 48 : 28;
  for (const p of ctx.facts.probes ?? []) {
    const s = p.sweep;
    if (p.label !== 'underlay' || s?.largestPassing === undefined || s.smallestFailing === undefined) continue;
    const pathMtu = s.largestPassing + ipUdp;
    if (pathMtu >= under.mtu || vx.mtu + overhead <= pathMtu) continue;
    ctx.report({
      messageId: 'pathBelowUnderlay',
      data: {
        from: p.from, to: p.to, pathMtu, largest: s.largestPassing, smallest: s.smallestFailing, underlay: under.name, underlayMtu: under.mtu,
        vxlan: vx.name, vxlanMtu: vx.mtu, frame: vx.mtu + overhead, limit: pathMtu - overhead,
      },
      evidence: [
        sweepLine(p),
        line(under.source ?? ctx.facts.links?.source ?? 'ip -d link', describeLink(under)),
        line(vx.source ?? ctx.facts.links?.source ?? 'ip -d link', describeLink(vx)),
      ],
    });
  }
}

/** A CNI config file that feeds this overlay (flannel's conflist for flannel.1, calico's for vxlan.calico). */
function confMatches(conf: { name?: string; type?: string; plugins: string[] }, flavour: Flavour): boolean {
  if (flavour === 'other') return true;
  const words = [conf.name ?? '', conf.type ?? '', ...conf.plugins].join(' ');
  return flavour === 'flannel' ? /flannel|cbr0/.test(words) : /calico/.test(words);
}

/**
 * The pod-facing interfaces: the CNI bridge and the veths attached to it (flannel), or the cali*
 * veths (Calico). One veth per MTU value is enough to show the disagreement.
 */
function podSide(links: Link[], flavour: Flavour): Link[] {
  const bridges = links.filter((l) => l.kind === 'bridge' && /^(cni\d*|cbr\d+)$/.test(l.name));
  const bridgeNames = new Set(bridges.map((b) => b.name));
  const veths = links.filter((l) => l.kind === 'veth' && ((l.master !== undefined && bridgeNames.has(l.master)) || (flavour !== 'flannel' && /^cali/.test(l.name))));
  const oneEach = new Map<number, Link>();
  for (const v of veths) if (!oneEach.has(v.mtu)) oneEach.set(v.mtu, v);
  return [...(flavour === 'calico' ? [] : bridges), ...oneEach.values()];
}
