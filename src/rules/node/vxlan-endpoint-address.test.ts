// Judged on real pastes from the threads that established each cause (test/fixtures/transcripts).
import { RuleTester, loadFixture } from '../../engine/rule-tester.js';
import { factsOfTranscript } from '../../../test/helpers/transcript-facts.js';
import rule from './vxlan-endpoint-address.js';

const healthy = loadFixture('healthy-flannel-node.json');
const case0 = await factsOfTranscript('dramble-107-vagrant-10-0-2-15');

new RuleTester().run(rule, {
  valid: [{ name: 'healthy flannel node', facts: healthy }],
  invalid: [
    { name: 'dramble#107: every node on 10.0.2.15 (VirtualBox NAT)', ...case0, errors: [{ messageId: 'shared' }] },
  ],
  skipped: [{ name: 'nothing it reads', facts: {}, reason: /./ }],
});
