import { RuleTester } from '../../engine/rule-tester.js';
import { healthy, oneWayNoAnswers, scatteredBothWays, sizeLimitAndBlackhole } from '../../../test/fixtures/evidence/captures/scenarios.js';
import rule from './diff-reverse-direction.js';

new RuleTester().run(rule, {
  valid: [{ name: 'nothing lost either way', evidence: { captureDiffs: [healthy()] } }],
  invalid: [
    {
      name: 'seed 003: the other way delivered everything',
      evidence: { captureDiffs: [sizeLimitAndBlackhole()] },
      errors: [{ messageId: 'oneWay', severity: 'info', message: 'the loss is one-way: 190 packets 10.0.0.2 -> 10.0.0.1 all arrived', messageZh: '丢包是单向的：10.0.0.2 -> 10.0.0.1 的 190 个报文全部到达' }],
    },
    {
      name: 'nothing came back to tell',
      evidence: { captureDiffs: [oneWayNoAnswers()] },
      errors: [{ messageId: 'noTraffic', severity: 'info', message: 'nothing 10.0.0.2 -> 10.0.0.1 in the overlap: cannot tell whether the other way works' }],
    },
    {
      name: 'the other way loses too: the receiver capture\'s frames',
      evidence: { captureDiffs: [scatteredBothWays()] },
      errors: [{
        messageId: 'lost', severity: 'error', phrases: { notExplained: [] },
        message: "5 of 100 packets 10.0.0.2 -> 10.0.0.1 were lost too (5.0%; frames of the receiver's capture)",
        messageZh: '10.0.0.2 -> 10.0.0.1 也丢失 5/100 个报文（5.0%；帧号为接收端抓包的）',
      }],
    },
  ],
});
