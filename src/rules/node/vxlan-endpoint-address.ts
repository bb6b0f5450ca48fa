// The VXLAN endpoint on an address that cannot carry node-to-node traffic: flannel's public-ip (the
// VTEP's `local`) on VirtualBox's NAT address 10.0.2.15, which every VM has (dramble#107), on a
// docker0 or link-local address, shared by several nodes, or on another NIC than the one that
// holds the route to the peers. Peers then send VXLAN to an address that is not this node's.
import { fragment } from '../../engine/shell-fill.js';
import { defineRule } from '../../engine/types.js';
import type { EvidenceLine, Link, NodeFacts } from '../../evidence/node-facts.js';
import { cidrContains as prefixContains } from '../../util/ipv4.js';
import { isCniVxlanName as isOverlayName } from '../../evidence/network-view.js';
import { line } from '../shared/kb-shared.js';

type Peer = NonNullable<NodeFacts['overlayPeers']>['items'][number];

/** Why an address cannot be a VXLAN endpoint peers reach, or undefined when it can. */
export function unusableAddress(address: string, facts: NodeFacts): string | undefined {
  // VirtualBox's NAT network gives every VM 10.0.2.15 behind 10.0.2.2: the same address on every node.
  if (address === '10.0.2.15') return 'virtualbox-nat';
  if (prefixContains('169.254.0.0/16', address)) return 'link-local';
  if (prefixContains('127.0.0.0/8', address)) return 'loopback';
  const docker = facts.links?.items.find((l) => l.name === 'docker0');
  if (docker?.addresses.some((a) => a.address === address)) return 'docker0';
  return undefined;
}

function vxlanOf(facts: NodeFacts): Link[] {
  return (facts.links?.items ?? []).filter((l) => l.vxlan !== undefined || (l.kind === 'vxlan' && isOverlayName(l.name)));
}

function holder(facts: NodeFacts, address: string): Link | undefined {
  return facts.links?.items.find((l) => l.addresses.some((a) => a.address === address));
}

