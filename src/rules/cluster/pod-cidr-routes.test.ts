import { RuleTester } from '../../engine/rule-tester.js';
import { labEvidence, labNodeFacts, labNodeObjects, NODE_A, NODE_B, emptyClusterEvidence } from '../../../test/helpers/cluster-evidence.js';
import rule from './pod-cidr-routes.js';

// Node a lost its route to node b's podCIDR (flannel there never saw b's lease).
const aNoRoute = labNodeFacts('a');
aNoRoute.routes!.items = aNoRoute.routes!.items.filter((r) => r.dst !== '10.244.2.0/24');
// Node a keeps a route to 10.244.9.0/24 over flannel.1: a node that no longer exists.
const aOrphan = labNodeFacts('a');
aOrphan.routes!.items.push({ dst: '10.244.9.0/24', type: 'unicast', via: '10.244.9.0', dev: 'flannel.1', table: 'main', onlink: true, line: '10.244.9.0/24 via 10.244.9.0 dev flannel.1 onlink' });
// Calico's NodeList and pools: routes are per IPAM block, not judged here.
const calico = labEvidence({ nodes: labNodeObjects('nodelist-calico-composed-server.json'), extraFiles: ['ippoollist-default-crosssubnet-crd-v1.json'] });

// Five more nodes (copies of node b's object, podCIDRs 10.244.3-7.0/24) that node a has no route to: one finding.
function manyNodes() {
  const objs = labNodeObjects();
  for (let i = 3; i <= 7; i++) {
    const n = structuredClone(objs[1]!);
    n.metadata.name = `node-${i}`;
    (n.raw.spec as Record<string, unknown>).podCIDRs = [`10.244.${i}.0/24`];
    objs.push(n);
  }
  return objs;
}

new RuleTester().run(rule, {
  valid: [{ name: 'the lab pair: each node routes the other\'s podCIDR over flannel.1 (recorded routes)', evidence: labEvidence() }],
  invalid: [
    { name: 'node a has no route to node b\'s podCIDR', evidence: labEvidence({ a: aNoRoute }), errors: [{ messageId: 'missingRoute', data: { peer: NODE_A, node: NODE_B, cidr: '10.244.2.0/24' }, commands: ['ip route replace 10.244.2.0/24 via 10.244.2.0 dev flannel.1 onlink', 'ip route del 10.244.2.0/24 via 10.244.2.0 dev flannel.1'] }] },
    { name: 'node a lacks routes to five nodes\' podCIDRs: one finding', evidence: labEvidence({ nodes: manyNodes(), b: labNodeFacts('b', { routes: undefined }) }), errors: [{ messageId: 'missingRoutes', data: { peer: NODE_A, count: 5 } }] },
    { name: 'node a routes a CIDR no node owns', evidence: labEvidence({ a: aOrphan }), errors: [{ messageId: 'orphanRoute', data: { peer: NODE_A, cidr: '10.244.9.0/24' }, commands: ['ip route del 10.244.9.0/24 dev flannel.1', 'ip route replace 10.244.9.0/24 via 10.244.9.0 dev flannel.1 onlink'] }] },
  ],
  skipped: [
    { name: 'a Calico cluster', evidence: { ...calico, cluster: { ...calico.cluster!, flannelNetConf: undefined } }, reason: /no flannel/ },
    { name: 'cluster facts with no object', evidence: emptyClusterEvidence(), reason: 'the cluster facts list no Node objects' },
    { name: 'no node lists a podCIDR (every flannel route would look orphaned)', evidence: labEvidence({ nodes: labNodeObjects().map((n) => ({ ...n, raw: { ...n.raw, spec: {} } })) }), reason: /no node lists spec.podCIDRs/ },
    { name: 'no node\'s routing table', evidence: { ...labEvidence(), nodes: labEvidence().nodes!.map((n) => ({ ...n, facts: { ...n.facts, routes: undefined } })) }, reason: /no cluster node has its routing table/ },
  ],
});
