import { RuleTester } from '../../engine/rule-tester.js';
import { icmpSummary } from '../../../test/fixtures/evidence/captures/load.js';
import rule from './icmp-host-unreachable.js';

// test/pcap/icmp-netns.test.ts from real kernels: the router's ARP for a missing host fails.
const ghost = { kind: 'host-unreachable' as const, version: 4 as const, type: 3, code: 1, reporter: '10.97.1.254', src: '10.97.1.1', dst: '10.97.2.99', proto: 1, count: 2 };

new RuleTester().run(rule, {
  valid: [{ name: 'TTL running out is another rule', evidence: { captures: [icmpSummary([{ ...ghost, kind: 'time-exceeded', type: 11, code: 0 }])] } }],
  invalid: [
    {
      name: 'no neighbour answers for the destination',
      evidence: { captures: [icmpSummary([ghost])] },
      errors: [{ messageId: 'errors', severity: 'error', message: '2 ICMP "host / network unreachable": a hop has no way to these destinations: 10.97.1.1 -> 10.97.2.99 icmp from 10.97.1.254 x2' }],
    },
    {
      name: 'no route to the network, and an unreachable code of its own: said here too',
      evidence: { captures: [icmpSummary([{ ...ghost, kind: 'net-unreachable', code: 0, count: 1 }, { ...ghost, kind: 'unreachable', code: 6, dst: '10.97.3.1', count: 1 }])] },
      errors: [{ messageId: 'errors', data: { count: 2 }, phrases: { list: ['item', 'item'] } }],
    },
  ],
});
