// Seed 001, after NetworkManager was restarted: the routes to the other nodes' pod subnets through
// flannel.1 were gone (`route -n` shows only cni0's own /24) until flannel was restarted.
import type { EvidenceLine, Route } from '../../evidence/node-facts.js';
import { defineRule } from '../../engine/types.js';
import { cidrContains } from '../../util/ipv4.js';
import { networkView } from '../../evidence/network-view.js';

function viaOverlay(routes: Route[], dev: string): Route[] {
  return routes.filter((r) => r.dev === dev && r.table === 'main' && r.type === 'unicast' && r.dst !== 'default');
}

export default defineRule({
  meta: {
    id: 'peer-pod-routes-missing',
    kind: 'node',
    title: { en: 'Routes to other nodes\' pod subnets are missing', zh: '缺少到其他节点 Pod 网段的路由' },
    severity: 'error',
    needs: ['routes', 'links'],
    uses: ['cni', 'neighbours'],
    messages: {
      noPeerRoutes: {
        en: 'No route through {dev} to any other node\'s pod subnet in {network}: pods here cannot reach pods elsewhere. Unless this is the only node, flannel\'s routes were removed (seed 001: by NetworkManager) and flannel must be restarted to put them back.',
        zh: '没有任何经 {dev} 到 {network} 中其他节点 Pod 网段的路由:本节点的 Pod 无法访问其他节点的 Pod。除非这是唯一的节点,否则 flannel 的路由已被删除(种子 001:被 NetworkManager 删除),需要重启 flannel 恢复。',
      },
      missingForPeers: {
        en: '{dev} has neighbour entries for {missing} (other nodes\' VTEPs) but no route to their pod subnets: traffic to pods on those nodes has no path. flannel writes route, neighbour and fdb together; restart it on this node.',
        zh: '{dev} 有 {missing}(其他节点的 VTEP)的邻居表项,却没有到其 Pod 网段的路由:访问这些节点上 Pod 的流量无路可走。flannel 会同时写入路由、邻居和 fdb;请在本节点重启 flannel。',
      },
    },
    explanation: {
      en: 'flannel\'s VXLAN backend gives every other node a route `<pod subnet> via <its flannel.1 address> dev flannel.1 onlink`, a permanent neighbour entry (that address -> its VTEP MAC) and an fdb entry (that MAC -> its underlay IP). Without the route, the kernel sends pod traffic for other nodes to the default gateway or drops it. Routes through an interface disappear when its address is removed, which is what NetworkManager did in seed 001; flannel only rewrites them when its subnet watch fires or it restarts.',
      zh: 'flannel 的 VXLAN 后端为每个其他节点写入路由 `<Pod 网段> via <其 flannel.1 地址> dev flannel.1 onlink`、一条永久邻居表项(该地址 -> 其 VTEP MAC)和一条 fdb 表项(该 MAC -> 其底层 IP)。缺少路由时,内核会把发往其他节点 Pod 的流量交给默认网关或直接丢弃。接口地址被移除时,经过该接口的路由会一并消失,种子 001 中 NetworkManager 正是这样做的;flannel 只有在子网监听触发或重启时才会重写这些路由。',
    },
    remediation: [
      {
        description: { en: 'Restart flannel on this node so it writes the routes again (after excluding the CNI devices from NetworkManager)', zh: '重启本节点的 flannel 以重新写入路由(先在 NetworkManager 中排除 CNI 设备)' },
        commands: ['kubectl -n kube-flannel delete pod --field-selector spec.nodeName="$(hostname)" -l app=flannel  # kube-system in older installs', 'ip route show dev {dev}'],
        undo: ['# nothing to undo: the routes come from the cluster\'s subnet leases'],
      },
    ],
    references: ['seeds/001_0a221eb4beabdda2.txt', 'kb:known-failures.md#4'],
  },
  check(ctx) {
    const { facts } = ctx;
    const routes = facts.routes;
    if (!routes) return;
    const view = networkView(facts);
    // flannel's IPv4 devices: their peers are PERMANENT neighbour entries, one per peer subnet.
    const devs = view.vxlan.filter((d) => d.cniName && d.flavour === 'flannel' && d.family === 'inet').map((d) => d.link);
    const network = view.podNetwork?.cidr;
    for (const dev of devs) {
      const peers = viaOverlay(routes.items, dev.name);
      const neigh = (facts.neighbours?.items ?? []).filter((n) => n.dev === dev.name && n.lladdr && n.states.includes('PERMANENT'));
      const uncovered = neigh.filter((n) => !peers.some((r) => cidrContains(r.dst, n.address)));
      const devLine: EvidenceLine = { source: dev.source, text: `${dev.name}: ${dev.addresses.map((a) => `${a.address}/${a.prefixLen}`).join(' ')}` };
      if (uncovered.length > 0 && facts.neighbours) {
        ctx.report({
          messageId: 'missingForPeers',
          data: { dev: dev.name, missing: uncovered.map((n) => n.address).join(', '), network: network ?? '?' },
          evidence: [...uncovered.map((n) => ({ source: facts.neighbours?.source ?? 'ip neigh', text: n.line })), devLine],
        });
        continue;
      }
      if (peers.length === 0 && neigh.length === 0) {
        const shown = routes.items.filter((r) => r.table === 'main').slice(0, 10).map((r) => ({ source: routes.source, text: r.line }));
        const env = facts.cni?.flannelSubnetEnv;
        ctx.report({
          messageId: 'noPeerRoutes',
          data: { dev: dev.name, network: network ?? 'the pod network' },
          evidence: [devLine, ...(env?.network ? [{ source: env.source, text: `FLANNEL_NETWORK=${env.network}` }] : []), ...shown],
        });
      }
    }
  },
});
