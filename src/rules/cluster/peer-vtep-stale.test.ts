import { RuleTester } from '../../engine/rule-tester.js';
import { LAB, labEvidence, labNodeFacts, labNodeObjects, NODE_A, NODE_B, emptyClusterEvidence, labNodesWithout } from '../../../test/helpers/cluster-evidence.js';
import rule from './peer-vtep-stale.js';

// Node b re-created flannel.1 (new MAC) and flannel rewrote its annotation, but node a kept the old
// entries: its recorded FDB and neighbour lines still carry e2:00:6c:cf:88:7a.
const NEW_B = 'e2:00:6c:cf:88:7b';
const bNew = labNodeFacts('b');
bNew.links!.items = bNew.links!.items.map((l) => (l.name === 'flannel.1' ? { ...l, mac: NEW_B } : l));
const nodesBNew = labNodeObjects();
const b = nodesBNew.find((n) => n.metadata.name === NODE_B)!;
b.metadata.annotations!['flannel.alpha.coreos.com/backend-data'] = `{"VNI":1,"VtepMAC":"${NEW_B}"}`;

// Node a never programmed node b: its FDB and neighbour entries for b removed.
const aForgot = labNodeFacts('a');
aForgot.fdb!.items = aForgot.fdb!.items.filter((f) => f.dst !== LAB.b.ip);
aForgot.neighbours!.items = aForgot.neighbours!.items.filter((n) => n.dev !== 'flannel.1');

new RuleTester().run(rule, {
  valid: [{ name: 'the lab pair: each node holds the other\'s VtepMAC (recorded fdb and neigh)', evidence: labEvidence() }],
  invalid: [
    {
      name: 'node b\'s MAC changed and is annotated; node a still has the old FDB and neighbour entries',
      evidence: labEvidence({ nodes: nodesBNew, b: bNew }),
      errors: [
        { messageId: 'staleFdb', data: { peer: NODE_A, node: NODE_B, stale: LAB.b.mac, mac: NEW_B }, evidence: [`${LAB.b.mac} dev flannel.1 dst ${LAB.b.ip}`], commands: [`bridge fdb del ${LAB.b.mac} dev flannel.1 dst ${LAB.b.ip} && bridge fdb append ${NEW_B} dev flannel.1 dst ${LAB.b.ip} self permanent`] },
        { messageId: 'staleNeighbour', data: { overlay: '10.244.2.0', stale: LAB.b.mac }, commands: [`ip neigh replace 10.244.2.0 lladdr ${NEW_B} dev flannel.1 nud permanent`] },
      ],
    },
    {
      name: 'node a has no entries for node b',
      evidence: labEvidence({ a: aForgot }),
      errors: [{ messageId: 'missing', severity: 'warning', data: { peer: NODE_A, node: NODE_B } }],
    },
  ],
  skipped: [
    { name: 'cluster facts with no object', evidence: emptyClusterEvidence(), reason: 'the cluster facts list no Node objects' },
    { name: 'no node facts', evidence: { cluster: labEvidence().cluster, nodes: [] }, reason: /no cluster node has its own facts/ },
    { name: 'nodes without flannel annotations', evidence: labEvidence({ nodes: labNodesWithout('flannel.alpha.coreos.com/') }), reason: /no node advertises a VTEP/ },
  ],
});
