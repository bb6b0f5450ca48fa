// Judged on real pastes from the threads that established each cause (test/fixtures/transcripts).
import { RuleTester, loadFixture } from '../../engine/rule-tester.js';
import { factsOfPiece, factsOfTranscript } from '../../../test/helpers/transcript-facts.js';
import rule from './vxlan-endpoint-address.js';

const healthy = loadFixture('healthy-flannel-node.json');
const case0 = await factsOfTranscript('dramble-107-vagrant-10-0-2-15');
// Made in a network namespace on the build host (test/fixtures/transcript-pieces/make-vxlan-link-local.sh).
const linkLocal = await factsOfPiece('vxlan-link-local.txt');

new RuleTester().run(rule, {
  valid: [{ name: 'healthy flannel node', facts: healthy }],
  invalid: [
    { name: 'dramble#107: every node on 10.0.2.15 (VirtualBox NAT)', ...case0, errors: [{ messageId: 'shared' }] },
    {
      name: "flannel.1's local address is link-local (169.254.10.1): unusable, cited from ip -d link",
      ...linkLocal,
      errors: [{ messageId: 'unusable', data: { address: '169.254.10.1', why: 'link-local' }, evidence: [/flannel\.1: vxlan id 1 local 169\.254\.10\.1 dev eth0/] }],
    },
  ],
  skipped: [{ name: 'nothing it reads', facts: {}, reason: /./ }],
});
