import { RuleTester } from '../../engine/rule-tester.js';
import { healthy } from '../../../test/fixtures/evidence/captures/scenarios.js';
import type { CaptureDiff } from '../../evidence/capture-diff.js';
import rule from './diff-limits.js';

const limited = (limits: Partial<CaptureDiff['limits']>): CaptureDiff => {
  const d = healthy();
  return { ...d, limits: { ...d.limits, ...limits } };
};

new RuleTester().run(rule, {
  valid: [{ name: 'no bound reached', evidence: { captureDiffs: [healthy()] } }],
  invalid: [
    {
      name: 'a capture of 200,000 flows: the address pairs past the cap are counted only',
      evidence: { captureDiffs: [limited({ pairsDropped: 134_464 })] },
      errors: [{
        messageId: 'limits', severity: 'warning', phrases: { parts: ['pairsDropped'] },
        message: 'memory bound reached (E_PCAP_DIFF_LIMIT): 134464 sender packets belong to address pairs past the 65536 that are counted per pair',
        messageZh: '达到内存上限（E_PCAP_DIFF_LIMIT）：134464 个发送端报文属于超出前 65536 个（逐对计数的）地址对',
      }],
    },
    {
      name: 'every bound at once',
      evidence: { captureDiffs: [limited({ receiverIndexTruncated: true, unmatchedDropped: 1, rateSourcesDropped: 2, pairsDropped: 3, addressesOverflowed: 4 })] },
      errors: [{ messageId: 'limits', phrases: { parts: ['indexTruncated', 'unmatchedDropped', 'rateSourcesDropped', 'pairsDropped', 'addressesOverflowed'] } }],
    },
  ],
});
