import { RuleTester } from '../../engine/rule-tester.js';
import { healthy, noMatch } from '../../../test/fixtures/evidence/captures/scenarios.js';
import rule from './diff-no-match.js';

new RuleTester().run(rule, {
  valid: [{ name: 'the same traffic at both ends', evidence: { captureDiffs: [healthy()] } }],
  invalid: [
    {
      name: 'two captures of different traffic',
      evidence: { captureDiffs: [noMatch()] },
      errors: [{ messageId: 'noMatch', severity: 'warning', commands: ['podpath pcap diff --nat sender.pcap receiver.pcap'], evidence: [/0 matched/] }],
    },
  ],
});
