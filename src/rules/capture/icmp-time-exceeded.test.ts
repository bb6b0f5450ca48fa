import { RuleTester } from '../../engine/rule-tester.js';
import { icmpSummary } from '../../../test/fixtures/evidence/captures/load.js';
import rule from './icmp-time-exceeded.js';

// test/pcap/icmp-netns.test.ts from real kernels: a ping with TTL 1 runs out at the router.
const expired = { kind: 'time-exceeded' as const, version: 4 as const, type: 11, code: 0, reporter: '10.97.1.254', src: '10.97.1.1', dst: '10.97.2.1', proto: 1, count: 1 };

new RuleTester().run(rule, {
  valid: [{ name: 'no ICMP error', evidence: { captures: [icmpSummary([])] } }],
  invalid: [
    {
      name: 'a packet ran out of TTL at the router',
      evidence: { captures: [icmpSummary([expired])] },
      errors: [{
        messageId: 'errors', severity: 'warning',
        message: '1 ICMP "time exceeded": packets ran out of TTL on the way (a routing loop, unless a traceroute ran): 10.97.1.1 -> 10.97.2.1 icmp from 10.97.1.254 x1',
        messageZh: /^1 个 ICMP “超时”：报文在途中 TTL 耗尽/,
      }],
    },
  ],
});
