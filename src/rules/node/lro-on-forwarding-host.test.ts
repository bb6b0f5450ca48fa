import { RuleTester, loadFixture } from '../../engine/rule-tester.js';
import type { NodeFacts } from '../../evidence/node-facts.js';
import rule from './lro-on-forwarding-host.js';

const healthy = loadFixture('healthy-flannel-node.json');
const seed = loadFixture('seed-002-lro-forwarding.json');
// This machine's real virtio_net NIC (test/fixtures/sources/net/host/ethtool_-k_eth0): LRO off [fixed].
const hostNic = { name: 'eth0', driver: 'virtio_net', sources: ['test/fixtures/sources/net/host/ethtool_-k_eth0'], features: { 'large-receive-offload': { on: false, fixed: true }, 'generic-receive-offload': { on: true, fixed: false } } };
const lro = (facts: NodeFacts, on: boolean, fixed = false): NodeFacts => ({ ...facts, nics: (facts.nics ?? []).map((n) => ({ ...n, features: { ...n.features, 'large-receive-offload': { on, fixed } } })) });

new RuleTester().run(rule, {
  valid: [
    { name: 'healthy node (veth underlay, LRO off [fixed])', facts: healthy },
    { name: 'seed 002 after `ethtool -K eth0 lro off`', facts: lro(seed, false) },
    { name: 'real virtio_net NIC with LRO off [fixed]', facts: { ...seed, nics: [hostNic] } },
    { name: 'LRO on, but the host neither forwards nor bridges', facts: { nics: seed.nics, sysctls: { sources: ['sysctl -a'], values: { 'net.ipv4.ip_forward': '0' } }, links: { source: 'ip -d link', items: seed.links!.items.filter((l) => l.kind !== 'bridge') } } },
  ],
  invalid: [
    {
      name: 'seed 002: virtio_net eth0 LRO on, ip_forward = 1',
      facts: seed,
      errors: [{ messageId: 'lroOn', data: { nic: 'eth0', driver: 'virtio_net', why: 'net.ipv4.ip_forward = 1' }, evidence: ['large-receive-offload: on', 'net.ipv4.ip_forward = 1'] }],
    },
    {
      name: 'LRO on [fixed], forwarding shown only by the cni0 bridge',
      facts: { ...lro(seed, true, true), sysctls: undefined },
      errors: [{ messageId: 'lroOnFixed', data: { why: 'bridge cni0' } }],
    },
  ],
  skipped: [
    { name: 'no ethtool output', facts: { sysctls: seed.sysctls }, reason: 'no NIC offload features' },
    { name: 'LRO on but nothing tells whether the host forwards', facts: { nics: seed.nics }, reason: 'cannot tell whether this host forwards' },
  ],
});
