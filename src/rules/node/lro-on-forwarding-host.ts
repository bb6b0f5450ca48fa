// Seed 002: large-receive-offload on the NIC of a host that forwards (every Kubernetes node does):
// small packets pass, large ones are lost between eth0 and flannel.1.
import type { EvidenceLine, Nic, NodeFacts } from '../../evidence/node-facts.js';
import { defineRule } from '../../engine/types.js';

const VIRTUAL_DRIVERS = new Set(['veth', 'vxlan', 'bridge', 'tun', 'dummy', 'macvlan', 'ipvlan', 'ipip', 'openvswitch', 'wireguard', 'geneve', 'loopback']);

/** A NIC that receives from the wire: `ip -d link` kind `device` (or bond/vlan over one), or, without links, a non-virtual driver. */
export function isWireNic(facts: NodeFacts, nic: Nic): boolean {
  const link = facts.links?.items.find((l) => l.name === nic.name);
  if (link) return ['device', 'bond', 'vlan', 'team'].includes(link.kind);
  return nic.driver !== undefined && !VIRTUAL_DRIVERS.has(nic.driver) && nic.name !== 'lo';
}

/** Why the host forwards, with the line that shows it; undefined when it does not (or cannot be told). */
export function forwardingReason(facts: NodeFacts): { why: string; line: EvidenceLine } | undefined {
  const fwd = facts.sysctls?.values['net.ipv4.ip_forward'];
  if (fwd !== undefined && fwd.trim() === '1') return { why: 'net.ipv4.ip_forward = 1', line: { source: facts.sysctls?.sources[0] ?? 'sysctl', text: 'net.ipv4.ip_forward = 1' } };
  const bridge = facts.links?.items.find((l) => l.kind === 'bridge');
  if (bridge) return { why: `bridge ${bridge.name}`, line: { source: bridge.source, text: `${bridge.name}: kind bridge` } };
  return undefined;
}

export default defineRule({
  meta: {
    id: 'lro-on-forwarding-host',
    kind: 'node',
    title: { en: 'Large receive offload on a host that forwards packets', zh: '转发主机的网卡开启了 LRO(大包接收合并)' },
    severity: 'error',
    needs: ['nics'],
    uses: ['sysctls', 'links'],
    messages: {
      lroOn: {
        en: '{nic} ({driver}) has large-receive-offload on while this host forwards ({why}): merged frames cannot be forwarded to flannel.1/cni0, so large packets are lost while small ones pass.',
        zh: '{nic}({driver})开启了 large-receive-offload,而本主机在转发报文({why}):合并后的大帧无法转发到 flannel.1/cni0,于是小包能通、大包丢失。',
      },
      lroOnFixed: {
        en: '{nic} ({driver}) has large-receive-offload on [fixed] while this host forwards ({why}): ethtool cannot turn it off; the driver must (module option, firmware or driver update).',
        zh: '{nic}({driver})的 large-receive-offload 为 on [fixed],而本主机在转发报文({why}):ethtool 无法关闭,需要从驱动层面处理(模块参数、固件或驱动升级)。',
      },
    },
    reasons: {
      forwardingUnknown: { en: 'no sysctls and no links: cannot tell whether this host forwards', zh: '没有 sysctl 参数也没有网络接口:无法判断本机是否转发' },
    },
    explanation: {
      en: 'LRO merges received TCP segments into one large frame before the stack sees it. A host that routes or bridges must send those frames on unchanged, and a merged frame cannot be re-segmented correctly: the kernel drops it, sometimes with `WARNING: ... skb_warn_bad_offload` and `__skb_gso_segment` / `ip_forward` in the call trace (seed 002, CentOS 7, virtio_net, a NodePort whose backend was on another node). The kernel disables LRO when forwarding is turned on (dev_disable_lro()), but not for every driver (`failed to disable LRO!`), and virtio_net made LRO configurable in 2018 (a02e8964eaf9) until it became GRO_HW (dbcf24d15388, 2021). Intel\'s ixgbe README: LRO is incompatible with routing, forwarding and bridging.',
      zh: 'LRO 在协议栈之前把收到的 TCP 分段合并成一个大帧。路由或桥接的主机必须原样转发这些帧,而合并后的帧无法被正确地重新分段:内核会丢弃它,有时伴随 `WARNING: ... skb_warn_bad_offload`,调用栈中有 `__skb_gso_segment` / `ip_forward`(种子 002,CentOS 7,virtio_net,后端在其他节点的 NodePort)。开启转发时内核会关闭 LRO(dev_disable_lro()),但并非所有驱动都生效(`failed to disable LRO!`);virtio_net 在 2018 年让 LRO 可配置(a02e8964eaf9),直到 2021 年改为 GRO_HW(dbcf24d15388)。Intel ixgbe README:LRO 与路由、转发、桥接不兼容。',
    },
    remediation: [
      {
        description: { en: 'Turn LRO off on {nic} now (and on every NIC that carries pod traffic)', zh: '立即关闭 {nic} 的 LRO(所有承载 Pod 流量的网卡都要关)' },
        commands: ['ethtool -K {nic} lro off', 'ethtool -k {nic} | grep large-receive-offload'],
        undo: ['ethtool -K {nic} lro on'],
      },
      {
        description: { en: 'Keep it off after reboot (NetworkManager; or ETHTOOL_OPTS in ifcfg-{nic})', zh: '重启后保持关闭(NetworkManager;或在 ifcfg-{nic} 中设置 ETHTOOL_OPTS)' },
        commands: ['nmcli connection modify "$(nmcli -g GENERAL.CONNECTION device show {nic})" ethtool.feature-lro off', 'echo \'ETHTOOL_OPTS="-K {nic} lro off"\' >> /etc/sysconfig/network-scripts/ifcfg-{nic}  # without NetworkManager'],
        undo: ['nmcli connection modify "$(nmcli -g GENERAL.CONNECTION device show {nic})" ethtool.feature-lro ignore', 'sed -i \'/^ETHTOOL_OPTS="-K {nic} lro off"$/d\' /etc/sysconfig/network-scripts/ifcfg-{nic}'],
      },
    ],
    references: ['seeds/002_0d72c60b7b7623b4.txt', 'kernel commit a02e8964eaf9', 'kernel commit dbcf24d15388', 'https://access.redhat.com/solutions/654283', 'kb:known-failures.md#3'],
  },
  check(ctx) {
    const { facts } = ctx;
    const nics = (facts.nics ?? []).filter((n) => isWireNic(facts, n));
    const withLro = nics.filter((n) => n.features['large-receive-offload']?.on);
    if (withLro.length === 0) return;
    const fwd = forwardingReason(facts);
    if (!fwd) {
      if (!facts.sysctls && !facts.links) ctx.skip('forwardingUnknown');
      return;
    }
    for (const nic of withLro) {
      const lro = nic.features['large-receive-offload'];
      ctx.report({
        messageId: lro?.fixed ? 'lroOnFixed' : 'lroOn',
        data: { nic: nic.name, driver: nic.driver ?? '?', why: fwd.why },
        evidence: [{ source: nic.sources[0] ?? `ethtool -k ${nic.name}`, text: `large-receive-offload: on${lro?.fixed ? ' [fixed]' : ''}` }, fwd.line],
      });
    }
  },
});
