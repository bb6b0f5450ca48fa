import { RuleTester } from '../../engine/rule-tester.js';
import { TCP_ACK, TCP_SYN } from '../../pcap/types.js';
import { pkt, recordedSummary, summaryOf } from '../../../test/fixtures/evidence/captures/load.js';
import rule from './handshake-slow.js';

const c = { src: '10.0.0.1', dst: '10.0.0.2', sport: 40000, dport: 80, proto: 'tcp' as const };
const s = { src: '10.0.0.2', dst: '10.0.0.1', sport: 80, dport: 40000, proto: 'tcp' as const };

new RuleTester().run(rule, {
  valid: [
    {
      name: 'a handshake completed at the first try',
      evidence: { captures: [summaryOf([pkt({ frame: 1, t: 0, ...c, flags: TCP_SYN, seq: 5 }), pkt({ frame: 2, t: 0.001, ...s, flags: TCP_SYN | TCP_ACK, seq: 9 }), pkt({ frame: 3, t: 0.002, ...c, flags: TCP_ACK, seq: 6, ack: 10 })])] },
    },
  ],
  invalid: [
    {
      name: 'seed 004 in namespaces: the pod\'s SYN retried 1, 2, 4, 8, 16, 32 s, completed after 65.6 s',
      evidence: { captures: [recordedSummary('syn-backoff-63s-server')] },
      errors: [{
        messageId: 'slowOne', severity: 'warning', phrases: { backoffCount: ['backoffCount'], badOuter: [] },
        message: "1 TCP handshake completed only after SYN retransmissions (1 with the kernel's exponential back-off); inner 10.244.0.1:44306 -> 10.244.0.2:8080: SYN x7, retries after 1, 2, 4.3, 8.2, 16, 34 s, SYN-ACK x1, exponential back-off, 66 s in all, completed after 65.6 s",
        messageZh: '1 个 TCP 握手在 SYN 重传之后才完成（1 个呈内核指数退避）；内层 10.244.0.1:44306 -> 10.244.0.2:8080：SYN 7 次，重传间隔 1, 2, 4.3, 8.2, 16, 34 秒，SYN-ACK 1 次，指数退避，共 66 秒，65.6 秒后完成',
      }],
    },
    {
      name: 'one retry, the first SYN carried in a packet with a bad outer checksum',
      evidence: {
        captures: [summaryOf([
          pkt({ frame: 1, t: 0, src: '192.168.0.1', dst: '192.168.0.2', dport: 4789, csum: { status: 'bad', got: 0xffff, expected: 1, cause: 'wire' }, inner: { ...pkt({ frame: 1, t: 0, ...c, flags: TCP_SYN, seq: 5 }) } }),
          pkt({ frame: 2, t: 1, src: '192.168.0.1', dst: '192.168.0.2', dport: 4789, inner: pkt({ frame: 2, t: 1, ...c, flags: TCP_SYN, seq: 5 }) }),
          pkt({ frame: 3, t: 1.01, src: '192.168.0.2', dst: '192.168.0.1', dport: 4789, inner: pkt({ frame: 3, t: 1.01, ...s, flags: TCP_SYN | TCP_ACK, seq: 9 }) }),
          pkt({ frame: 4, t: 1.02, src: '192.168.0.1', dst: '192.168.0.2', dport: 4789, inner: pkt({ frame: 4, t: 1.02, ...c, flags: TCP_ACK, seq: 6, ack: 10 }) }),
        ])],
      },
      errors: [{ messageId: 'slowOne', phrases: { backoffCount: [], badOuter: ['badOuter'], scope: ['inner'] }, message: /^1 TCP handshake completed only after SYN retransmissions; inner 10\.0\.0\.1:40000 -> 10\.0\.0\.2:80: SYN x2, retries after 1 s, SYN-ACK x1, completed after 1\.0 s; the retried SYNs of 1 were carried in packets with a bad outer checksum$/ }],
    },
  ],
});
