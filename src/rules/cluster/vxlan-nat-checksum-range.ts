// Seed 004's "63-second delay" from the cluster's side: which nodes run a kernel without the NAT
// checksum fix (ea64d8d6c675) together with a kube-proxy that masquerades the outer VXLAN packet
// (before kubernetes#92035), or with Calico NAT and no checksum-offload override. The node rule
// vxlan-nat-checksum judges one node's offload and iptables; this one the whole fleet's versions.
import { defineRule } from '../../engine/types.js';
import type { ClusterNode } from '../../evidence/cluster-facts.js';
import type { EvidenceLine } from '../../evidence/node-facts.js';
import { natChecksumFix } from '../data/kernel-builds.js';
import { kubeProxyUnmarks } from '../data/kube-proxy.js';
import { factLine, listShort, nodePairs, CLUSTER_REASONS, clusterGap } from '../shared/cluster-shared.js';

export default defineRule({
  meta: {
    id: 'vxlan-nat-checksum-range',
    kind: 'cluster',
    title: { en: 'Nodes in the range of the VXLAN/NAT checksum bug (kernel and kube-proxy versions)', zh: '节点处于 VXLAN/NAT 校验和缺陷的版本范围内(内核与 kube-proxy 版本)' },
    severity: 'error',
    needs: ['cluster'],
    uses: ['nodes'],
    reasons: {
      ...CLUSTER_REASONS,
      noKernel: { en: 'no node\'s kernel version is known (status.nodeInfo.kernelVersion, or uname in its own facts)', zh: '不知道任何节点的内核版本(status.nodeInfo.kernelVersion,或其自身数据中的 uname)' },
    },
    messages: {
      kubeProxy: {
        en: '{count} node(s) ({nodes}) run kernel {kernel} ({kernelBasis}) with kube-proxy {kubeProxy} ({proxyBasis}): kube-proxy\'s mark 0x4000 survives VXLAN encapsulation, the outer packet is masqueraded, and with tx checksum offload on the overlay device its UDP checksum goes out wrong; node-to-Service traffic to another node hangs ~63 s (seed 004)',
        zh: '{count} 个节点({nodes})运行内核 {kernel}({kernelBasis})和 kube-proxy {kubeProxy}({proxyBasis}):kube-proxy 的 0x4000 标记在 VXLAN 封装后仍在,外层报文被 MASQUERADE,overlay 设备开启发送校验和 offload 时外层 UDP 校验和出错;从节点访问其他节点上的 Service 卡住约 63 秒(种子 004)',
      },
      calico: {
        en: '{count} node(s) ({nodes}) run kernel {kernel} ({kernelBasis}) under Calico VXLAN, and no FelixConfiguration sets featureDetectOverride ChecksumOffloadBroken=true: any NAT of the outer VXLAN header corrupts its UDP checksum (seed 004 hit it with Calico on Kubernetes v1.21; Calico >= 3.19.2 turns the offload off itself)',
        zh: '{count} 个节点({nodes})在 Calico VXLAN 下运行内核 {kernel}({kernelBasis}),且没有 FelixConfiguration 设置 featureDetectOverride ChecksumOffloadBroken=true:外层 VXLAN 头的任何 NAT 都会破坏其 UDP 校验和(种子 004 在 Kubernetes v1.21 的 Calico 上遇到;Calico >= 3.19.2 会自行关闭该 offload)',
      },
    },
    explanation: {
      en: 'Kernels before ea64d8d6c675 ("netfilter: nat: never update the UDP checksum when it\'s 0"; 5.7, stable 5.4.41, 4.19.123, 4.14.181) "update" the zero UDP checksum of a VXLAN packet when netfilter NATs its outer header, and with tx checksum offload on the VXLAN device the wire carries an invalid checksum that the receiver drops. kube-proxy before kubernetes#92035 (v1.18.6, v1.17.9, v1.19) masquerades on mark 0x4000 without clearing it, so the mark set on the inner packet makes KUBE-POSTROUTING masquerade the outer one. From the cluster\'s facts (status.nodeInfo kernelVersion and kubeProxyVersion, the FelixConfigurations) podpath lists the nodes in that range; a distribution kernel may carry a backport its version does not show, and the node rule vxlan-nat-checksum confirms on a node (offload and iptables).',
      zh: 'ea64d8d6c675(`netfilter: nat: never update the UDP checksum when it\'s 0`;5.7,稳定版 5.4.41、4.19.123、4.14.181)之前的内核在 netfilter 对 VXLAN 报文外层头做 NAT 时会"更新"为 0 的 UDP 校验和,VXLAN 设备开启发送校验和 offload 时线上的校验和无效,接收方丢弃。kubernetes#92035(v1.18.6、v1.17.9、v1.19)之前的 kube-proxy 按 0x4000 标记 MASQUERADE 而不清除标记,内层报文上的标记使 KUBE-POSTROUTING 也对外层报文做 MASQUERADE。podpath 根据集群数据(status.nodeInfo 的 kernelVersion 与 kubeProxyVersion、FelixConfiguration)列出处于该范围的节点;发行版内核可能已回合修复而版本号看不出,节点规则 vxlan-nat-checksum 可在节点上确认(offload 与 iptables)。',
    },
    remediation: [
      {
        description: { en: 'On each of these nodes, turn tx checksum offload off on the overlay device ({dev}), at once', zh: '在这些节点上关闭 overlay 设备({dev})的发送校验和 offload,立即生效' },
        commands: ['ethtool -K {dev} tx-checksum-ip-generic off  # on each of {nodes}'],
        undo: ['ethtool -K {dev} tx-checksum-ip-generic on'],
      },
      {
        description: { en: 'Calico: let felix turn it off on every node', zh: 'Calico:让 felix 在所有节点上关闭它' },
        commands: ['kubectl patch felixconfiguration default --type merge -p \'{"spec":{"featureDetectOverride":"ChecksumOffloadBroken=true"}}\''],
        undo: ['kubectl patch felixconfiguration default --type json -p \'[{"op":"remove","path":"/spec/featureDetectOverride"}]\''],
      },
      {
        description: { en: 'For good: kernels with the fix (>= 5.7, 5.4.41, 4.19.123, 4.14.181) and kube-proxy >= v1.18.6 / v1.17.9', zh: '根本解决:升级到含修复的内核(>= 5.7、5.4.41、4.19.123、4.14.181)及 kube-proxy >= v1.18.6 / v1.17.9' },
        commands: ['kubectl get nodes -o custom-columns=NAME:.metadata.name,KERNEL:.status.nodeInfo.kernelVersion,PROXY:.status.nodeInfo.kubeProxyVersion  # then upgrade'],
        undo: ['# an upgrade is undone by booting the previous kernel / rolling kube-proxy back'],
      },
    ],
    references: ['seeds/004_5dd277779bb5bec7.txt', 'kb:known-failures.md#1', 'kernel commit ea64d8d6c675', 'gh:kubernetes/kubernetes#92035', 'gh:projectcalico/calico#3145', 'gh:projectcalico/felix#2811', 'node rule vxlan-nat-checksum'],
    unconfirmed: { en: 'The 5.6.13 stable fix is UNCONFIRMED; distribution backports cannot be seen from the version.', zh: '5.6.13 稳定版修复未确认;发行版的回合补丁无法从版本号看出。' },
  },
  check(ctx) {
    const cluster = ctx.evidence.cluster!;
    const gap = clusterGap(ctx.evidence, { own: false });
    if (gap) return ctx.skip(gap);
    let kernels = 0;
    const calico = cluster.calico.ippools.some((p) => p.vxlanMode !== 'Never' && p.vxlanMode !== 'unset' && p.disabled !== true) || cluster.nodes.some((n) => n.calico?.ipv4VXLANTunnelAddr);
    const overridden = cluster.calico.felixConfigurations.find((f) => /ChecksumOffloadBroken=true/i.test(Object.entries(f.featureDetectOverride ?? {}).map(([k, v]) => `${k}=${v}`).join(',')));
    const groups = new Map<string, { kernel: string; kernelBasis: string; kubeProxy?: string; proxyBasis?: string; nodes: ClusterNode[] }>();
    for (const { node, own } of nodePairs(ctx.evidence)) {
      // The node's own uname wins over what the kubelet reported at its last start.
      const kernel = own?.facts.kernel?.release ?? node.kernelVersion?.value;
      if (!kernel) continue;
      kernels++;
      const k = natChecksumFix(kernel);
      if (k.fixed !== false) continue;
      const proxy = node.kubeProxyVersion?.value;
      const p = proxy ? kubeProxyUnmarks(proxy) : undefined;
      const viaProxy = p?.fixed === false;
      if (!viaProxy && !(calico && !overridden)) continue;
      const key = `${kernel}|${viaProxy ? proxy : ''}`;
      const g = groups.get(key) ?? { kernel, kernelBasis: k.basis, ...(viaProxy ? { kubeProxy: proxy, proxyBasis: p!.basis } : {}), nodes: [] };
      g.nodes.push(node);
      groups.set(key, g);
    }
    const dev = calico ? 'vxlan.calico' : 'flannel.1';
    for (const g of groups.values()) {
      const evidence: EvidenceLine[] = g.nodes.slice(0, 3).flatMap((n) => [n.kernelVersion ? factLine(n.kernelVersion) : undefined, g.kubeProxy && n.kubeProxyVersion ? factLine(n.kubeProxyVersion) : undefined].filter((x): x is EvidenceLine => x !== undefined));
      if (evidence.length === 0) evidence.push({ source: `${g.nodes[0]!.name}: uname -r`, text: g.kernel });
      const data = { count: g.nodes.length, nodes: listShort(g.nodes.map((n) => n.name)), kernel: g.kernel, kernelBasis: g.kernelBasis, dev };
      if (g.kubeProxy) ctx.report({ messageId: 'kubeProxy', data: { ...data, kubeProxy: g.kubeProxy, proxyBasis: g.proxyBasis! }, evidence });
      else ctx.report({ messageId: 'calico', severity: 'warning', data, evidence: [...evidence, { source: 'FelixConfiguration', text: `featureDetectOverride ChecksumOffloadBroken=true: not set (${cluster.calico.felixConfigurations.length} FelixConfiguration(s) read)` }] });
    }
    if (kernels === 0) ctx.skip('noKernel');
  },
});