export default defineRule({
  meta: {
    id: 'vxlan-endpoint-address',
    kind: 'node',
    title: { en: 'The VXLAN endpoint is on an address peers cannot reach', zh: 'VXLAN 端点位于对端无法访问的地址上' },
    severity: 'critical',
    needs: ['links'],
    sufficient: [['overlayPeers']],
    uses: ['routes'],
    messages: {
      shared: {
        en: 'Nodes {nodes} all use {address} as their VXLAN endpoint ({why}): a VXLAN packet for one of them is sent to an address every node has, so it never reaches the right node',
        zh: '节点 {nodes} 都把 {address} 用作 VXLAN 端点({why}):发往其中一个节点的 VXLAN 报文被发到一个每个节点都有的地址,永远到不了正确的节点',
      },
      unusable: {
        en: 'This node\'s VXLAN endpoint is {address} ({why}{iface}): peers cannot send VXLAN to it, so nothing from other nodes arrives through the overlay',
        zh: '本节点的 VXLAN 端点是 {address}({why}{iface}):对端无法向它发送 VXLAN,其他节点经 overlay 的流量全都到不了',
      },
      otherNic: {
        en: '{dev} sends from {address} on {holder}, but the route to the other nodes ({peer}) leaves through {routeDev}: peers answer to an address on a network they may not reach, and this node\'s VXLAN leaves with a source the other network does not expect',
        zh: '{dev} 从 {holder} 上的 {address} 发送,但去往其他节点({peer})的路由经由 {routeDev}:对端回复到一个它们可能无法访问的网络上的地址,本节点的 VXLAN 报文源地址也不是另一网络所预期的',
      },
    },
    reasons: {
      noEndpoint: { en: 'no VXLAN device with a local address and no published public-ip for this node', zh: '没有带 local 地址的 VXLAN 设备,也没有本节点发布的 public-ip' },
    },
    explanation: {
      en: 'flannel picks the address of its public-ip (the VTEP\'s `local`, published as the flannel.alpha.coreos.com/public-ip annotation) from the interface of the default route unless --iface or --iface-regex says otherwise; Calico picks the node address by its IP_AUTODETECTION_METHOD. In a Vagrant/VirtualBox cluster the default route leaves through the NAT NIC (enp0s3), whose address 10.0.2.15 is the same on every VM: every node publishes 10.0.2.15 and VXLAN packets go nowhere (raspberry-pi-dramble#107 and flannel\'s troubleshooting guide). A docker0 address, a link-local address, or an address on a NIC other than the one that reaches the peers does the same. `kubectl get nodes -o yaml | grep public-ip` and `kubectl get pods -o wide` (the flannel pods\' IPs are their nodes\') show it.',
      zh: 'flannel 默认从默认路由所在接口选取 public-ip(VTEP 的 `local`,发布为 flannel.alpha.coreos.com/public-ip 注解),除非用 --iface 或 --iface-regex 指定;Calico 按 IP_AUTODETECTION_METHOD 选择节点地址。在 Vagrant/VirtualBox 集群中默认路由走 NAT 网卡(enp0s3),其地址 10.0.2.15 在每台虚拟机上都一样:每个节点都发布 10.0.2.15,VXLAN 报文无处可达(raspberry-pi-dramble#107 与 flannel 的排障指南)。docker0 地址、链路本地地址,或不在通往对端的网卡上的地址,效果相同。`kubectl get nodes -o yaml | grep public-ip` 和 `kubectl get pods -o wide`(flannel Pod 的 IP 即其节点的 IP)可以看出来。',
    },
    remediation: [
      {
        description: { en: 'flannel: pin the interface of the node network (--iface), then let the flannel pods restart', zh: 'flannel:指定节点网络所在的接口(--iface),然后让 flannel Pod 重启' },
        commands: ['kubectl -n kube-flannel patch daemonset kube-flannel-ds --type json -p {ifacePatch}', 'kubectl get nodes -o yaml | grep flannel.alpha.coreos.com/public-ip  # each node its own address'],
        undo: ['kubectl -n kube-flannel edit daemonset kube-flannel-ds  # remove the --iface argument again'],
      },
      {
        description: { en: 'Calico: autodetect the node address on that interface', zh: 'Calico:在该接口上自动检测节点地址' },
        commands: ['kubectl -n kube-system set env daemonset/calico-node {methodArg}'],
        undo: ['kubectl -n kube-system set env daemonset/calico-node IP_AUTODETECTION_METHOD-'],
      },
    ],
    references: ['gh:geerlingguy/raspberry-pi-dramble#107', 'gh:geerlingguy/raspberry-pi-dramble#222', 'repo:flannel-io/flannel Documentation/troubleshooting.md (Vagrant)', 'https://docs.tigera.io/calico/latest/networking/ipam/ip-autodetection'],
  },
  check(ctx) {
    const { facts } = ctx;
    const peers: Peer[] = facts.overlayPeers?.items ?? [];
    const vx = vxlanOf(facts);
    // This node's endpoint: the VTEP's local address, else what flannel's log says it chose.
    const mine = vx.find((l) => l.vxlan?.local)?.vxlan?.local ?? peers.find((p) => p.how === 'log' && p.publicIp)?.publicIp;
    const chosenIface = peers.map((p) => / with name (\S+) and address /.exec(p.line)?.[1]).find((x) => x !== undefined);
    const good = (facts.links?.items ?? []).find((l) => !l.name.startsWith('lo') && !isOverlayName(l.name) && l.kind === 'device' && l.addresses.some((a) => a.family === 'inet' && !unusableAddress(a.address, facts)) && l.name !== chosenIface);
    const ifaceArg = good?.name;
    // The NIC to pin: another one with a usable address, when the evidence shows one; else the user names it.
    const commandData = ifaceArg
      ? { ifacePatch: fragment(`'[{"op":"add","path":"/spec/template/spec/containers/0/args/-","value":"--iface={iface}"}]'`, { iface: ifaceArg }), methodArg: `IP_AUTODETECTION_METHOD=interface=${ifaceArg}` }
      : {
          ifacePatch: fragment('"[{\\"op\\":\\"add\\",\\"path\\":\\"/spec/template/spec/containers/0/args/-\\",\\"value\\":\\"--iface=${IFACE:?set IFACE to the NIC on the node network}\\"}]"'),
          // A fragment is one whole word: the variable assignment is inside it.
          methodArg: fragment('"IP_AUTODETECTION_METHOD=interface=${IFACE:?set IFACE to the NIC on the node network}"'),
        };
    const evidenceOf = (address: string): EvidenceLine[] => [
      ...vx.filter((l) => l.vxlan?.local === address).map((l) => line(l.source, `${l.name}: vxlan id ${l.vxlan?.id} local ${address}${l.vxlan?.dev ? ` dev ${l.vxlan.dev}` : ''}`)),
      ...peers.filter((p) => p.publicIp === address).slice(0, 6).map((p) => line(p.source, p.line)),
    ];
    // The same endpoint address on several nodes.
    const byAddress = new Map<string, Set<string>>();
    for (const p of peers) if (p.publicIp && p.node) byAddress.set(p.publicIp, (byAddress.get(p.publicIp) ?? new Set()).add(p.node));
    for (const [address, nodes] of byAddress) {
      if (nodes.size < 2) continue;
      const why = unusableAddress(address, facts) ?? 'duplicate';
      ctx.report({ messageId: 'shared', data: { nodes: [...nodes].sort().join(', '), address, why }, commandData, evidence: evidenceOf(address) });
      return;
    }
    if (!mine) return ctx.skip('noEndpoint');
    const why = unusableAddress(mine, facts);
    if (why) {
      ctx.report({ messageId: 'unusable', data: { address: mine, why, iface: chosenIface ? `, ${chosenIface}` : '' }, commandData, evidence: evidenceOf(mine) });
      return;
    }
    // The endpoint's NIC against the route to the peers' public addresses.
    const dev = vx.find((l) => l.vxlan?.local === mine);
    const hold = holder(facts, mine);
    const others = peers.filter((p) => p.publicIp && p.publicIp !== mine).map((p) => p.publicIp!);
    for (const peer of others) {
      const route = (facts.routes?.items ?? [])
        .filter((r) => r.table === 'main' && r.dev && (r.dst === 'default' || prefixContains(r.dst, peer)))
        .sort((a, b) => (b.dst === 'default' ? -1 : Number(b.dst.split('/')[1] ?? 32)) - (a.dst === 'default' ? -1 : Number(a.dst.split('/')[1] ?? 32)))[0];
      if (!dev || !hold || !route?.dev || route.dev === hold.name || isOverlayName(route.dev)) continue;
      ctx.report({
        messageId: 'otherNic',
        severity: 'error',
        data: { dev: dev.name, address: mine, holder: hold.name, peer, routeDev: route.dev },
        commandData,
        evidence: [...evidenceOf(mine), line(facts.routes!.source, route.line)],
      });
      return;
    }
  },
});
