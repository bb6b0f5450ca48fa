import { RuleTester } from '../../engine/rule-tester.js';
import { probeFacts } from '../../../test/fixtures/evidence/probes/load.js';
import rule from './underlay-size-limit.js';

new RuleTester().run(rule, {
  valid: [
    { name: 'healthy lab: every size up to 9000 crosses both ways', facts: probeFacts('healthy') },
    { name: 'a lab with bad checksums but no sweep limit', facts: { ...probeFacts('underlay-size-limit'), probes: probeFacts('healthy').probes } },
    { name: 'lab large-packet-drop: the overlay limit (972) sits under what the underlay carries (9000): overlay-size-limit\'s', facts: probeFacts('large-packet-drop') },
  ],
  invalid: [
    {
      name: 'lab underlay-size-limit (switch drops udp length > 1480): 1472 crosses, 1473 does not, both ways',
      facts: probeFacts('underlay-size-limit'),
      errors: [
        { messageId: 'fragmentsDropped', data: { largest: 1472, smallest: 1473, mtu: 1500, from: 'this node' }, evidence: ['largestPassing 1472, smallestFailing 1473'] },
        { messageId: 'fragmentsDropped', data: { largest: 1472, smallest: 1473, to: 'this node' } },
      ],
    },
    {
      name: 'same sweep without link facts: the size limit alone',
      facts: { probes: probeFacts('underlay-size-limit').probes },
      errors: [{ messageId: 'sizeLimit', data: { largest: 1472 } }, { messageId: 'sizeLimit', data: { largest: 1472 } }],
    },
  ],
  skipped: [
    { name: 'no probes at all', facts: { links: probeFacts('healthy').links }, reason: 'no probes' },
    { name: 'probes without a sweep', facts: probeFacts('bad-udp-checksum'), reason: 'no size sweep' },
  ],
});
