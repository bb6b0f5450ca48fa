import { RuleTester } from '../../engine/rule-tester.js';
import { pkt, recordedSummary, summaryOf } from '../../../test/fixtures/evidence/captures/load.js';
import rule from './checksum-unknown.js';

const UNKNOWN = { status: 'bad', got: 1, expected: 2, cause: 'unknown' } as const;
const WIRE = { status: 'bad', got: 1, expected: 2, cause: 'wire' } as const;

new RuleTester().run(rule, {
  valid: [
    { name: 'every sum right', evidence: { captures: [summaryOf([pkt({ frame: 1, t: 0, src: '10.0.0.1', dst: '10.0.0.3' })])] } },
    { name: 'wire errors are their own rule', evidence: { captures: [summaryOf([pkt({ frame: 1, t: 0, src: '10.0.0.1', dst: '10.0.0.3', csum: WIRE })])] } },
    { name: 'offload and LCO artefacts only (seed 004 in namespaces)', evidence: { captures: [recordedSummary('syn-backoff-63s-server')] } },
  ],
  invalid: [
    {
      name: 'a sum no pattern explains',
      evidence: { captures: [summaryOf([pkt({ frame: 1, t: 0, src: '10.0.0.1', dst: '10.0.0.3', csum: UNKNOWN }), pkt({ frame: 2, t: 1, src: '10.0.0.2', dst: '10.0.0.3' })])] },
      errors: [{
        messageId: 'unknownOne', severity: 'warning',
        message: '1 outer UDP checksum to port 8472 is wrong, and no offload pattern explains it; seen from sender 10.0.0.1 only (1 other sender fine: 10.0.0.2); e.g. frame 1: 0x0001 -> 0x0002',
        messageZh: '1 个发往端口 8472 的外层 UDP校验和是错的，且不符合任何卸载模式；只来自发送方 10.0.0.1（另有 1 个发送方正常：10.0.0.2）；例如第 1 帧：0x0001 -> 0x0002',
        commands: ['podpath pcap diff test.pcap receiver.pcap'],
      }],
    },
    {
      name: 'several, from two senders, to two ports',
      evidence: { captures: [summaryOf([1, 2, 3].map((i) => pkt({ frame: i, t: i, src: i < 3 ? '10.0.0.1' : '10.0.0.5', dst: '10.0.0.3', dport: i === 2 ? 53 : 8472, csum: UNKNOWN })))] },
      errors: [{ messageId: 'unknown', data: { count: 3 }, phrases: { who: 'senderMany', ports: ['toPorts'], clean: [] }, message: /^3 outer UDP checksums to ports 8472, 53 are wrong.*from 2 senders: 10\.0\.0\.1 \(2\), 10\.0\.0\.5 \(1\)/ }],
    },
  ],
});
