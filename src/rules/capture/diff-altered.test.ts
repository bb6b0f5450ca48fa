import { RuleTester } from '../../engine/rule-tester.js';
import { healthy, scatteredBothWays } from '../../../test/fixtures/evidence/captures/scenarios.js';
import rule from './diff-altered.js';

const altered = () => {
  const d = scatteredBothWays();
  const a = { count: 3, fields: { 'outer checksum (sent right, arrived wrong)': 1, 'inner TTL': 2, 'a field of tomorrow': 1 }, examples: d.altered.examples, senderFrames: d.altered.senderFrames };
  return { ...d, altered: a };
};

new RuleTester().run(rule, {
  valid: [{ name: 'every copy the same', evidence: { captureDiffs: [healthy()] } }],
  invalid: [
    {
      name: 'one datagram arrived with a broken outer checksum',
      evidence: { captureDiffs: [scatteredBothWays()] },
      errors: [{
        messageId: 'alteredOne', severity: 'error', phrases: { fields: ['outerChecksum'] },
        message: '1 packet arrived altered: outer checksum (sent right, arrived wrong) (1); sender frame 98 = receiver frame 96',
        messageZh: '1 个报文到达时被改动：外层校验和（发出时正确，到达时错误）（1）；发送端第 98 帧 = 接收端第 96 帧',
        commands: ['tshark -r sender.pcap -Y "frame.number == 98" -V  # the copy as sent'],
      }],
    },
    {
      name: 'several fields, one the rule has no words for',
      evidence: { captureDiffs: [altered()] },
      errors: [{ messageId: 'altered', phrases: { fields: ['outerChecksum', 'innerTtl', 'otherField'] }, message: /^3 packets arrived altered: outer checksum \(sent right, arrived wrong\) \(1\); inner TTL \(2\); a field of tomorrow \(1\);/ }],
    },
  ],
});
