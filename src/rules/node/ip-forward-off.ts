// Forwarding off: a node that does not forward cannot pass pod traffic between cni0 and the overlay.
import { defineRule } from '../../engine/types.js';
import { ifaceSysctl, line, sysctlSource } from '../shared/kb-shared.js';
import { networkView } from '../../evidence/network-view.js';

export default defineRule({
  meta: {
    id: 'ip-forward-off',
    kind: 'node',
    title: { en: 'IPv4 forwarding is off', zh: 'IPv4 转发未开启' },
    severity: 'critical',
    needs: ['sysctls'],
    uses: ['links'],
    messages: {
      globalOff: {
        en: 'net.ipv4.ip_forward = {value}: this node does not route packets between pods and the overlay',
        zh: 'net.ipv4.ip_forward = {value}:本节点不在 Pod 与 overlay 之间转发报文',
      },
      ifaceOff: {
        en: '{name} = 0: forwarding is off on {iface}, so pod traffic through it is not routed',
        zh: '{name} = 0:{iface} 上的转发已关闭,经过它的 Pod 流量不会被路由',
      },
    },
    explanation: {
      en: 'Pod traffic to another node enters the host from cni0 (or a cali* veth) and leaves through the VXLAN device (flannel.1, vxlan.calico); the reverse on the receiver. Both hops are IP forwarding. With net.ipv4.ip_forward = 0 (often reset by a hardening baseline, a sysctl.d file, or a reboot that lost a runtime setting) the kernel drops these packets silently; pods on the same node still talk. A per-interface net.ipv4.conf.<iface>.forwarding = 0 on the overlay or bridge has the same effect for that interface.',
      zh: '跨节点的 Pod 流量从 cni0(或 cali* veth)进入主机,再从 VXLAN 设备(flannel.1、vxlan.calico)发出,接收端反之。两跳都是 IP 转发。net.ipv4.ip_forward = 0 时(常见原因:安全基线加固、sysctl.d 配置、重启后丢失了运行时设置),内核静默丢弃这些报文;同节点 Pod 仍可互通。overlay 或网桥接口上 net.ipv4.conf.<接口>.forwarding = 0 对该接口有同样效果。',
    },
    remediation: [
      {
        description: { en: 'Turn forwarding on now and keep it on after reboot', zh: '立即开启转发,并在重启后保持' },
        commands: [
          'sysctl -w net.ipv4.ip_forward=1',
          "echo 'net.ipv4.ip_forward = 1' > /etc/sysctl.d/90-podpath-ip-forward.conf",
          'grep -rn ip_forward /etc/sysctl.conf /etc/sysctl.d/  # a later file setting 0 wins: remove it',
        ],
        undo: ['sysctl -w net.ipv4.ip_forward=0', 'rm -f /etc/sysctl.d/90-podpath-ip-forward.conf'],
      },
    ],
    references: ['kb:known-failures.md#6 (forwarding off)', 'https://kubernetes.io/docs/setup/production-environment/container-runtimes/#prerequisite-ipv4-forwarding-optional'],
  },
  check(ctx) {
    const { facts } = ctx;
    const source = sysctlSource(facts);
    const value = facts.sysctls?.values['net.ipv4.ip_forward'];
    if (value !== undefined && value.trim() === '0') {
      ctx.report({ messageId: 'globalOff', data: { value: value.trim() }, evidence: [line(source, `net.ipv4.ip_forward = ${value.trim()}`)] });
      return;
    }
    const ifaces = new Set<string>(networkView(facts).vxlan.map((d) => d.name));
    for (const l of facts.links?.items ?? []) if (l.kind === 'bridge' && /^(cni|cbr)\d*$/.test(l.name)) ifaces.add(l.name);
    for (const iface of ifaces) {
      const s = ifaceSysctl(facts, 'ipv4', iface, 'forwarding');
      if (s && s.value.trim() === '0') ctx.report({ messageId: 'ifaceOff', data: { name: s.name, iface }, evidence: [line(source, `${s.name} = 0`)] });
    }
  },
});
