// The VXLAN device's MTU, destination port and VNI must be the same on every node (a datagram to
// another port or VNI is dropped; a larger MTU on one node sends what the others cannot take), and
// what the CNI's configuration says: flannel's net-conf (ConfigMap kube-flannel-cfg), Calico's
// FelixConfiguration. Judged from each node's own `ip -d link`.
import { defineRule } from '../../engine/types.js';
import type { ClusterFacts, ClusterNode } from '../../evidence/cluster-facts.js';
import type { EvidenceLine, Link } from '../../evidence/node-facts.js';
import { networkView } from '../../evidence/network-view.js';
import { agentPod, flannelDeviceName, linkLine, linkOf, listShort, nodePairs, CLUSTER_REASONS, clusterGap } from '../shared/cluster-shared.js';

type Setting = 'mtu' | 'port' | 'vni' | 'underlayMtu';
/** flannel leaves Port 0 to the kernel, which uses 8472 (Linux's historic VXLAN port); VNI 1 (defaultVNI). */
const FLANNEL_DEFAULT = { port: 8472, vni: 1 };
/** felix's defaults (config-params.json): VXLANPort 4789, VXLANVNI 4096; VXLANMTU 0 = auto. */
const FELIX_DEFAULT = { port: 4789, vni: 4096 };

interface Seen { node: string; link: Link; line: EvidenceLine; under?: { link: Link; line: EvidenceLine } }

function valueOf(seen: Seen, s: Setting): number | undefined {
  const l = seen.link;
  return s === 'underlayMtu' ? seen.under?.link.mtu : s === 'mtu' ? l.mtu : s === 'port' ? l.vxlan?.port : l.vxlan?.id;
}

/** The device the setting is on, and the line that shows it. */
function shown(seen: Seen, s: Setting): { dev: string; line: EvidenceLine } {
  return s === 'underlayMtu' && seen.under ? { dev: seen.under.link.name, line: seen.under.line } : { dev: seen.link.name, line: seen.line };
}

/** What the configuration says, with the line that says it. */
function configured(cluster: ClusterFacts, cni: 'flannel' | 'calico', s: Setting): { value: number; source: EvidenceLine } | undefined {
  if (s === 'underlayMtu') return undefined;
  if (cni === 'flannel') {
    const nc = cluster.flannelNetConf;
    if (!nc) return undefined;
    const where = `ConfigMap/${nc.from.namespace ?? ''}/${nc.from.name} ${nc.from.path}`;
    if (s === 'mtu') return nc.mtu ? { value: nc.mtu, source: { source: where, text: `MTU ${nc.mtu}` } } : undefined;
    const set = s === 'port' ? nc.port : nc.vni;
    const value = set && set !== 0 ? set : FLANNEL_DEFAULT[s];
    return { value, source: { source: where, text: set ? `Backend.${s === 'port' ? 'Port' : 'VNI'} ${set}` : `Backend.${s === 'port' ? 'Port' : 'VNI'} unset (default ${value})` } };
  }
  const felix = cluster.calico.felixConfigurations.find((f) => f.name === 'default') ?? cluster.calico.felixConfigurations[0];
  if (!felix) return undefined;
  const where = `FelixConfiguration/${felix.name} spec`;
  if (s === 'mtu') return felix.vxlanMTU ? { value: felix.vxlanMTU, source: { source: where, text: `vxlanMTU ${felix.vxlanMTU}` } } : undefined;
  const set = s === 'port' ? felix.vxlanPort : felix.vxlanVNI;
  const value = set ?? FELIX_DEFAULT[s];
  return { value, source: { source: where, text: set !== undefined ? `${s === 'port' ? 'vxlanPort' : 'vxlanVNI'} ${set}` : `${s === 'port' ? 'vxlanPort' : 'vxlanVNI'} unset (default ${value})` } };
}

