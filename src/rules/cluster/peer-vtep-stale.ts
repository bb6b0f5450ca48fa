// Every other node's neighbour and FDB entries for a node against what the node advertises: flannel
// programs, per peer, a permanent neighbour entry (the peer's subnet address -> its VtepMAC) and an
// FDB entry (VtepMAC -> its public-ip) from the peer's annotations; Calico the same from
// IPv4VXLANTunnelAddr, VXLANTunnelMACAddr and IPv4Address. An entry with an old MAC is a stale one.
import { fragment } from '../../engine/shell-fill.js';
import { defineRule } from '../../engine/types.js';
import type { ClusterNode } from '../../evidence/cluster-facts.js';
import type { EvidenceLine } from '../../evidence/node-facts.js';
import { networkAddress, parseCidr } from '../../util/ipv4.js';
import { agentPod, bareAddress, factLine, flannelDeviceName, listShort, nodePairs, nodeSource, normMac, CLUSTER_REASONS, clusterGap } from '../shared/cluster-shared.js';

interface Vtep { cni: 'flannel' | 'calico'; dev: string; mac: string; overlay?: string; underlay?: string; proof: EvidenceLine[] }

/** What a node advertises, as the others should have programmed it. */
function advertised(node: ClusterNode, flannelDev: string): Vtep[] {
  const out: Vtep[] = [];
  const fl = node.flannel;
  if (fl?.vtepMAC) {
    const cidr = node.podCIDRs.value.find((c) => !c.includes(':'));
    const p = cidr ? parseCidr(cidr) : undefined;
    const overlay = cidr && p ? networkAddress(cidr.split('/')[0]!, p.len) : undefined;
    const proof = [factLine(fl.backendData ?? fl.vtepMAC)];
    if (fl.publicIP) proof.push(factLine(fl.publicIP));
    out.push({ cni: 'flannel', dev: flannelDev, mac: normMac(fl.vtepMAC.value), overlay, underlay: (fl.publicIPOverwrite ?? fl.publicIP)?.value, proof });
  }
  const ca = node.calico;
  if (ca?.vxlanTunnelMACAddr) {
    const proof = [factLine(ca.vxlanTunnelMACAddr)];
    if (ca.ipv4VXLANTunnelAddr) proof.push(factLine(ca.ipv4VXLANTunnelAddr));
    if (ca.ipv4Address) proof.push(factLine(ca.ipv4Address));
    out.push({ cni: 'calico', dev: 'vxlan.calico', mac: normMac(ca.vxlanTunnelMACAddr.value), overlay: ca.ipv4VXLANTunnelAddr?.value, underlay: ca.ipv4Address ? bareAddress(ca.ipv4Address.value) : undefined, proof });
  }
  return out;
}

