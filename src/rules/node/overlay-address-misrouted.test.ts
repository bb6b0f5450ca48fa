import { RuleTester, loadFixture } from '../../engine/rule-tester.js';
import rule from './overlay-address-misrouted.js';

const healthy = loadFixture('healthy-flannel-node.json');
const seed = loadFixture('seed-001-networkmanager-flannel.json');
const rg = seed.routeGets![0]!;

new RuleTester().run(rule, {
  valid: [
    { name: 'healthy node on 6.18: `local 10.244.1.0 dev lo` (no network broadcast route)', facts: healthy },
    {
      name: 'seed 001 repaired: `broadcast 10.187.0.0 dev cni0`',
      facts: { ...seed, routeGets: [{ ...rg, type: 'broadcast', dev: 'cni0', src: '10.187.0.1', line: 'broadcast 10.187.0.0 dev cni0 src 10.187.0.1 uid 0', source: 'test/fixtures/sources/net/seeds/seed001_ip_route_get_10.187.0.0_after_nm_restart' }] },
    },
    { name: 'seed 001 answer on a 5.14+ kernel: local is the normal answer', facts: { ...seed, kernel: { source: 'uname -r', release: '5.14.0-362.el9.aarch64', uname: '5.14.0-362.el9.aarch64' } } },
  ],
  invalid: [
    {
      name: 'seed 001 broken: `local 10.187.0.0 dev lo` on 4.19 with cni0 10.187.0.1/24',
      facts: seed,
      errors: [{ messageId: 'shadowsBridge', severity: 'warning', data: { addr: '10.187.0.0', dev: 'flannel.1', bridge: 'cni0', how: 'kernel 4.19.90 < 5.14' }, evidence: ['local 10.187.0.0 dev lo src 10.187.0.0 uid 0', 'inet 10.187.0.0/32 scope global flannel.1'] }],
    },
    {
      name: 'the overlay address routed out of the node (address gone, default route wins)',
      facts: { ...healthy, routeGets: [{ target: '10.244.1.0', type: 'unicast', via: '172.31.250.2', dev: 'eth0', src: '172.31.250.1', line: '10.244.1.0 via 172.31.250.2 dev eth0 src 172.31.250.1 uid 0', source: 'ip route get 10.244.1.0' }] },
      errors: [{ messageId: 'routedAway', severity: 'error', data: { addr: '10.244.1.0', answer: '10.244.1.0 via 172.31.250.2 dev eth0 src 172.31.250.1 uid 0' } }],
    },
  ],
  skipped: [
    { name: 'no ip route get at all', facts: { links: seed.links }, reason: 'no `ip route get` answers' },
    { name: 'ip route get for peers only', facts: { ...healthy, routeGets: healthy.routeGets!.filter((g) => g.target !== '10.244.1.0') }, reason: 'no `ip route get` for 10.244.1.0' },
  ],
});