export default defineRule({
  meta: {
    id: 'overlay-settings-mismatch',
    kind: 'cluster',
    title: { en: 'VXLAN MTU, port or VNI (or the underlay MTU) differs between nodes, or from the CNI configuration', zh: 'VXLAN 的 MTU、端口或 VNI(或底层接口 MTU)在节点间不同,或与 CNI 配置不符' },
    severity: 'error',
    needs: ['cluster', 'nodes'],
    reasons: {
      ...CLUSTER_REASONS,
      noVxlanDevice: { en: 'no cluster node with its own facts has a flannel or Calico VXLAN device', zh: '没有任何附带自身数据的集群节点有 flannel 或 Calico 的 VXLAN 设备' },
    },
    messages: {
      differs: {
        en: '{dev} {setting} is {value} on {nodes}, but {others} on the other {otherCount} node(s) ({otherNodes})',
        zh: '{dev} 的 {setting} 在 {nodes} 上是 {value},而在其余 {otherCount} 个节点({otherNodes})上是 {others}',
      },
      effectPort: { en: 'VXLAN datagrams between these nodes go to a port the receiver does not listen on and are dropped.', zh: '这些节点之间的 VXLAN 报文发往接收方未监听的端口,被丢弃。' },
      effectVni: { en: 'The receiver drops VXLAN datagrams whose VNI is not its own.', zh: '接收方丢弃 VNI 与自身不同的 VXLAN 报文。' },
      effectMtu: { en: 'Pod packets larger than the smaller MTU are dropped or fragmented on the way; large transfers stall while pings pass.', zh: '大于较小 MTU 的 Pod 报文在途中被丢弃或分片;大流量传输卡住而 ping 正常。' },
      effectUnderlayMtu: { en: 'The VXLAN device\'s MTU is derived from this interface\'s (minus 50): a node whose underlay carries less than the others\' drops their full-size VXLAN frames.', zh: 'VXLAN 设备的 MTU 由该接口的 MTU 减 50 得出:底层接口 MTU 比其他节点小的节点会丢弃对方发来的满长 VXLAN 帧。' },
      notConfigured: {
        en: '{dev} {setting} is {value} on {nodes}, but {config} says {expected}',
        zh: '{dev} 的 {setting} 在 {nodes} 上是 {value},但 {config} 规定为 {expected}',
      },
    },
    explanation: {
      en: 'A VXLAN datagram is accepted only by a device listening on its destination UDP port with the same VNI; a node whose device uses another port or VNI drops everything the others send it (and its own traffic is dropped by them). flannel builds flannel.<VNI> from its net-conf Backend (VNI default 1, Port 0 = the kernel\'s 8472) and sets its MTU to the external interface\'s minus 50 unless net-conf sets MTU; Calico builds vxlan.calico from FelixConfiguration (vxlanPort 4789, vxlanVNI 4096, vxlanMTU, 0 = auto). A device left from an older configuration, a node whose agent runs another config, or an underlay NIC with another MTU gives one node other values. podpath reads each node\'s `ip -d link` and compares across nodes (the majority is taken as intended) and with the configuration.',
      zh: 'VXLAN 报文只被监听其目的 UDP 端口且 VNI 相同的设备接收;某节点的设备端口或 VNI 不同,其他节点发给它的报文全被丢弃(它发出的也被对方丢弃)。flannel 按 net-conf 的 Backend 建立 flannel.<VNI>(VNI 默认 1,Port 0 即内核的 8472),除非 net-conf 设置了 MTU,否则 MTU 为外部接口 MTU 减 50;Calico 按 FelixConfiguration 建立 vxlan.calico(vxlanPort 4789、vxlanVNI 4096、vxlanMTU,0 为自动)。旧配置留下的设备、agent 使用了别的配置的节点、或 MTU 不同的底层网卡,都会让某个节点的值不同。podpath 读取每个节点的 `ip -d link`,在节点间比较(以多数为预期)并与配置比较。',
    },
    remediation: [
      {
        description: { en: 'Delete {dev} on {node} and restart its CNI agent: it re-creates the device from the configuration', zh: '在 {node} 上删除 {dev} 并重启其 CNI agent:它会按配置重建设备' },
        commands: ['ip -d link show {dev} > /tmp/podpath-{dev}.before.txt; ip link delete {dev}  # on {node}', 'kubectl -n {namespace} delete pod -l {selector} --field-selector spec.nodeName={node}'],
        undo: ['# nothing to undo: the agent re-creates {dev}; the device as it was is in /tmp/podpath-{dev}.before.txt on {node}'],
      },
    ],
    references: ['kb:known-failures.md#6 (VXLAN port mismatch between nodes)', 'kb:known-failures.md#5 (MTU mismatch)', 'repo:flannel-io/flannel pkg/backend/vxlan/vxlan.go (defaultVNI 1, Port, flannel.<VNI>)', 'repo:projectcalico/calico felix/docs/config-params.json (VXLANPort 4789, VXLANVNI 4096, VXLANMTU)', 'node rules vxlan-port-mismatch, mtu-mismatch (one pair)'],
  },
  check(ctx) {
    const cluster = ctx.evidence.cluster!;
    const gap = clusterGap(ctx.evidence, { own: true });
    if (gap) return ctx.skip(gap);
    const pairs = nodePairs(ctx.evidence);
    let devices = 0;
    for (const cni of ['flannel', 'calico'] as const) {
      const seen: Seen[] = [];
      for (const { node, own } of pairs) {
        if (!own) continue;
        const link = linkOf(own.facts, devName(cluster, node, cni)) ?? (cni === 'flannel' ? own.facts.links?.items.find((l) => /^flannel\.\d+$/.test(l.name)) : undefined);
        if (!link) continue;
        const under = networkView(own.facts).vxlan.find((d) => d.name === link.name)?.underlay;
        seen.push({ node: node.name, link, line: linkLine(node.name, own.facts, link), ...(under ? { under: { link: under.link, line: linkLine(node.name, own.facts, under.link) } } : {}) });
      }
      if (seen.length === 0) continue;
      devices += seen.length;
      const agent = agentPod(cluster, cni);
      for (const setting of ['port', 'vni', 'mtu', 'underlayMtu'] as const) {
        const groups = new Map<number, Seen[]>();
        for (const s of seen) {
          const v = valueOf(s, setting);
          if (v !== undefined) groups.set(v, [...(groups.get(v) ?? []), s]);
        }
        const conf = configured(cluster, cni, setting);
        const detailId = EFFECT[setting];
        if (conf) {
          for (const [value, group] of groups) {
            if (value === conf.value) continue;
            ctx.report({
              messageId: 'notConfigured',
              detailId,
              data: { dev: shown(group[0]!, setting).dev, setting: SETTING[setting], value, nodes: listShort(group.map((g) => g.node)), config: conf.source.source, expected: conf.value, node: group[0]!.node, ...agent },
              evidence: [conf.source, ...group.slice(0, 6).map((g) => shown(g, setting).line)],
            });
          }
          continue;
        }
        if (groups.size < 2) continue;
        // Without a configured value, the most common one is taken as intended; between equally
        // common ones the larger (a smaller MTU, port or VNI is the deviation more often).
        const ranked = [...groups].sort((a, b) => b[1].length - a[1].length || b[0] - a[0]);
        const [majority, majorityNodes] = ranked[0]!;
        for (const [value, group] of ranked.slice(1)) {
          ctx.report({
            messageId: 'differs',
            detailId,
            data: { dev: shown(group[0]!, setting).dev, setting: SETTING[setting], value, nodes: listShort(group.map((g) => g.node)), others: majority, otherCount: majorityNodes.length, otherNodes: listShort(majorityNodes.map((g) => g.node), 5), node: group[0]!.node, ...agent },
            evidence: [...group.slice(0, 4).map((g) => shown(g, setting).line), ...majorityNodes.slice(0, 2).map((g) => shown(g, setting).line)],
          });
        }
      }
    }
    if (devices === 0) ctx.skip('noVxlanDevice');
  },
});

function devName(cluster: ClusterFacts, node: ClusterNode, cni: 'flannel' | 'calico'): string {
  return cni === 'flannel' ? flannelDeviceName(cluster, node) : 'vxlan.calico';
}

// Names as `ip -d link` prints them, the same in both languages.
const SETTING: Record<Setting, string> = { mtu: 'mtu', port: 'dstport', vni: 'vxlan id', underlayMtu: 'mtu' };
const EFFECT: Record<Setting, string> = { mtu: 'effectMtu', port: 'effectPort', vni: 'effectVni', underlayMtu: 'effectUnderlayMtu' };
