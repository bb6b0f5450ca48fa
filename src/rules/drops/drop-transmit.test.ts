import { RuleTester } from '../../engine/rule-tester.js';
import { probe, traced } from '../../../test/fixtures/drops/load.js';
import rule from './drop-transmit.js';

// neigh-failed.droptrace.json: a whole `podpath trace -o json` recorded on 6.18 with other tests' noise.
new RuleTester().run(rule, {
  valid: [
    { name: 'a receive-side drop is another rule\'s', evidence: traced(probe({ sent: 3 }), 'peer', { from: 'udp-csum' }) },
  ],
  invalid: [
    {
      name: 'NEIGH_FAILED / QDISC_DROP on the sender (this node), beside other traffic\'s drops',
      evidence: traced(probe({ sent: 3, label: 'underlay' }), 'local', { from: 'neigh-failed' }),
      errors: [{ messageId: 'queue', data: { node: 'this node', count: 3 } }],
    },
  ],
});
