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
    uses: ['links'],
    messages: {
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
    if (nm.devices.length > 0) {
      const managed = nm.devices.filter((d) => CNI_DEVICE.test(d.device) && !/^unmanaged/.test(d.state));
      if (managed.length === 0) return;
      ctx.report({
        messageId: 'managed',
        data: { devices: managed.map((d) => d.device).join(', ') },
        evidence: [...managed.map((d) => ({ source, text: `${d.device}:${d.type}:${d.state}:${d.connection ?? ''}` })), ...specLines],
      });
      return;
    }
    if (nm.running === undefined) return ctx.skip('nmStateUnknown');
    if (!ctx.facts.links) return ctx.skip('nothingToCompare');
    const uncovered = cniLinkNames(ctx.facts).filter((n) => !coveredBySpecs(n, specs));
    if (uncovered.length === 0) return;
    ctx.report({
      messageId: 'notExcluded',
      data: { devices: uncovered.join(', ') },
      evidence: [{ source, text: 'NetworkManager: active' }, ...uncovered.map((n) => ({ source: ctx.facts.links?.items.find((l) => l.name === n)?.source ?? 'ip link', text: `${n}: present` })), ...(specLines.length > 0 ? specLines : [{ source: '/etc/NetworkManager/conf.d', text: 'no unmanaged-devices setting' }])],
    });
  },
});
