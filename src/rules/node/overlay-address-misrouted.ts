// Seed 001: what `ip route get <this node's flannel.1 address>` answers. The address is local on a
// healthy node (`local A dev lo`), so "local" alone proves nothing; what seed 001 shows wrong is
// (a) the address routed away from the node, or (b) on kernels that add a broadcast route for a
// subnet's network address, flannel.1's local route shadowing cni0's broadcast route for it.
import type { EvidenceLine, NodeFacts } from '../../evidence/node-facts.js';
import { defineRule } from '../../engine/types.js';
import { compareUpstream, parseKernelRelease } from '../data/kernel-version.js';
import { networkAddress } from '../../util/ipv4.js';
import { inetAddresses } from '../../evidence/links.js';
import { networkView } from '../../evidence/network-view.js';

/**
 * Linux before 5.14 adds `broadcast <network address>` for every prefix shorter than /31; "ip: Treat
 * IPv4 segment's lowest address as unicast" (IPv4 Unicast Extensions) stopped it. The release is
 * from memory, UNCONFIRMED; measured here: 6.18 adds no such route.
 */
const NETWORK_BROADCAST_UNTIL: [number, number, number] = [5, 14, 0];

/** Whether the kernel has a broadcast route for `addr` on `dev`: seen in the local table, or implied by the kernel version. */
export function networkBroadcastRoute(facts: NodeFacts, addr: string, dev: string): { how: string; line?: EvidenceLine } | undefined {
  const routes = facts.routes;
  const seen = routes?.items.find((r) => r.type === 'broadcast' && r.dst === addr && r.dev === dev);
  if (seen && routes) return { how: 'local table', line: { source: routes.source, text: seen.line } };
  const localTableSeen = routes?.items.some((r) => r.table === 'local') ?? false;
  if (localTableSeen) return undefined;
  const k = facts.kernel ? parseKernelRelease(facts.kernel.release) : undefined;
  if (k && compareUpstream(k.upstream, NETWORK_BROADCAST_UNTIL) < 0) return { how: `kernel ${k.upstream.join('.')} < 5.14` };
  return undefined;
}

