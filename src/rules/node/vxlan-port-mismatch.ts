// VXLAN port mismatch: a VXLAN device that sends to a UDP port its peers do not listen on
// (flannel 8472 unless net-conf says otherwise, Calico 4789) loses every encapsulated packet.
import { defineRule } from '../../engine/types.js';
import { line } from '../shared/kb-shared.js';
import { describeLink } from '../../evidence/links.js';
import { CALICO_VXLAN_PORT, KERNEL_VXLAN_PORT, cniVxlanPort, networkView } from '../../evidence/network-view.js';

export default defineRule({
  meta: {
    id: 'vxlan-port-mismatch',
    kind: 'node',
    title: { en: 'VXLAN device uses another UDP port than the CNI expects', zh: 'VXLAN 设备的 UDP 端口与 CNI 预期不一致' },
    severity: 'critical',
    needs: ['links'],
    uses: ['cni'],
    messages: {
      portDiffers: {
        en: '{vxlan} sends to UDP {actual}, but {cni} expects {expected} ({why}): peers listening on {expected} drop every encapsulated packet',
        zh: '{vxlan} 发往 UDP {actual},但 {cni} 预期 {expected}({why}):监听 {expected} 的对端会丢弃所有封装报文',
      },
    },
    reasons: {
      noVxlanDevice: { en: 'no VXLAN device among the links', zh: '接口中没有 VXLAN 设备' },
      noNetConf: { en: '{dev} uses dstport {port} and flannel\'s net-conf.json is not visible', zh: '{dev} 使用 dstport {port},且看不到 flannel 的 net-conf.json' },
    },
    explanation: {
      en: 'Every node must send VXLAN to the port the others listen on. flannel uses the kernel default 8472 unless net-conf.json sets Backend.Port; Calico and Canal use 4789 unless FelixConfiguration vxlanPort says otherwise. `ip -d link show` prints the device\'s `dstport`; iproute2 on old kernels (CentOS 7) prints `dstport 0` for a device created without a port, which means the kernel default 8472 (module parameter udp_port). A device left over from an earlier configuration, or a node whose net-conf differs, shows as a port other than the expected one. This rule compares one node with what its CNI configuration says; `podpath diff` compares the ports of two nodes directly.',
      zh: '每个节点都必须把 VXLAN 发往其他节点监听的端口。flannel 默认使用内核默认值 8472,除非 net-conf.json 设置了 Backend.Port;Calico 与 Canal 默认 4789,除非 FelixConfiguration 的 vxlanPort 另有设置。`ip -d link show` 会显示设备的 `dstport`;旧内核(CentOS 7)上的 iproute2 对未指定端口创建的设备显示 `dstport 0`,表示内核默认值 8472(模块参数 udp_port)。残留的旧配置设备、或 net-conf 与其他节点不同的节点,会表现为端口与预期不符。本规则比较本节点与其 CNI 配置;`podpath diff` 直接比较两个节点的端口。',
    },
    remediation: [
      {
        description: { en: 'Make the CNI configuration and the device agree: delete the stale device and let the CNI agent recreate it from its configuration', zh: '使 CNI 配置与设备一致:删除残留设备,由 CNI agent 按配置重建' },
        commands: [
          'ip -d link show {vxlan} > /tmp/podpath-{vxlan}.before.txt',
          'ip link delete {vxlan}',
          'kubectl -n kube-flannel delete pod -l app=flannel --field-selector spec.nodeName="$(hostname)"   # or calico-node on this node',
        ],
        undo: ['# the CNI agent recreates the device from its configuration; to return to the old port, restore the old configuration and restart the agent (the old settings are in /tmp/podpath-{vxlan}.before.txt)'],
      },
    ],
    references: ['kb:known-failures.md#6 (VXLAN port mismatch between nodes)', 'repo:flannel-io/flannel Documentation/backends.md (vxlan Port)', 'https://docs.tigera.io/calico/latest/reference/resources/felixconfig (vxlanPort)'],
    unconfirmed: {
      en: 'That `dstport 0` printed by old iproute2 means the kernel default 8472 is inferred from the kernel\'s udp_port module parameter; the Calico port is taken as 4789 unless FelixConfiguration (not visible on the node) changes it.',
      zh: '旧版 iproute2 打印的 `dstport 0` 表示内核默认端口 8472,这是从内核的 udp_port 模块参数推断的;Calico 的端口按 4789 计,除非 FelixConfiguration(在节点上看不到)修改了它。',
    },
  },
  check(ctx) {
    const { facts } = ctx;
    const cni = facts.cni;
    const overlays = networkView(facts).vxlan;
    if (overlays.length === 0) ctx.skip('noVxlanDevice');
    for (const { link: vx, dstport: port, port: sends, flavour } of overlays) {
      // Only a port the device shows is judged (dstport, or dstport 0: the kernel default).
      if (port === undefined) continue;
      const actual = sends.value;
      const evidence = [line(vx.source, describeLink(vx))];
      let expected: number;
      let why: string;
      let cniName: string = flavour;
      if (flavour === 'flannel') {
        const conf = cni?.flannelNetConf;
        const configured = cniVxlanPort(facts, 'flannel');
        if (!conf || !configured) {
          // Backend.Port may legitimately be anything: without net-conf.json only `podpath diff` can tell.
          if (actual !== KERNEL_VXLAN_PORT) ctx.skip('noNetConf', { dev: vx.name, port });
          continue;
        }
        expected = configured.value;
        why = configured.from === 'net-conf' ? 'net-conf.json Backend.Port' : `net-conf.json: default ${KERNEL_VXLAN_PORT}`;
        evidence.push(line(conf.source, `Backend.Type ${conf.backendType ?? '?'} Port ${conf.port ?? '(unset)'}`));
      } else if (flavour === 'calico') {
        expected = CALICO_VXLAN_PORT;
        why = `Calico vxlanPort default ${CALICO_VXLAN_PORT}`;
        cniName = cni?.plugin === 'canal' ? 'canal' : 'calico';
      } else {
        continue;
      }
      if (expected === actual) continue;
      const shown = port === 0 ? `${actual} (dstport 0)` : String(actual);
      ctx.report({ messageId: 'portDiffers', data: { vxlan: vx.name, actual: shown, expected, why, cni: cniName }, evidence });
    }
  },
});
