// Judged on real pastes from the threads that established each cause (test/fixtures/transcripts).
import { RuleTester, loadFixture } from '../../engine/rule-tester.js';
import { factsOfTranscript } from '../../../test/helpers/transcript-facts.js';
import rule from './firewalld-rejects-forward.js';

const healthy = loadFixture('healthy-flannel-node.json');
const case0 = await factsOfTranscript('flannel-2055-firewalld-fwd-public-reject');
const case1 = await factsOfTranscript('kubeadm-139-fedora27-firewalld-forward-reject');
const case2 = await factsOfTranscript('kubesolo-146-firewalld-cni0-zone');

new RuleTester().run(rule, {
  valid: [{ name: 'healthy flannel node', facts: healthy }],
  invalid: [
    { name: 'flannel#2055: one filter_FWD_public_REJECT kernel line is enough', ...case0, errors: [{ messageId: 'logged' }] },
    { name: 'kubeadm#139: FORWARD REJECT before the appended ACCEPT', ...case1, errors: [{ messageId: 'iptablesRejectFirst' }] },
    { name: 'kubesolo#146: cni0 taken out of the trusted zone', ...case2, errors: [{ messageId: 'zoneMoved' }] },
  ],
  skipped: [{ name: 'nothing it reads', facts: {}, reason: /./ }],
});
