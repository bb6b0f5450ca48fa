import { RuleTester, loadFixture } from '../../engine/rule-tester.js';
import rule from './overlay-rx-zero.js';

const healthy = loadFixture('healthy-flannel-node.json');
const seed = loadFixture('seed-000-kylin-bad-udp-checksum.json');
const flannel = seed.links?.items.find((l) => l.name === 'flannel.1');
if (!flannel) throw new Error('fixture lacks flannel.1');

new RuleTester().run(rule, {
  valid: [
    { name: 'healthy node: flannel.1 RX 3 TX 3', facts: healthy },
    { name: 'a fresh overlay that has sent nothing yet', facts: { links: { source: 'ip -s -d link', items: [{ ...flannel, stats: { ...flannel.stats!, txPackets: 0, txBytes: 0 } }] } } },
    { name: 'no overlay device: not a Kubernetes node', facts: { links: { source: 'ip -s -d link', items: healthy.links!.items.filter((l) => l.name === 'eth0') } } },
  ],
  invalid: [
    {
      name: 'seed 000 lab reproduction: RX 0, TX 5',
      facts: seed,
      errors: [{ messageId: 'rxZero', data: { dev: 'flannel.1', txPackets: 5, port: 8472 }, evidence: ['flannel.1: RX packets 0 bytes 0; TX packets 5 bytes 420'] }],
    },
    {
      // Old iproute2 prints `dstport 0` for the kernel default: the message must not say port 0.
      name: 'flannel.1 showing dstport 0 (CentOS 7): the kernel default port',
      facts: { links: { source: 'ip -s -d link', items: [{ ...flannel, vxlan: { ...flannel.vxlan!, port: 0 } }] } },
      errors: [{ messageId: 'rxZero', data: { port: 8472 } }],
    },
    {
      name: 'counters from /proc/net/dev when ip -s is not available',
      facts: { links: { source: 'ip -d link', items: [{ ...flannel, stats: undefined }] }, netdev: { source: '/proc/net/dev', interfaces: { 'flannel.1': flannel.stats! } } },
      errors: [{ messageId: 'rxZero' }],
    },
  ],
  skipped: [
    { name: 'no links', facts: {}, reason: 'no links' },
    { name: 'overlay device without counters', facts: { links: { source: 'ip -d link', items: [{ ...flannel, stats: undefined }] } }, reason: 'no counters for flannel.1' },
  ],
});
