import { RuleTester } from '../../engine/rule-tester.js';
import { icmpSummary } from '../../../test/fixtures/evidence/captures/load.js';
import rule from './icmp-port-unreachable.js';

// test/pcap/icmp-netns.test.ts from real kernels: nothing listens on UDP 9999 at 10.97.2.1.
const closed = { kind: 'port-unreachable' as const, version: 4 as const, type: 3, code: 3, reporter: '10.97.2.1', src: '10.97.1.1', dst: '10.97.2.1', proto: 17, dstPort: 9999, count: 3 };

new RuleTester().run(rule, {
  valid: [{ name: 'no ICMP error', evidence: { captures: [icmpSummary([])] } }],
  invalid: [
    {
      name: 'datagrams to a closed UDP port',
      evidence: { captures: [icmpSummary([closed])] },
      errors: [{
        messageId: 'errors', severity: 'warning',
        message: '3 ICMP "port unreachable": nothing listens on these ports (or a REJECT rule answers so): 10.97.1.1 -> 10.97.2.1 udp/9999 from 10.97.2.1 x3',
        messageZh: '3 个 ICMP “端口不可达”：这些端口上没有程序监听（或有 REJECT 规则这样应答）：10.97.1.1 -> 10.97.2.1 udp/9999，上报者 10.97.2.1 x3',
      }],
    },
  ],
});
