// systemd-networkd takes the CNI's interfaces in hand: a .network file whose [Match] takes cali*/
// veth*/flannel*/cni0 runs DHCP on them and removes the routes the CNI set (calico#2471), and a
// .link file's MACAddressPolicy gives flannel.1 a new MAC after flannel published the old one
// (flannel#1155). The networkd twin of networkmanager-manages-cni.
import { fragment } from '../../engine/shell-fill.js';
import { defineRule } from '../../engine/types.js';
import type { EvidenceLine, NodeFacts } from '../../evidence/node-facts.js';
import { globMatch } from '../../util/glob.js';
import { CNI_DEVICE, CNI_SAMPLES, cniDevicesSeen } from '../shared/cni-devices.js';
import { isCniVxlanName as isOverlayName } from '../../evidence/network-view.js';
import { vtepMismatches } from '../shared/vtep.js';

type UnitFile = NonNullable<NodeFacts['networkd']>['files'][number];

/** [Match] keys that restrict a file to some links; a [Match] with none of them takes every link. */
const RESTRICTING = ['Name', 'OriginalName', 'MACAddress', 'PermanentMACAddress', 'Driver', 'Type', 'Path', 'Property', 'Kind'];
const UNMANAGED = 'Name=cali* veth* flannel* cni* vxlan.calico vxlan-v6.calico tunl* wireguard.cali';

/** Whether a unit file's [Match] takes `name` (a link of the given kind, when known). */
export function unitMatches(file: UnitFile, name: string, kind?: string): boolean {
  const match = file.sections.Match ?? {};
  const globs = [...(match.Name ?? []), ...(match.OriginalName ?? [])].flatMap((v) => v.split(/\s+/)).filter((g) => g !== '');
  if (globs.length > 0) {
    const negate = globs[0]!.startsWith('!');
    const hit = globs.some((g) => globMatch(g.replace(/^!/, ''), name));
    if (negate ? hit : !hit) return false;
  }
  const drivers = (match.Driver ?? []).flatMap((v) => v.split(/\s+/));
  // CNI links are veth, vxlan, bridge, ipip: a Driver= of a NIC driver (vmxnet3) leaves them alone.
  if (drivers.length > 0 && !drivers.some((d) => globMatch(d.replace(/^!/, ''), kind === 'veth' || /^(cali|veth)/.test(name) ? 'veth' : /^(flannel|vxlan)/.test(name) ? 'vxlan' : 'bridge'))) return false;
  const types = (match.Type ?? []).flatMap((v) => v.split(/\s+/));
  if (types.length > 0 && !types.includes('ether')) return false;
  return globs.length > 0 || !RESTRICTING.some((k) => match[k] !== undefined);
}

function fileLines(f: UnitFile, keys: [string, string][]): EvidenceLine[] {
  const out: EvidenceLine[] = [];
  for (const [section, key] of keys) for (const v of f.sections[section]?.[key] ?? []) out.push({ source: f.source, text: `[${section}] ${key}=${v}` });
  return out;
}

