import { RuleTester } from '../../engine/rule-tester.js';
import { healthy, outage, sizeLimitAndBlackhole } from '../../../test/fixtures/evidence/captures/scenarios.js';
import rule from './diff-loss-rate.js';

new RuleTester().run(rule, {
  valid: [
    { name: 'everything delivered', evidence: { captureDiffs: [healthy()] } },
    { name: 'an outage at the ordinary rate is a time window', evidence: { captureDiffs: [outage()] } },
  ],
  invalid: [
    {
      name: 'seed 003: a burst gets the sender cut off for ~4 s',
      evidence: { captureDiffs: [sizeLimitAndBlackhole()] },
      errors: [{
        messageId: 'blackhole', severity: 'error', data: { packets: 270, smallest: 200, largest: 1400 }, phrases: { untilEnd: [], where: [] },
        message: /^from \+10\.2 s everything 10\.0\.0\.1 -> 10\.0\.0\.2 was lost for 3\.8 s: 270 packets of all sizes \(200-1400 bytes\), starting when the rate of 10\.0\.0\.1 over 1 s reached \d+ kbit\/s \(the most that got through before: \d+ kbit\/s; its usual rate: \d+ kbit\/s\): a rate-triggered blackhole$/,
        messageZh: /^从 \+10\.2 s 起 10\.0\.0\.1 -> 10\.0\.0\.2 的所有流量丢失 3\.8 秒：270 个各种大小的报文/,
        evidence: [/270 lost in a row/],
        commands: ['podpath probe 10.0.0.2  # from 10.0.0.1: the rate ramp finds the rate and how long the blackhole lasts'],
      }],
    },
  ],
});
