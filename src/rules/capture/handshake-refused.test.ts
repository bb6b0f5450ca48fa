import { RuleTester } from '../../engine/rule-tester.js';
import { TCP_ACK, TCP_RST, TCP_SYN } from '../../pcap/types.js';
import { pkt, recordedSummary, summaryOf } from '../../../test/fixtures/evidence/captures/load.js';
import rule from './handshake-refused.js';

const refused = (frame: number, sport: number) => [
  pkt({ frame, t: frame, src: '10.0.0.1', dst: '10.0.0.2', proto: 'tcp', sport, dport: 81, flags: TCP_SYN, seq: 5 }),
  pkt({ frame: frame + 1, t: frame + 0.001, src: '10.0.0.2', dst: '10.0.0.1', proto: 'tcp', sport: 81, dport: sport, flags: TCP_RST | TCP_ACK, seq: 0, ack: 6 }),
];

new RuleTester().run(rule, {
  valid: [
    { name: 'seed 001 in namespaces: SYN-ACKs, not RSTs', evidence: { captures: [recordedSummary('synack-no-ack-server')] } },
  ],
  invalid: [
    {
      name: 'a SYN answered by RST',
      evidence: { captures: [summaryOf(refused(1, 40000))] },
      errors: [{
        messageId: 'refusedOne', severity: 'info',
        message: '1 TCP connection attempt was refused (RST to the SYN); 10.0.0.1:40000 -> 10.0.0.2:81: SYN x1',
        messageZh: '1 个 TCP 连接被拒绝（SYN 收到 RST）；10.0.0.1:40000 -> 10.0.0.2:81：SYN 1 次',
        commands: ['kubectl get services,endpointslices -A -o wide  # a Service for 10.0.0.2 without endpoints'],
      }],
    },
    {
      name: 'three of them',
      evidence: { captures: [summaryOf([...refused(1, 40000), ...refused(3, 40001), ...refused(5, 40002)])] },
      errors: [{ messageId: 'refused', data: { count: 3 }, message: /^3 TCP connection attempts were refused \(RST to the SYN\); 10\.0\.0\.1:40000 -> 10\.0\.0\.2:81: SYN x1 \(and 2 more\)$/ }],
    },
  ],
});
