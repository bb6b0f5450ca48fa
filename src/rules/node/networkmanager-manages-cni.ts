// Seed 001: NetworkManager manages flannel.1 / cni0 and rewrites their addresses and routes.
import type { EvidenceLine, NodeFacts } from '../../evidence/node-facts.js';
import { defineRule } from '../../engine/types.js';
import { globMatch } from '../../util/glob.js';

const CNI_DEVICE = /^(flannel[.-].+|cni\d+|cali[0-9a-f].*|vxlan\.calico|vxlan-v6\.calico|tunl\d+|wireguard\.cali|wg-v6\.cali|veth[0-9a-f]+)$/;

export const UNMANAGED_SPEC =
  'interface-name:cali*;interface-name:tunl*;interface-name:vxlan.calico;interface-name:vxlan-v6.calico;interface-name:wireguard.cali;interface-name:wg-v6.cali;interface-name:flannel*;interface-name:cni0;interface-name:veth*';

export { globMatch };

/** Whether NetworkManager's unmanaged-devices specs cover an interface (`interface-name:flannel*`, `interface-name:=cni0`). */
export function coveredBySpecs(name: string, specs: string[]): boolean {
  for (const spec of specs) {
    for (const raw of spec.split(/[;,]/)) {
      const item = raw.trim();
      const m = /^interface-name:(=|~)?(.+)$/.exec(item);
      if (!m || m[2] === undefined) continue;
      if (m[1] === '=' ? m[2] === name : globMatch(m[2], name)) return true;
    }
  }
  return false;
}

function cniLinkNames(facts: NodeFacts): string[] {
  return (facts.links?.items ?? []).map((l) => l.name).filter((n) => CNI_DEVICE.test(n));
}