export default defineRule({
  meta: {
    id: 'overlay-address-misrouted',
    kind: 'node',
    title: { en: 'The node\'s own overlay address is routed wrongly', zh: '本节点的 overlay 地址路由异常' },
    severity: 'error',
    needs: ['routeGets', 'links'],
    uses: ['routes', 'kernel', 'cni'],
    messages: {
      routedAway: {
        en: '`ip route get {addr}` (the address of {dev} on this node) answers `{answer}`: packets to this node\'s own overlay address leave the node instead of being delivered here, so replies to the node\'s overlay traffic are lost.',
        zh: '`ip route get {addr}`(本节点 {dev} 的地址)返回 `{answer}`:发往本节点 overlay 地址的报文被送出了本节点而不是在本地接收,节点 overlay 流量的回包因此丢失。',
      },
      shadowsBridge: {
        en: '`ip route get {addr}` answers `{answer}`: {dev}\'s local route for {addr} shadows the broadcast route {bridge} has for its subnet\'s network address ({how}). This is the answer seed 001\'s broken node gave; after NetworkManager and flannel were restarted it answered `broadcast {addr} dev {bridge}` and traffic worked. The route order depends on which interface got its address first.',
        zh: '`ip route get {addr}` 返回 `{answer}`:{dev} 上 {addr} 的本地路由遮住了 {bridge} 为其网段网络地址设置的广播路由({how})。种子 001 中故障节点给出的正是这个结果;重启 NetworkManager 和 flannel 后变为 `broadcast {addr} dev {bridge}`,流量恢复。路由顺序取决于哪个接口先获得地址。',
      },
    },
    reasons: {
      noRouteGet: { en: 'no `ip route get` for {addresses}', zh: '没有 {addresses} 的 `ip route get`' },
    },
    explanation: {
      en: 'flannel gives flannel.1 the network address of the node\'s pod subnet as a /32 (10.187.0.0/32) and cni0 the first host address of the same /24 (10.187.0.1/24). Traffic the node itself sends into the overlay leaves with source 10.187.0.0, so the replies must be delivered locally. On a healthy node `ip route get 10.187.0.0` answers `local 10.187.0.0 dev lo` (measured here on kernel 6.18) or, on kernels before 5.14 where cni0 also gets `broadcast 10.187.0.0`, whichever of the two routes was added first. An answer through another device (a gateway on the underlay, `unreachable`) means the address was removed from the node, e.g. by NetworkManager. Seed 001 (kernel 4.19, NetworkManager managing flannel.1/cni0) answered `local 10.187.0.0 dev lo` while broken and `broadcast 10.187.0.0 dev cni0` once repaired; that the route order itself broke traffic is UNCONFIRMED, so that case is a warning.',
      zh: 'flannel 把本节点 Pod 网段的网络地址以 /32 配在 flannel.1 上(10.187.0.0/32),把同一 /24 的第一个主机地址配在 cni0 上(10.187.0.1/24)。节点自身发往 overlay 的流量源地址是 10.187.0.0,回包必须在本地接收。健康节点上 `ip route get 10.187.0.0` 返回 `local 10.187.0.0 dev lo`(本机 6.18 内核实测);5.14 之前的内核还会为 cni0 添加 `broadcast 10.187.0.0`,此时以先添加的路由为准。若结果经由其他设备(底层网关、`unreachable`),说明该地址已从节点上被移除,例如被 NetworkManager。种子 001(4.19 内核,NetworkManager 管理 flannel.1/cni0)故障时返回 `local 10.187.0.0 dev lo`,修复后返回 `broadcast 10.187.0.0 dev cni0`;路由顺序本身是否导致故障尚未确认(UNCONFIRMED),因此该情形为警告。',
    },
    remediation: [
      {
        description: { en: 'Restore flannel\'s addresses and routes: restart NetworkManager only after excluding the CNI devices (networkmanager-manages-cni), then restart flannel on this node', zh: '恢复 flannel 的地址和路由:先排除 CNI 设备(见 networkmanager-manages-cni)再重启 NetworkManager,然后重启本节点的 flannel' },
        commands: ['ip -4 addr show {dev}; ip -4 addr show {bridge}', 'kubectl -n kube-flannel delete pod --field-selector spec.nodeName="$(hostname)" -l app=flannel', 'ip route get {addr}'],
        undo: ['# nothing to undo: flannel re-creates the same addresses and routes from its subnet lease'],
      },
    ],
    // The handshakes a capture shows unacknowledged are what a misrouted address does to replies.
    outranks: ['handshake-synack-no-ack'],
    references: ['seeds/001_0a221eb4beabdda2.txt', 'Linux "ip: Treat IPv4 segment\'s lowest address as unicast" (5.14, UNCONFIRMED)', 'kb:known-failures.md#4'],
    unconfirmed: {
      en: 'Whether flannel.1\'s local route shadowing cni0\'s network broadcast route breaks traffic by itself (seed 001) is not proven; the 5.14 boundary (when the kernel stopped adding a broadcast route for a subnet\'s network address) is not verified; 6.18 was measured here.',
      zh: 'flannel.1 的 local 路由遮盖 cni0 的网络广播路由本身是否会中断流量(seed 001)尚未证实;5.14 这一分界(内核不再为子网的网络地址添加广播路由)未经验证;这里测量的是 6.18。',
    },
  },
  check(ctx) {
    const { facts } = ctx;
    const gets = facts.routeGets ?? [];
    const asked: string[] = [];
    const overlays = networkView(facts).vxlan.filter((d) => d.cniName).map((d) => d.link);
    for (const dev of overlays) {
      for (const a of inetAddresses(dev)) {
        const rg = gets.find((g) => g.target === a.address);
        if (!rg) continue;
        asked.push(a.address);
        const evidence: EvidenceLine[] = [{ source: rg.source, text: rg.line }, { source: dev.source, text: `inet ${a.address}/${a.prefixLen} scope global ${dev.name}` }];
        if (rg.type !== 'local' && rg.type !== 'broadcast') {
          ctx.report({ messageId: 'routedAway', data: { addr: a.address, dev: dev.name, answer: rg.line, bridge: 'cni0' }, evidence });
          continue;
        }
        if (rg.type !== 'local') continue;
        const bridge = (facts.links?.items ?? []).find(
          (l) => l.kind === 'bridge' && inetAddresses(l).some((b) => b.prefixLen < 31 && networkAddress(b.address, b.prefixLen) === a.address),
        );
        if (!bridge) continue;
        const brd = networkBroadcastRoute(facts, a.address, bridge.name);
        if (!brd) continue;
        const b = inetAddresses(bridge)[0];
        if (b) evidence.push({ source: bridge.source, text: `inet ${b.address}/${b.prefixLen} ${bridge.name}` });
        if (brd.line) evidence.push(brd.line);
        ctx.report({ messageId: 'shadowsBridge', severity: 'warning', data: { addr: a.address, dev: dev.name, answer: rg.line, bridge: bridge.name, how: brd.how }, evidence });
      }
    }
    if (asked.length === 0) {
      const devs = overlays.filter((d) => inetAddresses(d).length > 0);
      if (devs.length > 0) ctx.skip('noRouteGet', { addresses: devs.flatMap((d) => inetAddresses(d).map((a) => a.address)).join(', ') });
    }
  },
});
