import { RuleTester } from '../../engine/rule-tester.js';
import { healthy, noMatch, shortReceiver } from '../../../test/fixtures/evidence/captures/scenarios.js';
import rule from './diff-capture-overlap.js';

new RuleTester().run(rule, {
  valid: [{ name: 'both captures ran all along', evidence: { captureDiffs: [healthy()] } }],
  invalid: [
    {
      name: 'seed 003: 90 s on the sender against 33 s on the receiver',
      evidence: { captureDiffs: [shortReceiver()] },
      errors: [{
        messageId: 'overlap', severity: 'warning', phrases: { assumed: [] },
        message: 'the captures overlap for 32.0 s only: sender 89.0 s, receiver 32.0 s (clock offset 0.001 s); 57 packets sent outside the overlap are not counted as lost',
        messageZh: '两个抓包只重叠了 32.0 秒：发送端 89.0 秒，接收端 32.0 秒（时钟差 0.001 秒）；重叠之外发送的 57 个报文不算丢失',
      }],
    },
    {
      name: 'nothing matched: the clock offset is assumed',
      evidence: { captureDiffs: [{ ...noMatch(), overlap: { ...noMatch().overlap, seconds: 0.5 } }] },
      errors: [{ messageId: 'overlap', phrases: { assumed: ['assumed'] }, message: /\(clock offset 0\.000 s, assumed: nothing matched\)/ }],
    },
  ],
});