export default defineRule({
  meta: {
    id: 'networkd-manages-cni',
    kind: 'node',
    title: { en: "systemd-networkd manages the CNI's interfaces", zh: 'systemd-networkd 接管了 CNI 的网络接口' },
    severity: 'error',
    needs: ['networkd'],
    uses: ['links', 'neighbours', 'overlayPeers'],
    outranks: ['stale-vtep-fdb', 'peer-pod-routes-missing'],
    messages: {
      managed: {
        en: 'systemd-networkd configures {devices} ({setup}{file}): it runs DHCP and route clean-up on interfaces the CNI set up, and removes the routes it made for its pods (calico#2471)',
        zh: 'systemd-networkd 正在配置 {devices}({setup}{file}):它在 CNI 建立的接口上运行 DHCP 并清理路由,删掉 CNI 为 Pod 设置的路由(calico#2471)',
      },
      fileMatches: {
        en: '{file} matches {devices} ([Match] {match}) and configures them ({network}): systemd-networkd will run DHCP on new CNI interfaces and delete the routes the CNI set (calico#2471)',
        zh: '{file} 匹配到 {devices}([Match] {match})并会配置它们({network}):systemd-networkd 会在新建的 CNI 接口上运行 DHCP,并删除 CNI 设置的路由(calico#2471)',
      },
      macPolicy: {
        en: '{file} sets MACAddressPolicy={policy} for new virtual links, {devices} included: udev may give the VXLAN device a MAC of its own after the CNI created it and published its MAC, and peers keep sending to the old one (flannel#1155)',
        zh: '{file} 为新建的虚拟接口设置了 MACAddressPolicy={policy},{devices} 也在其中:CNI 创建 VXLAN 设备并发布其 MAC 之后,udev 可能又给它换了 MAC,对端仍发往旧的 MAC(flannel#1155)',
      },
      macPolicySeen: {
        en: '{file} sets MACAddressPolicy={policy} for new virtual links, {devices} included, and it happened: {devices} has {deviceMac} while the other nodes use {otherMac} for it. udev gave the VXLAN device a MAC of its own after the CNI published the old one, so peers send this node\'s overlay traffic to a MAC it no longer has (flannel#1155)',
        zh: '{file} 为新建的虚拟接口设置了 MACAddressPolicy={policy},{devices} 也在其中,而且已经发生:{devices} 的 MAC 是 {deviceMac},其他节点却用 {otherMac}。CNI 发布旧 MAC 之后 udev 又给 VXLAN 设备换了 MAC,对端把发往本节点的 overlay 流量发到一个已不存在的 MAC(flannel#1155)',
      },
    },
    explanation: {
      en: 'systemd-networkd configures every link some .network file matches: a [Match] section with only Virtualization=, Host= or Architecture= (as in a VMware template\'s 10-vmware.network) takes every veth the CNI creates, runs DHCP on it and, by default, removes the routes it did not set itself: new pods lose their routes for a while (calico#2471, "cali* interfaces are unmanaged and routes are no longer deleted" once Driver=vmxnet3 was added to the match). `networkctl` shows it: SETUP configuring/configured instead of unmanaged for cali*, veth*, flannel.1, cni0. systemd >= 242 also ships 99-default.link with MACAddressPolicy=persistent: udev then assigns every new virtual link a MAC derived from its name, after flannel created flannel.1 and published its MAC as VtepMAC; the peers program the published MAC and traffic to this node is lost until flannel restarts (flannel#1155, fixed in flannel by setting the MAC itself; Flatcar ships 50-flannel.link with MACAddressPolicy=none).',
      zh: 'systemd-networkd 会配置所有被某个 .network 文件匹配到的接口:[Match] 段只有 Virtualization=、Host= 或 Architecture= 时(例如 VMware 模板中的 10-vmware.network),CNI 创建的每个 veth 都会被匹配,networkd 在其上运行 DHCP,并默认删除不是它自己设置的路由:新 Pod 会暂时失去路由(calico#2471,在 match 中加上 Driver=vmxnet3 后 "cali* 接口不再受管,路由也不再被删除")。`networkctl` 可以看出来:cali*、veth*、flannel.1、cni0 的 SETUP 是 configuring/configured 而不是 unmanaged。systemd >= 242 还自带 MACAddressPolicy=persistent 的 99-default.link:udev 会在 flannel 创建 flannel.1 并把其 MAC 发布为 VtepMAC 之后,再给每个新虚拟接口分配一个由名字派生的 MAC;对端按发布的 MAC 编程,发往本节点的流量在 flannel 重启前全部丢失(flannel#1155,flannel 之后改为自己设置 MAC;Flatcar 自带 MACAddressPolicy=none 的 50-flannel.link)。',
    },
    remediation: [
      {
        description: { en: "Tell systemd-networkd to leave the CNI's interfaces alone (a file that sorts first and matches them), then reload it", zh: '让 systemd-networkd 不再管理 CNI 接口(一个排在最前、匹配这些接口的文件),然后重新加载' },
        commands: [
          `printf '[Match]\\n${UNMANAGED}\\n\\n[Link]\\nUnmanaged=yes\\n' > /etc/systemd/network/00-podpath-cni-unmanaged.network`,
          'networkctl reload || systemctl restart systemd-networkd',
          'networkctl list  # the CNI interfaces should say unmanaged',
        ],
        undo: ['rm -f /etc/systemd/network/00-podpath-cni-unmanaged.network', 'networkctl reload || systemctl restart systemd-networkd'],
      },
      {
        description: { en: "Keep udev from giving the CNI's VXLAN devices a MAC of its own, then restart the CNI agent so it recreates them", zh: '不让 udev 给 CNI 的 VXLAN 设备另配 MAC,然后重启 CNI 组件使其重建设备' },
        commands: [
          "printf '[Match]\\nOriginalName=flannel* vxlan.calico vxlan-v6.calico\\n\\n[Link]\\nMACAddressPolicy=none\\n' > /etc/systemd/network/50-podpath-cni.link",
          '{restart}',
        ],
        undo: ['rm -f /etc/systemd/network/50-podpath-cni.link', '{restart}'],
      },
    ],
    references: ['gh:projectcalico/calico#2471', 'gh:flannel-io/flannel#1155', 'gh:flannel-io/flannel#1485', 'man systemd.network ([Match], [Link] Unmanaged=)', 'man systemd.link (MACAddressPolicy=)'],
  },
  check(ctx) {
    const nd = ctx.facts.networkd;
    if (!nd) return;
    const restart = fragment('kubectl -n kube-flannel delete pod -l app=flannel --field-selector spec.nodeName="$(hostname)"  # or the calico-node pod');
    const seen = cniDevicesSeen(ctx.facts);
    // networkctl says so: a CNI link networkd configures.
    const managed = nd.links.filter((l) => CNI_DEVICE.test(l.name) && l.setup !== undefined && !/^(unmanaged|linger)$/.test(l.setup));
    if (managed.length > 0) {
      const file = managed.find((l) => l.networkFile)?.networkFile;
      ctx.report({
        messageId: 'managed',
        data: { devices: [...new Set(managed.map((l) => l.name))].join(', '), setup: [...new Set(managed.map((l) => l.setup))].join(', '), file: file ? `, ${file}` : '' },
        commandData: { restart },
        evidence: managed.slice(0, 6).map((l) => ({ source: l.source, text: `${l.name}: ${l.type ?? ''} ${l.operational ?? ''} (${l.setup})${l.networkFile ? ` Network File: ${l.networkFile}` : ''}`.replace(/\s+/g, ' ') })),
      });
    }
    // A .network file that would take them (when networkctl did not already say so).
    for (const f of nd.files) {
      if (f.kind !== 'network' || managed.length > 0) continue;
      const unmanaged = (f.sections.Link?.Unmanaged ?? []).some((v) => /^(yes|true|1|on)$/i.test(v));
      if (unmanaged) continue;
      const names = (seen.length > 0 ? seen : CNI_SAMPLES).filter((n) => unitMatches(f, n));
      if (names.length === 0) continue;
      const net = f.sections.Network ?? {};
      const dhcp = (net.DHCP ?? []).find((v) => !/^(no|false|0|off)$/i.test(v));
      const configures = [dhcp ? `DHCP=${dhcp}` : undefined, ...(net.Address ?? []).slice(0, 1).map((a) => `Address=${a}`)].filter((x): x is string => x !== undefined);
      if (configures.length === 0) continue;
      const match = Object.entries(f.sections.Match ?? {}).map(([k, v]) => `${k}=${v.join(' ')}`).join(' ') || '(empty)';
      ctx.report({
        messageId: 'fileMatches',
        data: { file: f.path ?? '(a .network file)', devices: seen.length > 0 ? names.join(', ') : 'cali*, veth*, flannel*, cni0', match, network: configures.join(', ') },
        commandData: { restart },
        evidence: [...fileLines(f, Object.keys(f.sections.Match ?? {}).map((k) => ['Match', k] as [string, string])), ...fileLines(f, [['Network', 'DHCP'], ['Network', 'Address']])],
      });
    }
    // A .link MAC policy that takes the VXLAN device, with no earlier .link keeping its MAC.
    const overlays = (ctx.facts.links?.items ?? []).filter((l) => isOverlayName(l.name) || l.kind === 'vxlan').map((l) => l.name);
    const targets = overlays.length > 0 ? overlays : ['flannel.1', 'vxlan.calico'];
    const links = nd.files.filter((f) => f.kind === 'link').sort((a, b) => (a.path ?? '').localeCompare(b.path ?? ''));
    for (const dev of targets) {
      // udev applies the first .link (in file-name order) whose [Match] takes the link.
      const first = links.find((f) => unitMatches(f, dev, 'vxlan') || Object.keys(f.sections.Match ?? {}).length === 0);
      const policy = first?.sections.Link?.MACAddressPolicy?.[0];
      if (!first || !policy || !/^(persistent|random)$/.test(policy)) continue;
      const mismatch = vtepMismatches(ctx.facts).find((m) => m.dev === dev);
      ctx.report({
        messageId: mismatch ? 'macPolicySeen' : 'macPolicy',
        severity: mismatch ? 'error' : overlays.length > 0 ? 'warning' : 'info',
        data: { file: first.path ?? '(a .link file)', policy, devices: dev, ...(mismatch ? { deviceMac: mismatch.deviceMac, otherMac: mismatch.otherMac } : {}) },
        commandData: { restart },
        evidence: [...fileLines(first, [['Link', 'MACAddressPolicy']]), ...(mismatch?.evidence ?? [])],
      });
      break;
    }
  },
});