export default defineRule({
  meta: {
    id: 'peer-vtep-stale',
    kind: 'cluster',
    title: { en: 'Another node\'s neighbour or FDB entry for a node carries an old VTEP MAC', zh: '其他节点为某节点保存的邻居或 FDB 条目是旧的 VTEP MAC' },
    severity: 'error',
    needs: ['cluster', 'nodes'],
    reasons: {
      ...CLUSTER_REASONS,
      noPeerEntries: { en: 'no node advertises a VTEP that another node, with its own FDB and neighbour tables here, has the VXLAN device for', zh: '没有任何节点通告的 VTEP 能与另一附带自身 FDB 和邻居表且有对应 VXLAN 设备的节点相比较' },
    },
    messages: {
      staleFdb: {
        en: 'On {peer}, {dev} sends to {node} ({underlay}) with FDB entry {stale}, but {node} advertises VTEP MAC {mac}: {node}\'s pod traffic from {peer} goes to a MAC no device there has',
        zh: '{peer} 上 {dev} 发往 {node}({underlay})使用的 FDB 条目是 {stale},但 {node} 通告的 VTEP MAC 是 {mac}:{peer} 发往 {node} 的 Pod 流量发到了一个那里没有的 MAC',
      },
      staleNeighbour: {
        en: 'On {peer}, {dev} resolves {node}\'s overlay address {overlay} to {stale}, but {node} advertises VTEP MAC {mac}: frames for {node} carry a destination MAC it drops',
        zh: '{peer} 上 {dev} 把 {node} 的 overlay 地址 {overlay} 解析为 {stale},但 {node} 通告的 VTEP MAC 是 {mac}:发往 {node} 的帧带着它会丢弃的目的 MAC',
      },
      missing: {
        en: 'On {peer}, {dev} has no FDB or neighbour entry for {count} node(s) ({node}; the first: VTEP MAC {mac}, overlay {overlay}): {peer} has not programmed them (its agent did not see them, or failed)',
        zh: '{peer} 上 {dev} 没有 {count} 个节点({node};第一个:VTEP MAC {mac},overlay {overlay})的 FDB 或邻居条目:{peer} 没有为它们写入条目(其 agent 没有看到它们,或写入失败)',
      },
    },
    explanation: {
      en: 'flannel\'s VXLAN backend keeps, on every node, one permanent neighbour entry (each peer\'s subnet address -> the peer\'s VtepMAC) and one FDB entry (VtepMAC -> the peer\'s public-ip) per peer, written from the peer\'s annotations when the peer\'s lease appears or changes (pkg/backend/vxlan/vxlan_network.go). Calico\'s felix does the same on vxlan.calico from VXLANTunnelMACAddr, IPv4VXLANTunnelAddr and IPv4Address. When a peer\'s MAC changed and this node missed the update (an agent that was down, flannel before 0.22.3 / 0.24.1), the entries keep the old MAC and every packet to that peer is lost. podpath compares each node\'s entries with every other node\'s annotations; the node rule stale-vtep-fdb judges one node\'s entries among themselves.',
      zh: 'flannel 的 VXLAN 后端在每个节点上为每个对端保存一条永久邻居条目(对端子网地址 -> 对端 VtepMAC)和一条 FDB 条目(VtepMAC -> 对端 public-ip),在对端租约出现或变化时按对端注解写入(pkg/backend/vxlan/vxlan_network.go)。Calico 的 felix 在 vxlan.calico 上按 VXLANTunnelMACAddr、IPv4VXLANTunnelAddr、IPv4Address 做同样的事。对端 MAC 变了而本节点错过了更新(agent 当时不在、flannel 低于 0.22.3 / 0.24.1),条目就保留旧 MAC,发往该对端的报文全部丢失。podpath 把每个节点的条目与其他节点的注解比较;节点规则 stale-vtep-fdb 只判断单个节点内部条目是否一致。',
    },
    remediation: [
      {
        description: { en: 'Restart the CNI agent on {peer}: it reprograms every peer from the annotations', zh: '重启 {peer} 上的 CNI agent:它会按注解重写所有对端条目' },
        commands: ['kubectl -n {namespace} delete pod -l {selector} --field-selector spec.nodeName={peer}'],
        undo: ['# nothing to undo: the DaemonSet starts a new agent pod'],
      },
      {
        description: { en: 'Or, on {peer}, correct the entry by hand', zh: '或在 {peer} 上手工修正条目' },
        commands: ['{fixCommand}'],
        undo: ['{undoCommand}'],
      },
    ],
    references: ['kb:known-failures.md#6 (stale VtepMAC / FDB / neighbour)', 'repo:flannel-io/flannel pkg/backend/vxlan/vxlan_network.go (AddFDB, AddARP per lease)', 'repo:projectcalico/calico felix/dataplane/linux/vxlan_mgr.go', 'seeds: node rule stale-vtep-fdb'],
  },
  check(ctx) {
    const cluster = ctx.evidence.cluster!;
    const gap = clusterGap(ctx.evidence, { own: true });
    if (gap) return ctx.skip(gap);
    const pairs = nodePairs(ctx.evidence);
    let compared = 0;
    const advertisedBy = pairs.map(({ node }) => ({ node, vteps: advertised(node, flannelDeviceName(cluster, node)) }));
    // Per peer, its entries indexed once (a 5,000-node cluster: 5,000 peers x 5,000 entries, not cubed).
    for (const other of pairs) {
      const facts = other.own?.facts;
      if (!facts?.fdb || !facts.neighbours) continue;
      const peer = other.node.name;
      const devs = new Set((facts.links?.items ?? []).map((l) => l.name));
      const fdbByDst = new Map<string, (typeof facts.fdb.items)[number][]>();
      for (const f of facts.fdb.items) if (f.dst !== undefined) fdbByDst.set(`${f.dev}|${f.dst}`, [...(fdbByDst.get(`${f.dev}|${f.dst}`) ?? []), f]);
      const neighByAddr = new Map<string, (typeof facts.neighbours.items)[number][]>();
      for (const n of facts.neighbours.items) if (n.lladdr !== undefined) neighByAddr.set(`${n.dev}|${n.address}`, [...(neighByAddr.get(`${n.dev}|${n.address}`) ?? []), n]);
      const fdbSrc = nodeSource(peer, facts.fdb.source, 'bridge fdb show');
      const neighSrc = nodeSource(peer, facts.neighbours.source, 'ip neigh show');
      const missing = new Map<string, { v: Vtep; nodes: string[] }>();
      for (const { node, vteps } of advertisedBy) {
        if (node.name === peer) continue;
        for (const v of vteps) {
          // A peer without the device does not run this CNI's VXLAN (or it is down): the node rules say so.
          if (!devs.has(v.dev)) continue;
          compared++;
          const fdb = v.underlay !== undefined ? fdbByDst.get(`${v.dev}|${v.underlay}`) ?? [] : [];
          const neigh = v.overlay !== undefined ? neighByAddr.get(`${v.dev}|${v.overlay}`) ?? [] : [];
          const data = { peer, node: node.name, dev: v.dev, mac: v.mac, underlay: v.underlay ?? '?', overlay: v.overlay ?? '?', ...agentPod(cluster, v.cni) };
          if (fdb.length === 0 && neigh.length === 0) {
            const m = missing.get(v.dev) ?? { v, nodes: [] };
            m.nodes.push(node.name);
            missing.set(v.dev, m);
            continue;
          }
          for (const f of fdb) {
            const stale = normMac(f.mac);
            if (stale === v.mac || stale === '00:00:00:00:00:00') continue;
            ctx.report({
              messageId: 'staleFdb',
              data: { ...data, stale },
              commandData: {
                fixCommand: fragment('bridge fdb del {stale} dev {dev} dst {dst} && bridge fdb append {mac} dev {dev} dst {dst} self permanent', { stale, mac: v.mac, dev: v.dev, dst: f.dst ?? '' }),
                undoCommand: fragment('bridge fdb del {mac} dev {dev} dst {dst} && bridge fdb append {stale} dev {dev} dst {dst} self permanent', { stale, mac: v.mac, dev: v.dev, dst: f.dst ?? '' }),
              },
              evidence: [...v.proof, { source: fdbSrc, text: f.line }],
            });
          }
          for (const n of neigh) {
            const stale = normMac(n.lladdr ?? '');
            if (stale === v.mac) continue;
            ctx.report({
              messageId: 'staleNeighbour',
              data: { ...data, stale },
              commandData: {
                fixCommand: fragment('ip neigh replace {ip} lladdr {mac} dev {dev} nud permanent', { ip: n.address, mac: v.mac, dev: v.dev }),
                undoCommand: fragment('ip neigh replace {ip} lladdr {mac} dev {dev} nud permanent', { ip: n.address, mac: stale, dev: v.dev }),
              },
              evidence: [...v.proof, { source: neighSrc, text: n.line }],
            });
          }
        }
      }
      // Nodes this peer never programmed: one finding per device, not one per node.
      for (const [dev, { v, nodes }] of missing) {
        const first = nodes[0]!;
        const add = fragment('bridge fdb append {mac} dev {dev} dst {dst} self permanent', { mac: v.mac, dev, dst: v.underlay ?? '' });
        const del = fragment('bridge fdb del {mac} dev {dev} dst {dst}', { mac: v.mac, dev, dst: v.underlay ?? '' });
        ctx.report({
          messageId: 'missing',
          severity: 'warning',
          data: { peer, node: listShort(nodes, 5), count: nodes.length, dev, mac: v.mac, overlay: v.overlay ?? '?', underlay: v.underlay ?? '?', stale: '-', ...agentPod(cluster, v.cni) },
          commandData: { fixCommand: nodes.length === 1 ? add : fragment('# {count} nodes: restart the agent on {peer} (above)', { count: nodes.length, peer }), undoCommand: nodes.length === 1 ? del : fragment('# nothing to undo') },
          evidence: [...v.proof, { source: fdbSrc, text: `no entry on ${dev} with dst ${v.underlay ?? '?'} (for ${first}; ${facts.fdb.items.filter((f) => f.dev === dev).length} entries on ${dev})` }],
        });
      }
    }
    if (compared === 0) ctx.skip('noPeerEntries');
  },
});
