// A flow that keeps hitting the same ceiling at an MTU edge: nothing larger ever appears, and many
// packets are exactly that size. Something caps it: the path's MTU, the overlay's, or the sender.
import { defineRule } from '../../engine/types.js';
import type { FlowSizes } from '../../evidence/capture-summary.js';
import { captureFileArg, captureLine, captureLocation } from '../shared/capture.js';

/** IP lengths that are MTUs people meet: overlay (1450), UDP payload edge (1472), Ethernet, jumbo. */
const NOTABLE_EDGES = [1400, 1450, 1472, 1480, 1500, 8950, 9000];

/**
 * The packets of a flow at its largest size. Inside a tunnel the fields are taken from the second
 * IP layer (Wireshark >= 4.0's `#2`), so the outer header cannot satisfy them by itself.
 */
function sizeFilter(f: FlowSizes): string {
  const n = f.scope === 'inner' ? '#2' : '';
  const v6 = f.src.includes(':');
  // An inner IPv6 packet may sit in an outer IPv4 one: count the IPv6 layers alone then.
  const k = f.scope === 'inner' && v6 ? '' : n;
  return v6 ? `ipv6.src${k} == ${f.src} && ipv6.dst${k} == ${f.dst} && ipv6.plen${k} == ${f.maxIpLength - 40}` : `ip.src${n} == ${f.src} && ip.dst${n} == ${f.dst} && ip.len${n} == ${f.maxIpLength}`;
}

export default defineRule({
  meta: {
    id: 'size-ceiling',
    kind: 'capture',
    title: { en: 'A flow capped at an MTU-sized ceiling', zh: '流的报文大小被限制在 MTU 边界' },
    severity: 'info',
    needs: ['captures'],
    messages: {
      ceiling: {
        en: '{scope}{flow}: nothing above {max} bytes (IP) ever appears, and {atMax} of {packets} packets are exactly that size: something caps this flow at {max} (MTU {max}{udpPayload})',
        zh: '{scope}{flow}：从未出现大于 {max} 字节（IP）的报文，{packets} 个中有 {atMax} 个正好是这个大小：有东西把该流限制在 {max} 字节（MTU {max}{udpPayload}）',
      },
      inner: { en: 'inner ', zh: '内层 ' },
      udpPayload: { en: ', UDP payload {payload}', zh: '，UDP 载荷 {payload}' },
      detail: {
        en: 'If larger packets are sent and never arrive, compare with a capture on the sender (`podpath pcap diff`): a device dropping larger packets shows there as loss above this size.{innerNote}',
        zh: '若发送了更大的报文却始终收不到，请与发送端的抓包对比（`podpath pcap diff`）：丢弃大包的设备会表现为超过该大小的报文全部丢失。{innerNote}',
      },
      innerNote: {
        en: " Inside a tunnel, this is the overlay MTU at work (underlay MTU - 50 for VXLAN); in Wireshark, decode flannel's port as VXLAN for the filter to see the inner layer (-d udp.port==8472,vxlan).",
        zh: '在隧道内，这是 overlay MTU 的限制（VXLAN 为 underlay MTU - 50）；在 Wireshark 中需先把 flannel 的端口解码为 VXLAN，过滤器才能看到内层（-d udp.port==8472,vxlan）。',
      },
    },
    explanation: {
      en: 'Per flow podpath keeps the largest IP total length seen and how many packets had exactly that length. A flow of at least 20 packets whose largest size sits on an MTU edge (1400, 1450 = 1500 - 50 for VXLAN, 1472, 1480, 1500, 8950, 9000) and that reaches it again and again is being cut to that size: by the sender (its interface or the overlay MTU, TCP segmenting to the MSS) or by the path, which drops what is larger (seed 003: UDP above 1472 bytes of payload never crossed). On its own it is information: with a capture on the sender, `podpath pcap diff` shows whether larger packets were sent and lost.',
      zh: 'podpath 为每个流记录见到的最大 IP 总长度，以及恰好为该长度的报文数。一个至少 20 个报文的流，其最大长度落在 MTU 边界上（1400、1450 = VXLAN 的 1500 - 50、1472、1480、1500、8950、9000），并且反复达到这个长度，说明它被截到了该大小：可能是发送端（其接口或 overlay MTU，TCP 按 MSS 分段），也可能是路径丢弃了更大的报文（种子 003：UDP 载荷超过 1472 字节就过不去）。单独来看只是提示：有了发送端的抓包，`podpath pcap diff` 能说明是否发送过更大的报文并丢失了。',
    },
    remediation: [
      {
        description: { en: 'Find out whether larger packets are sent and lost: capture on the sender too and compare; compare the MTUs along the path', zh: '查明是否发送过更大的报文并丢失：在发送端同时抓包并对比；对比路径上的 MTU' },
        commands: ['tcpdump -i any -nn -w sender.pcap  # on the sending node, during the same traffic', 'podpath pcap diff sender.pcap {file}', 'ip -d link show  # MTUs of the NIC and the overlay device, on both nodes'],
        undo: ['rm -f sender.pcap'],
      },
    ],
    references: ['seeds/003_2b1b2eccaee5794d.txt', 'kb:known-failures.md#5 (MTU mismatch and size limits in the underlay)'],
  },
  check(ctx) {
    for (const sum of ctx.evidence.captures ?? []) {
      for (const f of sum.sizes.flows) {
        if (f.packets < 20 || !NOTABLE_EDGES.includes(f.maxIpLength)) continue;
        if (f.atMax < Math.max(3, f.packets * 0.05)) continue;
        const inner = f.scope === 'inner';
        ctx.report({
          commandData: { file: captureFileArg(sum) },
          messageId: 'ceiling',
          detailId: 'detail',
          data: { flow: f.flow, max: f.maxIpLength, atMax: f.atMax, packets: f.packets, file: sum.file },
          phrases: {
            scope: inner ? [{ id: 'inner' }] : [],
            udpPayload: f.proto === 'udp' ? [{ id: 'udpPayload', data: { payload: f.maxIpLength - 28 } }] : [],
            innerNote: inner ? [{ id: 'innerNote' }] : [],
          },
          evidence: [captureLine(sum.file, `${f.scope} ${f.flow}: ${f.packets} packets, largest ${f.maxIpLength} bytes (IP) x${f.atMax}, first in frame ${f.maxFrame}`)],
          location: captureLocation(sum.file, undefined, sizeFilter(f)),
        });
      }
    }
  },
});
