import { RuleTester } from '../../engine/rule-tester.js';
import { healthy, outage, sizeLimitAndBlackhole } from '../../../test/fixtures/evidence/captures/scenarios.js';
import type { CaptureDiff } from '../../evidence/capture-diff.js';
import rule from './diff-loss-size.js';

/** The same comparison with the two captures swapped: the loss is the reverse direction's now. */
function swapped(d: CaptureDiff): CaptureDiff {
  return { ...d, sender: d.receiver, receiver: d.sender, forward: d.reverse, reverse: d.forward };
}

new RuleTester().run(rule, {
  valid: [
    { name: 'everything delivered', evidence: { captureDiffs: [healthy()] } },
    { name: 'an outage takes packets of every size', evidence: { captureDiffs: [outage()] } },
  ],
  invalid: [
    {
      name: 'seed 003: nothing above 1400 bytes arrives (the smaller losses are in the blackhole)',
      evidence: { captureDiffs: [sizeLimitAndBlackhole()] },
      errors: [{
        messageId: 'size', severity: 'error', data: { threshold: 1400, lostAbove: 10 }, phrases: { below: 'belowInRuns', where: [] },
        message: 'every datagram 10.0.0.1 -> 10.0.0.2 larger than 1400 bytes (IP; UDP payload 1372) was lost: 10 packets of 1401-1600 bytes; 270 smaller ones were lost, all inside the loss window(s) reported separately',
        messageZh: '10.0.0.1 -> 10.0.0.2 所有大于 1400 字节（IP；UDP 载荷 1372）的数据报全部丢失：10 个 1401-1600 字节的报文；较小的丢了 270 个，全部在另行报告的丢包时间窗内',
        commands: ['ping -M do -s 1372 -c 3 10.0.0.2  # from 10.0.0.1: the largest packet that got through'],
      }],
    },
    {
      name: 'the same seen as the reverse direction: the frames are the receiver capture\'s',
      evidence: { captureDiffs: [swapped(sizeLimitAndBlackhole())] },
      errors: [{ messageId: 'size', phrases: { where: ['receiverFrames'] }, message: /\(frames of the receiver's capture\)$/ }],
    },
  ],
});
