import { RuleTester } from '../../engine/rule-tester.js';
import { pkt, summaryOf } from '../../../test/fixtures/evidence/captures/load.js';
import rule from './size-fragments.js';

const frag = (frame: number, offset: number, more: boolean) => pkt({ frame, t: frame, src: '10.0.0.1', dst: '10.0.0.2', dport: 7000, len: more ? 1500 : 600, fragment: { offset, more } });

new RuleTester().run(rule, {
  valid: [{ name: 'no fragment', evidence: { captures: [summaryOf([pkt({ frame: 1, t: 0, src: '10.0.0.1', dst: '10.0.0.2' })])] } }],
  invalid: [
    {
      name: 'a 2000-byte datagram in two fragments, twice',
      evidence: { captures: [summaryOf([frag(1, 0, true), frag(2, 1480, false), frag(3, 0, true), frag(4, 1480, false)])] },
      errors: [{
        messageId: 'fragments', severity: 'info', data: { count: 4 },
        message: '4 IP fragments (10.0.0.1 > 10.0.0.2 udp/7000): datagrams larger than the path MTU; a device that drops fragments or large UDP loses these datagrams whole',
        messageZh: '4 个 IP 分片（10.0.0.1 > 10.0.0.2 udp/7000）：数据报大于路径 MTU；丢弃分片或大 UDP 的设备会让这些数据报整个丢失',
        evidence: ['outer 10.0.0.1 > 10.0.0.2 udp/7000: 4 fragments of 4 packets'],
      }],
    },
  ],
});
