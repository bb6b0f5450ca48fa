import { RuleTester } from '../../engine/rule-tester.js';
import { healthy, oneWayNoAnswers, outage, scatteredBothWays, sizeLimitAndBlackhole } from '../../../test/fixtures/evidence/captures/scenarios.js';
import type { CaptureDiff } from '../../evidence/capture-diff.js';
import rule from './diff-loss-scattered.js';

/** Loss of which size and windows explain only a part: two more lost packets beside the outage. */
function outagePlus(): CaptureDiff {
  const d = outage();
  return { ...d, forward: { ...d.forward, lost: d.forward.lost + 2, sent: d.forward.sent + 2 } };
}

new RuleTester().run(rule, {
  valid: [
    { name: 'everything delivered', evidence: { captureDiffs: [healthy()] } },
    { name: 'all loss explained by size and the blackhole', evidence: { captureDiffs: [sizeLimitAndBlackhole()] } },
    { name: 'all loss in one outage', evidence: { captureDiffs: [outage()] } },
  ],
  invalid: [
    {
      name: 'every tenth datagram lost',
      evidence: { captureDiffs: [scatteredBothWays()] },
      errors: [{
        messageId: 'scattered', severity: 'error', data: { lost: 10, sent: 100 },
        message: '10 of 100 packets 10.0.0.1 -> 10.0.0.2 were lost (10.0%), scattered: neither size nor time explains it',
        messageZh: '10.0.0.1 -> 10.0.0.2 丢失 10/100 个报文（10.0%），零散丢失：与大小和时间都无关',
      }],
    },
    { name: 'four of a hundred', evidence: { captureDiffs: [oneWayNoAnswers()] }, errors: [{ messageId: 'scattered', severity: 'error', data: { lost: 4 } }] },
    {
      name: 'two lost beside an outage: a warning, the rest explained',
      evidence: { captureDiffs: [outagePlus()] },
      errors: [{ messageId: 'partlyExplained', severity: 'warning', data: { rest: 2 }, message: /^32 of \d+ packets 10\.0\.0\.1 -> 10\.0\.0\.2 were lost \([\d.]+%\), 2 of them not explained by size or a loss window$/ }],
    },
  ],
});
