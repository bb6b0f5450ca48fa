import { RuleTester } from '../../engine/rule-tester.js';
import { icmpSummary } from '../../../test/fixtures/evidence/captures/load.js';
import rule from './icmp-frag-needed.js';

// What test/pcap/icmp-netns.test.ts measures from real kernels: a router (10.97.1.254) whose link
// onwards has MTU 1400 answers a 1478-byte ping with DF set.
const fragNeeded = { kind: 'frag-needed' as const, version: 4 as const, type: 3, code: 4, reporter: '10.97.1.254', src: '10.97.1.1', dst: '10.97.2.1', proto: 1, mtu: 1400, count: 1 };

new RuleTester().run(rule, {
  valid: [
    { name: 'no ICMP error', evidence: { captures: [icmpSummary([])] } },
    { name: 'other ICMP errors only', evidence: { captures: [icmpSummary([{ ...fragNeeded, kind: 'port-unreachable', code: 3, mtu: undefined }])] } },
  ],
  invalid: [
    {
      name: 'a hop with a 1400-byte MTU refuses a 1478-byte packet with DF',
      evidence: { captures: [icmpSummary([fragNeeded])] },
      errors: [{
        messageId: 'errors', severity: 'error', phrases: { list: ['itemMtu'] },
        message: '1 ICMP "fragmentation needed" / "packet too big": a hop cannot forward packets this large: 10.97.1.1 -> 10.97.2.1 icmp from 10.97.1.254 (MTU 1400) x1',
        messageZh: '1 个 ICMP “需要分片”/“报文过大”：路径上某一跳转发不了这么大的报文：10.97.1.1 -> 10.97.2.1 icmp，上报者 10.97.1.254（MTU 1400） x1',
        evidence: ['ICMPv4 type 3 code 4 (frag-needed) from 10.97.1.254 quoting 10.97.1.1 -> 10.97.2.1 icmp, MTU 1400: x1'],
      }],
    },
    {
      name: 'five groups (ICMPv6 packet too big among them): three listed, and how many more',
      evidence: {
        captures: [icmpSummary([
          fragNeeded,
          { ...fragNeeded, src: '10.97.1.2', count: 2 },
          { ...fragNeeded, version: 6, type: 2, code: 0, reporter: 'fd00::1', src: 'fd00::2', dst: 'fd00::3', proto: 17, dstPort: 53, mtu: 1280 },
          { ...fragNeeded, src: '10.97.1.3' },
          { ...fragNeeded, src: '10.97.1.4' },
        ])],
      },
      errors: [{ messageId: 'errors', data: { count: 6 }, phrases: { list: ['itemMtu', 'itemMtu', 'itemMtu', 'andMore'] }, message: /; fd00::2 -> fd00::3 udp\/53 from fd00::1 \(MTU 1280\) x1; and 2 more$/, messageZh: /；另有 2 组$/ }],
    },
  ],
});
