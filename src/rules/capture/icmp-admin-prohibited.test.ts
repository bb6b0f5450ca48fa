import { RuleTester } from '../../engine/rule-tester.js';
import { icmpSummary } from '../../../test/fixtures/evidence/captures/load.js';
import rule from './icmp-admin-prohibited.js';

// test/pcap/icmp-netns.test.ts from real kernels: the router rejects TCP 81 with admin-prohibited.
const rejected = { kind: 'admin-prohibited' as const, version: 4 as const, type: 3, code: 13, reporter: '10.97.1.254', src: '10.97.1.1', dst: '10.97.2.1', proto: 6, dstPort: 81, count: 3 };

new RuleTester().run(rule, {
  valid: [{ name: 'a closed port is not a firewall', evidence: { captures: [icmpSummary([{ ...rejected, kind: 'port-unreachable', code: 3 }])] } }],
  invalid: [
    {
      name: 'a REJECT rule on the router refuses TCP 81',
      evidence: { captures: [icmpSummary([rejected])] },
      errors: [{
        messageId: 'errors', severity: 'error',
        message: '3 ICMP "administratively prohibited": a firewall rejects these packets: 10.97.1.1 -> 10.97.2.1 tcp/81 from 10.97.1.254 x3',
        commands: ['podpath doctor  # on 10.97.1.254: the packet filter rules'],
      }],
    },
  ],
});
