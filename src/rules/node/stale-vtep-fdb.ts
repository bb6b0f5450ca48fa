// Stale VTEP entries: on flannel/Calico VXLAN, each peer is a neighbour entry (peer overlay IP ->
// VTEP MAC) plus an FDB entry (VTEP MAC -> peer node IP). When the two disagree, traffic to that
// peer is sent to a MAC nobody answers for, or to the wrong node.
import { fragment, type ShellFragment } from '../../engine/shell-fill.js';
import { defineRule } from '../../engine/types.js';
import type { EvidenceLine } from '../../evidence/node-facts.js';
import { line } from '../shared/kb-shared.js';
import { isCniVxlanName, networkView } from '../../evidence/network-view.js';


const ZERO_MAC = '00:00:00:00:00:00';

export default defineRule({
  meta: {
    id: 'stale-vtep-fdb',
    kind: 'node',
    title: { en: 'VXLAN neighbour and FDB entries disagree (stale VTEP)', zh: 'VXLAN 邻居表与 FDB 表不一致(VTEP 条目过期)' },
    severity: 'error',
    needs: ['fdb', 'neighbours'],
    // Without the FDB: another node's neighbour entry for this node's own VTEP address, against the device's MAC.
    sufficient: [['neighbours', 'links']],
    uses: ['links', 'overlayPeers'],
    messages: {
      peerHoldsOldMac: {
        en: 'Another node holds {address} (this node\'s {dev}) as {otherMac} ({state}), but {dev} here has {deviceMac}: the peers send this node\'s overlay traffic to a MAC it no longer has. Its VTEP MAC changed after it was published (flannel#1795): restart the CNI agent here so it publishes the new one, and the peers reprogram it',
        zh: '另一个节点把 {address}(本节点的 {dev})记为 {otherMac}({state}),而本节点 {dev} 的 MAC 是 {deviceMac}:对端把发往本节点的 overlay 流量发到一个已不存在的 MAC。其 VTEP MAC 在发布之后变了(flannel#1795):重启本节点的 CNI 组件使其发布新的 MAC,对端随之更新',
      },
      neighWithoutFdb: {
        en: 'On {dev}, neighbour {ip} -> {mac} has no FDB entry for {mac}: packets to that peer have no underlay destination and are dropped',
        zh: '{dev} 上邻居 {ip} -> {mac} 没有对应 {mac} 的 FDB 条目:发往该对端的报文没有底层目的地址,被丢弃',
      },
      fdbWithoutNeigh: {
        en: 'On {dev}, FDB entry {mac} -> {dst} is used by no neighbour: a VTEP MAC left over from before the peer {dst} changed its MAC',
        zh: '{dev} 上 FDB 条目 {mac} -> {dst} 没有任何邻居使用:对端 {dst} 更换 MAC 之前残留的 VTEP MAC',
      },
      duplicateDst: {
        en: 'On {dev}, {count} FDB entries point to node {dst} ({macs}): one is stale, and neighbours using it ({ips}) may reach an old VTEP MAC',
        zh: '{dev} 上有 {count} 个 FDB 条目指向节点 {dst}({macs}):其中有过期条目,使用它的邻居({ips})可能指向旧的 VTEP MAC',
      },
      macMultipleDst: {
        en: 'On {dev}, VTEP MAC {mac} points to several nodes ({dsts}): two nodes share a VTEP MAC, or one entry is stale',
        zh: '{dev} 上 VTEP MAC {mac} 指向多个节点({dsts}):两个节点的 VTEP MAC 相同,或其中一条过期',
      },
    },
    explanation: {
      en: 'flannel (and Calico VXLAN) program each peer as a permanent neighbour entry on the VXLAN device (peer overlay address -> peer VTEP MAC) and a permanent FDB entry (VTEP MAC -> peer node IP). When a peer\'s VTEP MAC changes (flannel.1 recreated; systemd >= 242 MACAddressPolicy=persistent assigning a new MAC) and the agent does not update every node, the entries disagree: a neighbour whose MAC has no FDB entry is undeliverable; an FDB MAC that no neighbour uses, or two MACs for one node, is a leftover. From one node podpath can judge only this internal consistency. That the neighbour MAC equals the peer\'s real flannel.1 MAC (and its flannel.alpha.coreos.com/backend-data VtepMAC annotation) needs the peer\'s facts or cluster data: `podpath diff <this node> <peer>` compares this node\'s neighbour and FDB entries for the peer with the peer\'s real flannel.1 MAC and local address (peers.*-view-of-* differences), or compare `ip -d link show flannel.1` on the peer with `ip neigh show dev flannel.1` here by hand.',
      zh: 'flannel(以及 Calico VXLAN)为每个对端在 VXLAN 设备上写入永久邻居条目(对端 overlay 地址 -> 对端 VTEP MAC)和永久 FDB 条目(VTEP MAC -> 对端节点 IP)。对端 VTEP MAC 变化(flannel.1 被重建;systemd >= 242 的 MACAddressPolicy=persistent 分配了新 MAC)而 agent 没有更新所有节点时,条目就不一致:邻居的 MAC 没有 FDB 条目则无法投递;没有邻居使用的 FDB MAC、或同一节点有两个 MAC,则是残留。单个节点上 podpath 只能判断这种内部一致性。邻居中的 MAC 是否等于对端 flannel.1 的真实 MAC(及其 flannel.alpha.coreos.com/backend-data 注解中的 VtepMAC)需要对端数据或集群数据:`podpath diff <本节点> <对端>` 会把本节点为对端保存的邻居与 FDB 条目和对端真实的 flannel.1 MAC 及 local 地址相比较(peers.*-view-of-* 差异),也可手工对比对端的 `ip -d link show flannel.1` 与本节点的 `ip neigh show dev flannel.1`。',
    },
    remediation: [
      {
        description: { en: 'Restart the CNI agent on this node so it reprograms neighbours and FDB from the cluster (upgrade flannel to >= 0.22.3 / 0.24.1)', zh: '重启本节点的 CNI agent,使其按集群数据重写邻居与 FDB(并将 flannel 升级到 >= 0.22.3 / 0.24.1)' },
        commands: [
          'ip neigh show dev {dev} > /tmp/podpath-{dev}-neigh.before.txt; bridge fdb show dev {dev} > /tmp/podpath-{dev}-fdb.before.txt',
          'kubectl -n kube-flannel delete pod -l app=flannel --field-selector spec.nodeName="$(hostname)"',
        ],
        undo: ['# nothing to undo: the agent rewrites the entries from the cluster; the old ones are saved in /tmp/podpath-{dev}-neigh.before.txt and /tmp/podpath-{dev}-fdb.before.txt'],
      },
      {
        description: { en: 'Or correct the entry by hand (a missing FDB entry: add it with the peer node IP; a stale one: delete it)', zh: '或手工修正条目(缺失的 FDB 条目:按对端节点 IP 添加;过期条目:删除)' },
        commands: ['{fixCommand}'],
        undo: ['{undoCommand}'],
      },
    ],
    references: ['kb:known-failures.md#6 (stale VtepMAC / FDB / neighbour)', 'repo:flannel-io/flannel Documentation/troubleshooting.md'],
    unconfirmed: {
      en: 'Whether a neighbour MAC matches the peer\'s current VtepMAC (backend-data annotation) cannot be judged from one node; only the neighbour/FDB consistency is (podpath diff with the peer judges the rest).',
      zh: '邻居表中的 MAC 是否与对端当前的 VtepMAC(backend-data 注解)一致,无法仅凭一个节点判断;只能判断邻居表与 FDB 是否一致(其余部分由与对端的 podpath diff 判断)。',
    },
  },
  check(ctx) {
    const { facts } = ctx;
    const vxNames = new Set(networkView(facts).vxlan.map((d) => d.name));
    // By name too: the entries may name a CNI device the links (not collected) do not show.
    const isVxlanDev = (dev: string) => vxNames.has(dev) || isCniVxlanName(dev);
    const fdbSource = facts.fdb?.source ?? 'bridge fdb show';
    const neighSource = facts.neighbours?.source ?? 'ip neigh show';
    const fdb = (facts.fdb?.items ?? []).filter((f) => isVxlanDev(f.dev) && f.dst !== undefined && norm(f.mac) !== ZERO_MAC);
    const neigh = (facts.neighbours?.items ?? []).filter((n) => isVxlanDev(n.dev) && n.lladdr !== undefined && !n.states.includes('FAILED'));
    const devs = new Set([...fdb.map((f) => f.dev), ...neigh.map((n) => n.dev)]);
    for (const dev of devs) {
      const devFdb = fdb.filter((f) => f.dev === dev);
      const devNeigh = neigh.filter((n) => n.dev === dev);
      const fdbByMac = groupBy(devFdb, (f) => norm(f.mac));
      const neighMacs = new Set(devNeigh.map((n) => norm(n.lladdr ?? '')));
      // A device with learning, or flooding to a default remote (00:00:00:00:00:00 entries), can deliver without a per-MAC entry.
      const flooding = (facts.fdb?.items ?? []).some((f) => f.dev === dev && norm(f.mac) === ZERO_MAC && f.dst !== undefined);
      if (!flooding) {
        for (const n of devNeigh) {
          const mac = norm(n.lladdr ?? '');
          if (!fdbByMac.has(mac)) ctx.report({ messageId: 'neighWithoutFdb', data: { dev, ip: n.address, mac }, commandData: byHand('append', mac, dev, PEER_NODE_IP), evidence: [line(neighSource, n.line), ...devFdb.slice(0, 6).map((f) => line(fdbSource, f.line))] });
        }
      }
      for (const [mac, entries] of fdbByMac) {
        const dsts = [...new Set(entries.map((e) => e.dst ?? ''))];
        if (dsts.length > 1) {
          ctx.report({ messageId: 'macMultipleDst', data: { dev, mac, dsts: dsts.join(', ') }, commandData: byHand('del', mac, dev, STALE_DST), evidence: entries.map((e) => line(fdbSource, e.line)) });
        }
      }
      for (const [dst, entries] of groupBy(devFdb, (f) => f.dst ?? '')) {
        const macs = [...new Set(entries.map((e) => norm(e.mac)))];
        if (macs.length < 2) continue;
        const users = devNeigh.filter((n) => macs.includes(norm(n.lladdr ?? '')));
        const unused = macs.find((m) => !neighMacs.has(m)) ?? macs[0] ?? '';
        ctx.report({
          messageId: 'duplicateDst',
          data: { dev, dst, count: macs.length, macs: macs.join(', '), ips: users.map((u) => u.address).join(', ') || 'none', mac: unused },
          commandData: byHand('del', unused, dev, dst),
          evidence: [...entries.map((e) => line(fdbSource, e.line)), ...users.map((u) => line(neighSource, u.line))],
        });
      }
      // Left-over MACs: reported alone only when not already part of a duplicate-destination finding.
      const dupDsts = new Set([...groupBy(devFdb, (f) => f.dst ?? '')].filter(([, e]) => new Set(e.map((x) => norm(x.mac))).size > 1).map(([d]) => d));
      if (devNeigh.length > 0) {
        for (const f of devFdb) {
          if (!neighMacs.has(norm(f.mac)) && !dupDsts.has(f.dst ?? '')) {
            const evidence: EvidenceLine[] = [line(fdbSource, f.line), ...devNeigh.slice(0, 6).map((n) => line(neighSource, n.line))];
            ctx.report({ messageId: 'fdbWithoutNeigh', data: { dev, mac: norm(f.mac), dst: f.dst ?? '' }, commandData: byHand('del', norm(f.mac), dev, f.dst ?? ''), evidence });
          }
        }
      }
    }
  },
});

// Destinations only the user can name: a paste without them stops with this message.
const PEER_NODE_IP = fragment('"${PEER_NODE_IP:?set PEER_NODE_IP to the peer node IP}"');
const STALE_DST = fragment('"${STALE_DST:?set STALE_DST to the stale one of the destinations}"');

/** The by-hand fix and its undo (add a missing entry, or delete a stale one), each value quoted for sh. */
export function byHand(op: 'append' | 'del', mac: string, dev: string, dst: string | ShellFragment): { fixCommand: ShellFragment; undoCommand: ShellFragment } {
  const add = fragment('bridge fdb append {mac} dev {dev} dst {dst} self permanent', { mac, dev, dst });
  const del = fragment('bridge fdb del {mac} dev {dev} dst {dst}', { mac, dev, dst });
  return op === 'append' ? { fixCommand: add, undoCommand: del } : { fixCommand: del, undoCommand: add };
}

function norm(mac: string): string {
  return mac.toLowerCase();
}

function groupBy<T>(items: T[], key: (t: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const it of items) {
    const k = key(it);
    const list = m.get(k);
    if (list) list.push(it);
    else m.set(k, [it]);
  }
  return m;
}

