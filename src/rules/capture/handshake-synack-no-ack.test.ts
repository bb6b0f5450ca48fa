import { RuleTester } from '../../engine/rule-tester.js';
import { TCP_ACK, TCP_SYN } from '../../pcap/types.js';
import { pkt, recordedSummary, summaryOf } from '../../../test/fixtures/evidence/captures/load.js';
import rule from './handshake-synack-no-ack.js';

const c = { src: '10.187.0.0', dst: '10.187.1.24', sport: 45920, dport: 9153, proto: 'tcp' as const };
const s = { src: '10.187.1.24', dst: '10.187.0.0', sport: 9153, dport: 45920, proto: 'tcp' as const };
const syn = (frame: number, t: number) => pkt({ frame, t, ...c, flags: TCP_SYN, seq: 1103099580 });
const synAck = (frame: number, t: number) => pkt({ frame, t, ...s, flags: TCP_SYN | TCP_ACK, seq: 1670919335 });

new RuleTester().run(rule, {
  valid: [
    { name: 'seed 004 in namespaces: the handshake completed (late)', evidence: { captures: [recordedSummary('syn-backoff-63s-server')] } },
    { name: 'the capture ended right after the first SYN-ACK: too early to tell', evidence: { captures: [summaryOf([syn(1, 0), synAck(2, 0.001)])] } },
  ],
  invalid: [
    {
      name: 'seed 001 in namespaces: the server answers every SYN, no ACK ever comes',
      evidence: { captures: [recordedSummary('synack-no-ack-server')] },
      errors: [{
        messageId: 'synackNoAckOne', severity: 'error',
        message: /^1 TCP handshake never completed: the server answered with SYN-ACK but no ACK came back; inner 10\.244\.0\.1:\d+ -> 10\.244\.0\.2:9153: SYN x6, retries after 1, 1, 1, 1, 1 s, SYN-ACK x8$/,
        messageZh: /^1 个 TCP 握手始终未完成：服务端回了 SYN-ACK，但客户端的 ACK 始终没有回来；内层 10\.244\.0\.1:\d+ -> 10\.244\.0\.2:9153：SYN 6 次，重传间隔 1, 1, 1, 1, 1 秒，SYN-ACK 8 次$/,
        commands: ['ip route get 10.244.0.2  # on the client node: must not say local'],
      }],
    },
    {
      name: 'seed 001 as in its report: SYN x3, SYN-ACK x5 (outer)',
      evidence: { captures: [summaryOf([syn(1, 0), synAck(2, 0.001), synAck(3, 1), syn(4, 1.05), synAck(5, 1.051), synAck(6, 3), syn(7, 9.4), synAck(8, 9.401), pkt({ frame: 9, t: 30, src: '10.0.0.9', dst: '10.0.0.8', dport: 53 })])] },
      errors: [{ messageId: 'synackNoAckOne', phrases: { scope: [], more: [] }, message: /; 10\.187\.0\.0:45920 -> 10\.187\.1\.24:9153: SYN x3, retries after 1.1, 8.3 s, SYN-ACK x5$/, evidence: [/outer 10\.187\.0\.0:45920 -> 10\.187\.1\.24:9153 synack-no-ack/] }],
    },
  ],
});