export default defineRule({
  meta: {
    id: 'networkmanager-manages-cni',
    kind: 'node',
    title: { en: 'NetworkManager manages the CNI\'s interfaces', zh: 'NetworkManager 接管了 CNI 的网络接口' },
    severity: 'error',
    needs: ['networkManager'],
    uses: ['links', 'routeGets'],
    outranks: ['overlay-address-misrouted', 'peer-pod-routes-missing', 'handshake-synack-no-ack'],
    messages: {
      profile: {
        en: 'NetworkManager holds a connection profile on {devices} ({profiles}): it manages those interfaces and can rewrite their addresses and routes behind the CNI\'s back (seed 001)',
        zh: 'NetworkManager 在 {devices} 上有连接配置({profiles}):它管理这些接口,会绕过 CNI 改写其地址和路由(种子 001)',
      },
      activated: {
        en: 'NetworkManager took {devices} in hand (`{example}`): it starts a connection (DHCP) on interfaces the CNI created, and their routes are lost (calicoctl#256)',
        zh: 'NetworkManager 接管了 {devices}(`{example}`):它在 CNI 创建的接口上启动连接(DHCP),这些接口的路由随之丢失(calicoctl#256)',
      },
      routeChanged: {
        en: 'NetworkManager runs on this node, nothing shown excludes {devices} from it, and the route for {dev}\'s own address changed from `{before}` to `{after}`: NetworkManager rewriting the CNI\'s addresses and routes does exactly this (seed 001)',
        zh: 'NetworkManager 在本节点运行,没有任何配置把 {devices} 排除在外,而 {dev} 自身地址的路由从 `{before}` 变成了 `{after}`:NetworkManager 改写 CNI 的地址和路由正会如此(种子 001)',
      },
      managed: {
        en: 'NetworkManager manages {devices}: it can rewrite their addresses and routes behind the CNI\'s back (seed 001: flannel\'s routes vanished and the node lost the overlay).',
        zh: 'NetworkManager 正在管理 {devices}:它会绕过 CNI 改写这些接口的地址和路由(种子 001:flannel 的路由消失,节点 overlay 不通)。',
      },
      notExcluded: {
        en: 'NetworkManager is running and no unmanaged-devices setting covers {devices}: it may take them over and rewrite their addresses and routes (seed 001).',
        zh: 'NetworkManager 正在运行,且没有 unmanaged-devices 配置覆盖 {devices}:它可能接管这些接口并改写地址和路由(种子 001)。',
      },
    },
    reasons: {
      nmStateUnknown: { en: 'NetworkManager state unknown (no nmcli, no systemctl answer)', zh: 'NetworkManager 状态未知(没有 nmcli,systemctl 也没有回答)' },
      nothingToCompare: { en: 'no nmcli device list and no links to compare with unmanaged-devices', zh: '没有 nmcli 设备列表,也没有可与 unmanaged-devices 对比的接口' },
      configUnseen: { en: "NetworkManager runs, but its configuration is not in the transcript: whether it excludes {devices} is unknown", zh: 'NetworkManager 在运行,但文字记录中没有其配置:无法判断是否已排除 {devices}' },
    },
    explanation: {
      en: 'NetworkManager configures every interface it considers managed. CNI plugins create their own (flannel.1, cni0, cali*, vxlan.calico, tunl0, veth*) and program addresses and routes on them; when NetworkManager reacts to those interfaces it can remove or re-add addresses, and removing an address deletes the routes through it. In seed 001 (Kylin V10 arm64, flannel VXLAN) pods failed DNS; `ip route get 10.187.0.0` answered `local ... dev lo`, and after restarting NetworkManager the routes to the other nodes\' pod subnets through flannel.1 were gone until flannel was restarted. Calico\'s documentation asks for the same exclusion; on RHEL 8.4 nm-cloud-setup adds a routing table that interferes too (rancher/rke2#786).',
      zh: 'NetworkManager 会配置它认为受管的所有接口。CNI 插件会创建自己的接口(flannel.1、cni0、cali*、vxlan.calico、tunl0、veth*)并在其上设置地址和路由;NetworkManager 对这些接口做出反应时,可能删除或重新添加地址,而删除地址会连带删除经过它的路由。种子 001(麒麟 V10 arm64,flannel VXLAN)中 Pod DNS 解析失败;`ip route get 10.187.0.0` 返回 `local ... dev lo`,重启 NetworkManager 后,经 flannel.1 到其他节点 Pod 网段的路由全部消失,直到重启 flannel 才恢复。Calico 文档要求同样的排除配置;RHEL 8.4 上 nm-cloud-setup 添加的路由表也会造成干扰(rancher/rke2#786)。',
    },
    remediation: [
      {
        description: { en: 'Tell NetworkManager to leave the CNI\'s interfaces alone, then restart the CNI agent so it restores its routes', zh: '让 NetworkManager 不再管理 CNI 接口,然后重启 CNI 组件以恢复路由' },
        commands: [
          `printf '[keyfile]\\nunmanaged-devices=${UNMANAGED_SPEC}\\n' > /etc/NetworkManager/conf.d/podpath-cni.conf`,
          'systemctl reload NetworkManager',
          'nmcli -t device | grep -E "flannel|cni0|cali|vxlan|tunl|veth"  # each should say unmanaged',
          'kubectl -n kube-flannel delete pod --field-selector spec.nodeName="$(hostname)" -l app=flannel  # or calico-node',
        ],
        undo: ['rm -f /etc/NetworkManager/conf.d/podpath-cni.conf', 'systemctl reload NetworkManager'],
      },
    ],
    references: ['seeds/001_0a221eb4beabdda2.txt', 'man NetworkManager.conf (Device List Format: interface-name:GLOB, interface-name:=NAME)', 'gh:rancher/rke2#786', 'kb:known-failures.md#4'],
  },
  check(ctx) {
    const nm = ctx.facts.networkManager;
    if (!nm) return;
    if (nm.running === false) return;
    const specs = nm.unmanagedSpecs.map((s) => s.spec);
    const source = nm.sources[0] ?? 'nmcli -t device';
    const specLines: EvidenceLine[] = nm.unmanagedSpecs.map((s) => ({ source: s.source, text: `unmanaged-devices=${s.spec}` }));
    // Its own log: activating a connection on a CNI interface.
    const acts = (nm.activity ?? []).filter((a) => CNI_DEVICE.test(a.device));
    if (acts.length > 0) {
      ctx.report({ messageId: 'activated', data: { devices: [...new Set(acts.map((a) => a.device))].join(', '), example: acts[0]!.line }, evidence: acts.slice(0, 4).map((a) => ({ source: a.source, text: a.line })) });
      return;
    }
    if (nm.devices.length > 0) {
      // Every state shown counts: a later `unmanaged` (after a fix) does not hide an earlier `connecting`.
      const managed = nm.devices.filter((d) => CNI_DEVICE.test(d.device) && !/^unmanaged/.test(d.state));
      if (managed.length > 0) {
        ctx.report({
          messageId: 'managed',
          data: { devices: [...new Set(managed.map((d) => d.device))].join(', ') },
          evidence: [...managed.map((d) => ({ source: d.source ?? source, text: `${d.device}:${d.type}:${d.state}:${d.connection ?? ''}` })), ...specLines],
        });
        return;
      }
    }
    const profiles = (nm.connections ?? []).filter((c) => c.device !== undefined && CNI_DEVICE.test(c.device) && !coveredBySpecs(c.device, specs));
    if (profiles.length > 0) {
      ctx.report({
        messageId: 'profile',
        data: { devices: [...new Set(profiles.map((c) => c.device!))].join(', '), profiles: profiles.map((c) => `${c.name} (${c.type ?? '?'})`).join(', ') },
        evidence: profiles.map((c) => ({ source: c.source, text: `${c.name} ${c.uuid ?? ''} ${c.type ?? ''} ${c.device}`.replace(/\s+/g, ' ') })),
      });
      return;
    }
    if (nm.devices.length > 0) return;
    if (nm.running === undefined) return ctx.skip('nmStateUnknown');
    if (!ctx.facts.links) return ctx.skip('nothingToCompare');
    const uncovered = cniLinkNames(ctx.facts).filter((n) => !coveredBySpecs(n, specs));
    if (uncovered.length === 0) return;
    // The route to an overlay device's own address answered twice, differently (before and after a restart).
    for (const dev of (ctx.facts.links?.items ?? []).filter((l) => uncovered.includes(l.name))) {
      for (const a of dev.addresses.filter((x) => x.family === 'inet')) {
        const answers = (ctx.facts.routeGets ?? []).filter((g) => g.target === a.address);
        const changed = answers.find((g) => g.line !== answers[0]!.line);
        if (!changed) continue;
        ctx.report({
          messageId: 'routeChanged',
          data: { devices: uncovered.join(', '), dev: dev.name, before: answers[0]!.line, after: changed.line },
          evidence: [{ source, text: 'NetworkManager: active' }, { source: answers[0]!.source, text: answers[0]!.line }, { source: changed.source, text: changed.line }],
        });
        return;
      }
    }
    // A transcript shows only what was pasted: no configuration shown is not "no unmanaged-devices".
    if (ctx.facts.origin.kind === 'transcript' && nm.unmanagedSpecs.length === 0) return ctx.skip('configUnseen', { devices: uncovered.join(', ') });
    ctx.report({
      messageId: 'notExcluded',
      data: { devices: uncovered.join(', ') },
      evidence: [{ source, text: 'NetworkManager: active' }, ...uncovered.map((n) => ({ source: ctx.facts.links?.items.find((l) => l.name === n)?.source ?? 'ip link', text: `${n}: present` })), ...(specLines.length > 0 ? specLines : [{ source: '/etc/NetworkManager/conf.d', text: 'no unmanaged-devices setting' }])],
    });
  },
});
