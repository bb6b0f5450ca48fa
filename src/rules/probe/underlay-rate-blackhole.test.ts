import { RuleTester } from '../../engine/rule-tester.js';
import { probeFacts } from '../../../test/fixtures/evidence/probes/load.js';
import rule from './underlay-rate-blackhole.js';

const blackholed = probeFacts('underlay-rate-blackhole');

new RuleTester().run(rule, {
  valid: [{ name: 'healthy lab: the ramp reached its 4 Mbit/s cap with no loss', facts: probeFacts('healthy') }],
  invalid: [
    {
      name: 'lab underlay-rate-blackhole: loss, then nothing crossed until the set entry expired',
      facts: blackholed,
      errors: [{ messageId: 'blackholeEstimated', evidence: [/rate ramp this node -> 192\.168\.77\.12: lastCleanBps .*, lossOnsetBps .*, blackhole/, /estimatedLimitBps ≈ 8\.[0-2] Mbit\/s/] }],
    },
    {
      name: 'the same without the two holds (refinement off or cut short): the ramp\'s own bracket',
      facts: { probes: blackholed.probes!.map((p) => (p.ramp ? { ...p, ramp: { ...p.ramp, estimatedLimitBps: undefined, estimatedBurstBytes: undefined } } : p)) },
      errors: [{ messageId: 'blackhole' }],
    },
    {
      name: 'loss above a rate without a blackhole: a plain policer',
      facts: {
        probes: blackholed.probes!.map((p) => (p.ramp ? { ...p, ramp: { ...p.ramp, blackhole: false, recoveredAfterMs: undefined } } : p)),
      },
      errors: [{ messageId: 'rateLimit', message: /\(clean at [\d.]+ [kM]bit\/s\)/ }],
    },
    {
      name: 'loss from the first step on (no clean step): says so, not "clean at 0 bit/s" (seed 003 pasted with a ramp that started too high)',
      facts: {
        probes: blackholed.probes!.map((p) => (p.ramp ? { ...p, ramp: { ...p.ramp, blackhole: false, recoveredAfterMs: undefined, lastCleanBps: undefined } } : p)),
      },
      errors: [{ messageId: 'rateLimit', message: /is lost above [\d.]+ [kM]bit\/s \(no lower rate measured clean\): something/ }],
    },
  ],
  skipped: [{ name: 'probes without a ramp (no --max-rate)', facts: probeFacts('bad-udp-checksum'), reason: 'no rate ramp' }],
});
