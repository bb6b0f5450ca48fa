import { RuleTester } from '../../engine/rule-tester.js';
import { TCP_SYN } from '../../pcap/types.js';
import { pkt, recordedSummary, summaryOf } from '../../../test/fixtures/evidence/captures/load.js';
import rule from './handshake-no-answer.js';

const syn = (frame: number, t: number, sport = 40000) => pkt({ frame, t, src: '10.0.0.1', dst: '10.0.0.2', proto: 'tcp', sport, dport: 80, flags: TCP_SYN, seq: 7 + sport });
/** Something else in the capture later on, so the SYNs' retries were due before it ended. */
const later = (frame: number, t: number) => pkt({ frame, t, src: '10.0.0.9', dst: '10.0.0.8', dport: 53 });

new RuleTester().run(rule, {
  valid: [
    { name: 'seed 004 in namespaces: answered in the end', evidence: { captures: [recordedSummary('syn-backoff-63s-server')] } },
    { name: 'one SYN at the end of the capture: its retry was not due yet', evidence: { captures: [summaryOf([later(1, 0), syn(2, 10)])] } },
  ],
  invalid: [
    {
      name: 'a SYN retried with the kernel\'s back-off, nothing answers',
      evidence: { captures: [summaryOf([syn(1, 0), syn(2, 1), syn(3, 3), syn(4, 7), syn(5, 15), later(6, 40)])] },
      errors: [{
        messageId: 'noAnswerOne', severity: 'error', phrases: { backoffSeen: ['backoffSeen'] },
        message: '1 TCP handshake never completed: SYN without any answer (kernel back-off 1, 2, 4, 8... s seen on 1); 10.0.0.1:40000 -> 10.0.0.2:80: SYN x5, retries after 1, 2, 4, 8 s, exponential back-off, 15 s in all',
        messageZh: '1 个 TCP 握手始终未完成：SYN 没有任何应答（其中 1 个呈内核 1、2、4、8... 秒退避）；10.0.0.1:40000 -> 10.0.0.2:80：SYN 5 次，重传间隔 1, 2, 4, 8 秒，指数退避，共 15 秒',
        commands: ['podpath pcap diff test.pcap server.pcap'],
      }],
    },
    {
      name: 'two connections retried steadily (no back-off): the first as the example',
      evidence: { captures: [summaryOf([syn(1, 0, 1), syn(2, 0.1, 2), syn(3, 1, 1), syn(4, 1.1, 2), syn(5, 2, 1), syn(6, 2.1, 2), later(7, 20)])] },
      errors: [{ messageId: 'noAnswer', data: { count: 2 }, phrases: { backoffSeen: [], more: ['more'] }, message: /^2 TCP handshakes never completed: SYN without any answer; 10\.0\.0\.1:1 -> 10\.0\.0\.2:80: SYN x3, retries after 1, 1 s \(and 1 more\)$/ }],
    },
  ],
});
