import { RuleTester } from '../../engine/rule-tester.js';
import { healthy, noMatch, outage, sizeLimitAndBlackhole } from '../../../test/fixtures/evidence/captures/scenarios.js';
import rule from './diff-loss-window.js';

new RuleTester().run(rule, {
  valid: [
    { name: 'everything delivered', evidence: { captureDiffs: [healthy()] } },
    { name: 'a rate-triggered blackhole is not an outage', evidence: { captureDiffs: [sizeLimitAndBlackhole()] } },
  ],
  invalid: [
    {
      name: 'everything lost between 5 and 8 s at the ordinary rate',
      evidence: { captureDiffs: [outage()] },
      errors: [{
        messageId: 'window', severity: 'error', phrases: { untilEnd: [], where: [] },
        message: 'everything 10.0.0.1 -> 10.0.0.2 was lost between +5.0 s and +8.0 s (3.0 s): 30 packets, nothing got through in between; the rate then was ordinary (25 kbit/s)',
        messageZh: '10.0.0.1 -> 10.0.0.2 在 +5.0 s 到 +8.0 s 之间全部丢失（3.0 秒）：30 个报文，其间一个也没到；当时速率正常（25 kbit/s）',
      }],
    },
    {
      name: 'nothing ever arrived: one window until the end of the overlap',
      evidence: { captureDiffs: [noMatch()] },
      errors: [{ messageId: 'window', phrases: { untilEnd: ['untilEnd'] }, message: /\(1\.5 s, until the end of the overlap\): 16 packets/ }],
    },
  ],
});
