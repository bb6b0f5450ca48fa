import { RuleTester } from '../../engine/rule-tester.js';
import { healthy, segmentationOffload } from '../../../test/fixtures/evidence/captures/scenarios.js';
import rule from './diff-segmentation-offload.js';

new RuleTester().run(rule, {
  valid: [{ name: 'no TCP above 1500 bytes', evidence: { captureDiffs: [healthy()] } }],
  invalid: [
    {
      name: 'the sender\'s TSO hands tcpdump 2960-byte segments',
      evidence: { captureDiffs: [segmentationOffload()] },
      errors: [{
        messageId: 'offload', severity: 'info', data: { notComparable: 2, largestSender: 2960, largestReceiver: 1500 },
        message: 'TCP packets larger than 1500 bytes (IP; inner for VXLAN) in the captures (sender 2960, receiver 1500): segmentation offload (TSO/GSO on the sender, GRO on the receiver) merges TCP at the capture point, so 2 unmatched TCP packets 10.0.0.1 -> 10.0.0.2 were not counted as lost',
        commands: ['ethtool -K "${IFACE:?set IFACE to the capture interface}" tso on gso on gro on'],
      }],
    },
  ],
});
