import { RuleTester } from '../../engine/rule-tester.js';
import type { DecodedPacket } from '../../pcap/types.js';
import { pkt, recordedSummary, summaryOf } from '../../../test/fixtures/evidence/captures/load.js';
import rule from './checksum-wire.js';

const WIRE = { status: 'bad', got: 0x7a0d, expected: 0x4acd, cause: 'wire' } as const;

/** Seed 000: 10.0.0.1 sends every datagram with a wrong UDP sum, 10.0.0.2 right ones. */
function seed000(bad: number): DecodedPacket[] {
  const out: DecodedPacket[] = [];
  let frame = 1;
  for (let i = 0; i < 5; i++) {
    out.push(pkt({ frame: frame++, t: i, src: '10.0.0.1', dst: '10.0.0.3', csum: i < bad ? WIRE : undefined }));
    out.push(pkt({ frame: frame++, t: i, src: '10.0.0.2', dst: '10.0.0.3' }));
  }
  return out;
}

/** A packet whose IPv4 header sum is wrong too. */
function badHeader(p: DecodedPacket): DecodedPacket {
  return { ...p, ip: { ...p.ip!, headerChecksum: { status: 'bad', got: 0x1111, expected: 0x2222, cause: 'wire' } } };
}

new RuleTester().run(rule, {
  valid: [
    { name: 'every sum right', evidence: { captures: [summaryOf(seed000(0))] } },
    { name: 'seed 004 in namespaces, captured behind a veth: only offload and LCO artefacts', evidence: { captures: [recordedSummary('syn-backoff-63s-server')] } },
    { name: 'the lab at the receiver: bad-looking outer sums whose packets were answered', evidence: { captures: [recordedSummary('vxlan-nat-answered')] } },
    { name: 'the 0xffff sums of seed 004 are their own rule', evidence: { captures: [recordedSummary('vxlan-nat-checksum-receiver')] } },
  ],
  invalid: [
    {
      name: 'seed 000: one sender\'s datagrams all wrong, the other sender fine',
      evidence: { captures: [summaryOf(seed000(5))] },
      errors: [{
        messageId: 'wire', severity: 'error', data: { count: 5 }, phrases: { who: 'senderOne', clean: ['cleanOne'], ports: ['toPort'] },
        message: "5 outer UDP checksums to port 8472 are wrong on the wire: the receiver's kernel drops them (/proc/net/snmp Udp: InCsumErrors); seen from sender 10.0.0.1 only (1 other sender fine: 10.0.0.2); e.g. frame 1: 0x7a0d -> 0x4acd",
        messageZh: '5 个发往端口 8472 的外层 UDP校验和在线路上就是错的：接收端内核会丢弃它们（/proc/net/snmp Udp: InCsumErrors）；只来自发送方 10.0.0.1（另有 1 个发送方正常：10.0.0.2）；例如第 1 帧：0x7a0d -> 0x4acd',
        evidence: ['outer-udp wire: 5 from 10.0.0.1 to 10.0.0.3 port 8472; e.g. frame 1: 0x7a0d -> 0x4acd'],
        commands: ['podpath pcap diff sender.pcap test.pcap'],
      }],
    },
    {
      name: 'one wrong sum is said in the singular',
      evidence: { captures: [summaryOf(seed000(1))] },
      errors: [{ messageId: 'wireOne', message: /^1 outer UDP checksum to port 8472 is wrong on the wire: the receiver's kernel drops it/ }],
    },
    {
      name: 'the IPv4 header (no port) and UDP of several senders: one finding per layer',
      evidence: { captures: [summaryOf([badHeader(pkt({ frame: 1, t: 0, src: '10.0.0.1', dst: '10.0.0.3', csum: WIRE })), pkt({ frame: 2, t: 1, src: '10.0.0.4', dst: '10.0.0.3', csum: WIRE }), pkt({ frame: 3, t: 2, src: '10.0.0.4', dst: '10.0.0.3', dport: 53, csum: WIRE })])] },
      errors: [
        { messageId: 'wireOne', phrases: { layer: 'outerIpv4', ports: [], who: 'senderOne', clean: ['cleanOne'] }, message: /^1 outer IPv4 header checksum is wrong on the wire: .*\(\/proc\/net\/snmp Ip: InHdrErrors\); seen from sender 10\.0\.0\.1 only \(1 other sender fine: 10\.0\.0\.4\); e\.g\. frame 1: 0x1111 -> 0x2222$/ },
        { messageId: 'wire', phrases: { layer: 'outerL4', ports: ['toPorts'], who: 'senderMany', clean: [] }, message: /^3 outer UDP checksums to ports 8472, 53 are wrong on the wire: .*; from 2 senders: 10\.0\.0\.4 \(2\), 10\.0\.0\.1 \(1\); e\.g\. frame 1/ },
      ],
    },
  ],
  skipped: [{ name: 'no capture', evidence: {}, reason: 'no packet captures' }],
});
