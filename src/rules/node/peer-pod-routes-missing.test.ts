import { RuleTester, loadFixture } from '../../engine/rule-tester.js';
import rule from './peer-pod-routes-missing.js';

const healthy = loadFixture('healthy-flannel-node.json');
const seed = loadFixture('seed-001-networkmanager-flannel.json');
const routes = seed.routes!;
// The seed's `route -n` after flannel was restarted: four peers through flannel.1.
const repaired = {
  ...routes,
  items: [
    ...routes.items,
    ...[1, 2, 3, 4].map((n) => ({ dst: `10.187.${n}.0/24`, type: 'unicast', via: `10.187.${n}.0`, dev: 'flannel.1', table: 'main', onlink: true, line: `10.187.${n}.0 10.187.${n}.0 255.255.255.0 UG 0 0 0 flannel.1` })),
  ],
};

new RuleTester().run(rule, {
  valid: [
    { name: 'healthy node: 10.244.2.0/24 via flannel.1 covers its neighbour', facts: healthy },
    { name: 'seed 001 after restarting flannel', facts: { ...seed, routes: repaired } },
    { name: 'not a flannel node', facts: { routes: healthy.routes, links: { source: 'ip link', items: healthy.links!.items.filter((l) => l.name !== 'flannel.1') } } },
  ],
  invalid: [
    {
      name: 'seed 001 after restarting NetworkManager: only cni0\'s /24 left',
      facts: seed,
      errors: [{ messageId: 'noPeerRoutes', data: { dev: 'flannel.1', network: '10.187.0.0/16' }, evidence: ['10.187.0.0 0.0.0.0 255.255.255.0 U 0 0 0 cni0', 'FLANNEL_NETWORK=10.187.0.0/16'] }],
    },
    {
      name: 'healthy lab node with its route deleted: the neighbour entry for 10.244.2.0 is left',
      facts: { ...healthy, routes: { ...healthy.routes!, items: healthy.routes!.items.filter((r) => r.dev !== 'flannel.1') } },
      errors: [{ messageId: 'missingForPeers', data: { missing: '10.244.2.0' }, evidence: [/10\.244\.2\.0 dev flannel\.1 lladdr e2:00:6c:cf:88:7a/] }],
    },
  ],
  skipped: [{ name: 'no routes', facts: { links: seed.links }, reason: 'no routes' }],
});
