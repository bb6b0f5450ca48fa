import { RuleTester } from '../../engine/rule-tester.js';
import type { ChecksumVerdict, DecodedPacket } from '../../pcap/types.js';
import { layers, pkt, recordedSummary, summaryOf } from '../../../test/fixtures/evidence/captures/load.js';
import rule from './checksum-artefacts.js';

const WIRE: ChecksumVerdict = { status: 'bad', got: 0x1234, expected: 0x4321, cause: 'wire' };
const OFFLOAD: ChecksumVerdict = { status: 'bad', got: 0x0101, expected: 0x4321, cause: 'offload' };
const LCO: ChecksumVerdict = { status: 'bad', got: 0x0202, expected: 0x4321, cause: 'lco' };

/** A pod's DNS query in VXLAN with a bad-looking outer sum, and the answer right after it. */
function answeredQuery(frame: number): DecodedPacket[] {
  const q = pkt({ frame, t: frame, src: '192.168.77.11', dst: '192.168.77.12', sport: 40000, dport: 8472, csum: WIRE, inner: layers({ src: '10.244.1.0', dst: '10.244.2.2', sport: 5000, dport: 53 }) });
  const a = pkt({ frame: frame + 1, t: frame + 0.01, src: '192.168.77.12', dst: '192.168.77.11', sport: 40001, dport: 8472, inner: layers({ src: '10.244.2.2', dst: '10.244.1.0', sport: 53, dport: 5000 }) });
  return [q, a];
}
/** A wire error from another sender, so the capture has more than artefacts. */
const wireError = (frame: number) => pkt({ frame, t: frame, src: '10.0.0.9', dst: '10.0.0.3', dport: 53, csum: WIRE });

new RuleTester().run(rule, {
  valid: [
    { name: 'every sum right', evidence: { captures: [summaryOf([pkt({ frame: 1, t: 0, src: '10.0.0.1', dst: '10.0.0.3' })])] } },
    { name: 'only wire errors: nothing to call an artefact', evidence: { captures: [summaryOf([wireError(1)])] } },
  ],
  invalid: [
    {
      name: 'seed 004 in namespaces, captured behind a veth: all 47 bad sums are artefacts',
      evidence: { captures: [recordedSummary('syn-backoff-63s-server')] },
      errors: [{
        messageId: 'artefactsOnly', severity: 'info', phrases: { someAnswered: [], orAnswered: [] },
        message: 'all 47 bad checksums are offload artefacts: this capture was taken on the sending host (or behind a veth), they prove nothing',
        messageZh: '全部 47 个错误校验和都是卸载造成的假象：此抓包在发送端（或 veth 之后）抓取，说明不了问题',
      }],
    },
    {
      name: 'the lab at the receiver: NATed outer sums of node-to-Service traffic, every packet answered',
      evidence: { captures: [recordedSummary('vxlan-nat-answered')] },
      errors: [{
        messageId: 'artefactsOnly', phrases: { someAnswered: ['someAnswered'], orAnswered: ['orAnswered'] },
        message: 'all 25 bad checksums are offload artefacts (7 on packets that were answered, so the receiver took them): this capture was taken on the sending host (or behind a veth), they prove nothing',
        messageZh: /其中 7 个所在的报文得到了应答/,
      }],
    },
    {
      name: 'beside a wire error: an answered query, tx offload and LCO artefacts, each said',
      evidence: {
        captures: [summaryOf([
          wireError(1),
          ...answeredQuery(2),
          pkt({ frame: 4, t: 4, src: '10.0.0.1', dst: '10.0.0.3', dport: 53, csum: OFFLOAD }),
          pkt({ frame: 5, t: 5, src: '10.0.0.1', dst: '10.0.0.3', dport: 53, csum: OFFLOAD }),
          pkt({ frame: 6, t: 6, src: '10.0.0.2', dst: '10.0.0.3', dport: 4789, csum: LCO }),
        ])],
      },
      errors: [
        { messageId: 'answeredOne', phrases: { who: 'senderOne' }, message: /^1 outer UDP checksum to port 8472 looks wrong, yet the packet was answered .*: an offload artefact, not a wire error; seen from sender 192\.168\.77\.11 only .*; e\.g\. frame 2: 0x1234 -> 0x4321$/ },
        { messageId: 'offload', data: { count: 2 }, message: /^2 outer UDP checksums to port 53 are tx offload artefacts, seen from sender 10\.0\.0\.1 only \(\d other senders fine: .*\): captured on the sending host, they prove nothing$/ },
        { messageId: 'lcoOne', message: /^1 outer UDP checksum to port 4789 is a local checksum offload \(LCO\) artefact, seen from sender 10\.0\.0\.2 only/ },
      ],
    },
  ],
});
