import { RuleTester } from '../../engine/rule-tester.js';
import { layers, pkt, recordedSummary, summaryOf } from '../../../test/fixtures/evidence/captures/load.js';
import { TCP_SYN } from '../../pcap/types.js';
import rule from './checksum-vxlan-ffff.js';

const inner = layers({ src: '166.166.104.10', dst: '166.166.166.168', proto: 'tcp', sport: 35632, dport: 8082, flags: TCP_SYN, len: 60 });
const ffff = (frame: number, src: string) => pkt({ frame, t: frame, src, dst: '10.10.72.10', dport: 4789, len: 110, inner, csum: { status: 'bad', got: 0xffff, expected: 0x3af0, cause: 'wire' } });

new RuleTester().run(rule, {
  valid: [
    { name: 'the lab at the receiver: NATed outer sums whose packets were answered (delivered)', evidence: { captures: [recordedSummary('vxlan-nat-answered')] } },
    { name: 'a VXLAN capture with right sums', evidence: { captures: [summaryOf([pkt({ frame: 1, t: 0, src: '10.10.72.11', dst: '10.10.72.10', dport: 4789, inner })])] } },
  ],
  invalid: [
    {
      name: 'the lab\'s vxlan-nat-checksum fault at the receiver: two 0xffff outer sums, dropped',
      evidence: { captures: [recordedSummary('vxlan-nat-checksum-receiver')] },
      errors: [{
        messageId: 'ffff', severity: 'error', data: { count: 2, srcs: '192.168.77.11', fixedIn: '5.7, 5.4.41, 4.19.123, 4.14.181' }, phrases: { unconfirmed: ['unconfirmedFix'] },
        message: '2 outer VXLAN UDP checksums are 0xffff and wrong (from 192.168.77.11): the kernel bug where a NATed VXLAN packet on a device with tx checksum offload gets a bad outer sum; the receiver drops it',
        commands: ['ethtool -K "${VXLAN_DEV:?set VXLAN_DEV to the VXLAN device: flannel.1 or vxlan.calico}" tx-checksum-ip-generic off'],
      }],
    },
    {
      name: 'seed 004: one SYN in a 0xffff packet; three senders named at most',
      evidence: { captures: [summaryOf([ffff(1, '10.10.72.11')]), summaryOf([ffff(1, '10.10.72.1'), ffff(2, '10.10.72.2'), ffff(3, '10.10.72.3'), ffff(4, '10.10.72.4')], 'b.pcap')] },
      errors: [
        { messageId: 'ffffOne', message: /^1 outer VXLAN UDP checksum is 0xffff and wrong \(from 10\.10\.72\.11\)/, messageZh: /^1 个外层 VXLAN UDP 校验和为 0xffff 且错误（来自 10\.10\.72\.11）/ },
        { messageId: 'ffff', data: { count: 4, srcs: '10.10.72.1, 10.10.72.2, 10.10.72.3' } },
      ],
    },
  ],
});
