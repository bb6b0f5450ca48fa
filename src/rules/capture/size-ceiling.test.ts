import { RuleTester } from '../../engine/rule-tester.js';
import type { DecodedPacket } from '../../pcap/types.js';
import { layers, pkt, summaryOf } from '../../../test/fixtures/evidence/captures/load.js';
import rule from './size-ceiling.js';

/** A flow of `n` datagrams alternating `big` and 90 bytes (IP): the big ones hit the ceiling. */
function flow(n: number, big: number): DecodedPacket[] {
  return Array.from({ length: n }, (_, i) => pkt({ frame: i + 1, t: i, src: '172.22.1.199', dst: '172.16.1.194', sport: 50000 + i, len: i % 2 ? big : 90 }));
}

/** Pod traffic inside VXLAN capped at the overlay MTU (1450), the outer packets at 1500. */
function podFlow(): DecodedPacket[] {
  return Array.from({ length: 40 }, (_, i) => {
    const len = i % 2 ? 1450 : 90;
    return pkt({ frame: i + 1, t: i, src: '192.168.1.11', dst: '192.168.1.12', sport: 50000, dport: 4789, len: len + 50, inner: layers({ src: '10.244.1.5', dst: '10.244.2.7', sport: 40000, dport: 5000, len }) });
  });
}

new RuleTester().run(rule, {
  valid: [
    { name: 'a flow of fewer than 20 packets', evidence: { captures: [summaryOf(flow(19, 1500))] } },
    { name: 'a largest size that is no MTU edge', evidence: { captures: [summaryOf(flow(40, 1300))] } },
    { name: 'one packet at the edge among many smaller', evidence: { captures: [summaryOf([...flow(39, 1000), pkt({ frame: 40, t: 40, src: '172.22.1.199', dst: '172.16.1.194', len: 1500 })])] } },
  ],
  invalid: [
    {
      name: 'seed 003: UDP to 8472 never above 1500 bytes, half of it exactly 1500',
      evidence: { captures: [summaryOf(flow(40, 1500))] },
      errors: [{
        messageId: 'ceiling', severity: 'info', phrases: { scope: [], udpPayload: ['udpPayload'], innerNote: [] },
        message: '172.22.1.199 > 172.16.1.194 udp/8472: nothing above 1500 bytes (IP) ever appears, and 20 of 40 packets are exactly that size: something caps this flow at 1500 (MTU 1500, UDP payload 1472)',
        messageZh: '172.22.1.199 > 172.16.1.194 udp/8472：从未出现大于 1500 字节（IP）的报文，40 个中有 20 个正好是这个大小：有东西把该流限制在 1500 字节（MTU 1500，UDP 载荷 1472）',
        commands: ['podpath pcap diff sender.pcap test.pcap'],
      }],
    },
    {
      name: 'a pod flow at the overlay MTU inside the tunnel, and its outer flow at 1500',
      evidence: { captures: [summaryOf(podFlow())] },
      errors: [
        { messageId: 'ceiling', data: { max: 1500 }, message: /^192\.168\.1\.11 > 192\.168\.1\.12 udp\/4789: nothing above 1500 bytes/ },
        { messageId: 'ceiling', data: { max: 1450 }, phrases: { scope: ['inner'], innerNote: ['innerNote'] }, message: /^inner 10\.244\.1\.5 > 10\.244\.2\.7 udp\/5000: nothing above 1450 bytes \(IP\) ever appears/ },
      ],
    },
  ],
});
