import { RuleTester } from '../../engine/rule-tester.js';
import { LAB, labEvidence, labNodeFacts, labNodeObjects, NODE_A, NODE_B, emptyClusterEvidence, labNodesWithout } from '../../../test/helpers/cluster-evidence.js';
import rule from './public-ip-wrong.js';

const PUB = 'flannel.alpha.coreos.com/public-ip';
// flannel on node b bound to an address both nodes have (here: node a's, as when --iface picks a shared VPN address).
const dup = labNodeObjects();
dup.find((n) => n.metadata.name === NODE_B)!.metadata.annotations![PUB] = LAB.a.ip;
// Node a advertises an address it does not hold.
const foreign = labNodeObjects();
foreign.find((n) => n.metadata.name === NODE_A)!.metadata.annotations![PUB] = '172.31.251.1';
// Node a holds its public-ip on eth0 but routes to node b through a second NIC.
const twoNics = labNodeFacts('a');
twoNics.links!.items.push({ name: 'eth1', kind: 'device', mtu: 1500, mac: 'c6:7f:cb:47:98:88', flags: ['UP'], addresses: [{ family: 'inet', address: '10.0.0.1', prefixLen: 24 }], source: 'ip -d link' });
twoNics.routes!.items.unshift({ dst: `${LAB.b.ip}/32`, type: 'unicast', via: '10.0.0.254', dev: 'eth1', table: 'main', onlink: false, line: `${LAB.b.ip} via 10.0.0.254 dev eth1` });

new RuleTester().run(rule, {
  valid: [
    { name: 'the lab pair: each public-ip is the node\'s eth0 address, the route to the peer goes out eth0', evidence: labEvidence() },
    { name: 'cluster facts alone, distinct public-ips', evidence: { cluster: labEvidence().cluster } },
  ],
  invalid: [
    { name: 'two nodes advertise one public-ip (cluster facts alone)', evidence: { cluster: labEvidence({ nodes: dup }).cluster }, errors: [{ messageId: 'duplicate', data: { ip: LAB.a.ip, node: NODE_B, internalIP: LAB.b.ip }, commands: [`kubectl annotate node node-b flannel.alpha.coreos.com/public-ip-overwrite=${LAB.b.ip} --overwrite`] }] },
    { name: 'node a advertises an address it does not hold', evidence: labEvidence({ nodes: foreign }), errors: [{ messageId: 'notOwn', data: { node: NODE_A, ip: '172.31.251.1' }, evidence: [/172\.31\.250\.1\/24 eth0/] }] },
    { name: 'node a routes to node b through eth1, its public-ip is on eth0', evidence: labEvidence({ a: twoNics }), errors: [{ messageId: 'notRoutingNic', data: { ipDev: 'eth0', routeDev: 'eth1' } }] },
  ],
  skipped: [
    { name: 'cluster facts with no object', evidence: emptyClusterEvidence(), reason: 'the cluster facts list no Node objects' },
    { name: 'nodes without flannel annotations', evidence: labEvidence({ nodes: labNodesWithout('flannel.alpha.coreos.com/') }), reason: /no node carries flannel's public-ip/ },
  ],
});
