import { RuleTester } from '../../engine/rule-tester.js';
import { probeFacts } from '../../../test/fixtures/evidence/probes/load.js';
import rule from './overlay-size-limit.js';

new RuleTester().run(rule, {
  valid: [
    { name: 'healthy lab: every size up to 9000 crosses both paths', facts: probeFacts('healthy') },
    { name: 'lab underlay-size-limit: the limit is the underlay\'s (underlay-size-limit), not after the tunnel', facts: probeFacts('underlay-size-limit') },
  ],
  invalid: [
    {
      name: 'lab large-packet-drop on n2 (forward drop above IP length 1000), overlay target a pod on n2: 972 cross over the overlay, 9000 over the underlay',
      facts: probeFacts('large-packet-drop'),
      errors: [{
        messageId: 'pastTunnel', data: { from: 'this node', target: '10.244.2.2', largest: 972, smallest: 973, underlayLargest: 9000 },
        evidence: ['size sweep this node -> 10.244.2.2 (overlay): largestPassing 972, smallestFailing 973', '(underlay): largestPassing 9000'],
      }],
    },
  ],
  skipped: [
    { name: 'probes without a sweep', facts: probeFacts('bad-udp-checksum'), reason: 'no size sweep' },
  ],
});
