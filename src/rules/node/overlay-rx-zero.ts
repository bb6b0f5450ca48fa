// Seed 000's first clue: `ip -s a s flannel.1` on the new nodes shows RX 0 while TX counts up.
import { defineRule } from '../../engine/types.js';
import { networkView } from '../../evidence/network-view.js';

export default defineRule({
  meta: {
    id: 'overlay-rx-zero',
    kind: 'node',
    title: { en: 'The overlay device sends but has never received', zh: 'overlay 设备只发不收' },
    severity: 'error',
    needs: ['links'],
    uses: ['netdev'],
    messages: {
      rxZero: {
        en: '{dev} has sent {txPackets} packets and received none: nothing from the other nodes arrives through the overlay. Either peers\' VXLAN datagrams never reach this node (UDP {port} blocked, wrong underlay address) or they arrive and are dropped (bad UDP checksum, see Udp InCsumErrors).',
        zh: '{dev} 已发送 {txPackets} 个报文,一个也没收到:其他节点经 overlay 发来的流量全都没有到达。要么对端的 VXLAN 报文根本没到本节点(UDP {port} 被拦截、底层地址错误),要么到了但被丢弃(UDP 校验和错误,见 Udp InCsumErrors)。',
      },
    },
    reasons: {
      noCounters: { en: 'no counters for {devices}', zh: '没有 {devices} 的计数' },
    },
    explanation: {
      en: 'On a working overlay every node both sends and receives on its VXLAN device (flannel.1, vxlan.calico): replies to its own traffic alone make RX grow. RX 0 with TX growing means the return direction is dead for every peer. In seed 000 the new nodes showed exactly this; the customer blamed a UDP firewall, but the cause was a kernel build whose UDP checksums were wrong, so receivers dropped every datagram. Check the peers\' Udp InCsumErrors, and capture UDP on the underlay of both ends.',
      zh: '正常的 overlay 上,每个节点的 VXLAN 设备(flannel.1、vxlan.calico)都有收有发:仅自身流量的回包就会让 RX 增长。TX 增长而 RX 为 0,说明所有对端的回程方向都不通。种子 000 中新节点正是如此;客户认为是 UDP 被防火墙拦截,实际原因是内核版本发出的 UDP 校验和错误,接收端丢弃了所有报文。检查对端的 Udp InCsumErrors,并在两端的底层网卡上抓 UDP 包。',
    },
    remediation: [
      {
        description: { en: 'Find where the datagrams die: capture the underlay on both ends while pinging a pod on the peer', zh: '找出报文在哪里丢失:ping 对端 Pod 的同时,在两端底层网卡抓包' },
        commands: ['tcpdump -nn -vv -i any udp port {port}  # on this node and on a peer at the same time', 'grep -A1 "^Udp:" /proc/net/snmp  # on the peer: InCsumErrors'],
        undo: ['# nothing to undo: read-only'],
      },
    ],
    references: ['seeds/000_694fb590af4e1503.txt'],
  },
  check(ctx) {
    const { facts } = ctx;
    // The CNI's own devices only (flannel.N, vxlan.calico): another VXLAN device may be idle on purpose.
    // A VXLAN device whose name an output cut short (`netstat -i` prints `flannel.`) is one of them too.
    const overlays = networkView(facts).vxlan.filter((d) => d.cniName).map((d) => ({ link: d.link, port: d.port.value as number | undefined }));
    const cut = (facts.links?.items ?? []).filter((l) => l.kind === 'vxlan' && /^flannel\.\d*$|^vxlan\./.test(l.name) && !overlays.some((o) => o.link === l));
    const all = [...overlays, ...cut.map((l) => ({ link: l, port: undefined }))];
    const devs = all.map((o) => o.link);
    for (const { link: dev, port } of all) {
      const stats = dev.stats ?? facts.netdev?.interfaces[dev.name];
      const source = dev.stats ? dev.source : facts.netdev?.source ?? dev.source;
      if (!stats) continue;
      if (stats.rxPackets === 0 && stats.txPackets > 0) {
        ctx.report({
          messageId: 'rxZero',
          data: { dev: dev.name, txPackets: stats.txPackets, port: port ?? dev.vxlan?.port ?? (dev.name.includes('calico') ? 4789 : 8472) },
          evidence: [{ source, text: stats.rxBytes !== undefined ? `${dev.name}: RX packets ${stats.rxPackets} bytes ${stats.rxBytes}; TX packets ${stats.txPackets} bytes ${stats.txBytes}` : `${dev.name}: RX-OK ${stats.rxPackets}, TX-OK ${stats.txPackets}, TX-DRP ${stats.txDropped}` }],
        });
      }
    }
    if (devs.length > 0 && devs.every((d) => !d.stats && !facts.netdev?.interfaces[d.name])) ctx.skip('noCounters', { devices: devs.map((d) => d.name).join(', ') });
  },
});
