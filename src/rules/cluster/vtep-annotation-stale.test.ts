import { RuleTester } from '../../engine/rule-tester.js';
import { LAB, labEvidence, labNodeFacts, labNodeObjects, NODE_A, emptyClusterEvidence, labNodesWithout } from '../../../test/helpers/cluster-evidence.js';
import rule from './vtep-annotation-stale.js';

// Node a's flannel.1 re-created with a new MAC: its own facts change, the annotation does not.
const RECREATED = '42:d9:e9:67:0e:ff';
const aRecreated = labNodeFacts('a');
aRecreated.links!.items = aRecreated.links!.items.map((l) => (l.name === 'flannel.1' ? { ...l, mac: RECREATED } : l));

// Calico: the recorded Calico NodeList, its two nodes given node a's and b's lab facts with a vxlan.calico device.
function calicoFacts(which: 'a' | 'b', mac: string, addr: string) {
  const f = labNodeFacts(which);
  f.links!.items.push({ name: 'vxlan.calico', kind: 'vxlan', mtu: 1450, mac, flags: ['UP'], vxlan: { id: 4096, port: 4789, local: LAB[which].ip }, addresses: [{ family: 'inet', address: addr, prefixLen: 32 }], source: 'ip -d link' });
  return f;
}
const calicoNodes = labNodeObjects('nodelist-calico-composed-server.json');

new RuleTester().run(rule, {
  valid: [
    { name: 'the lab pair: each annotation is its flannel.1 MAC', evidence: labEvidence() },
    { name: 'Calico: annotations match vxlan.calico', evidence: labEvidence({ nodes: calicoNodes, a: calicoFacts('a', '66:e8:3a:b1:07:2c', '10.244.97.0'), b: calicoFacts('b', '66:1f:5d:42:c9:80', '10.244.19.0') }) },
  ],
  invalid: [
    {
      name: 'flannel.1 re-created on node a, annotation still the old MAC',
      evidence: labEvidence({ a: aRecreated }),
      errors: [{ messageId: 'flannelMac', data: { node: NODE_A, annotated: LAB.a.mac, actual: RECREATED, dev: 'flannel.1' }, evidence: [/VtepMAC/, /link\/ether 42:d9:e9:67:0e:ff/], commands: ['kubectl -n kube-flannel delete pod -l app=flannel --field-selector spec.nodeName=node-a'] }],
    },
    {
      name: 'Calico: node b\'s vxlan.calico has another MAC and address than its annotations say',
      evidence: labEvidence({ nodes: calicoNodes, a: calicoFacts('a', '66:e8:3a:b1:07:2c', '10.244.97.0'), b: calicoFacts('b', '66:1f:5d:42:c9:81', '10.244.19.64') }),
      errors: [{ messageId: 'calicoMac', data: { annotated: '66:1f:5d:42:c9:80', actual: '66:1f:5d:42:c9:81' } }, { messageId: 'calicoAddr', data: { annotated: '10.244.19.0', actual: '10.244.19.64' } }],
    },
  ],
  skipped: [
    { name: 'no node facts: cannot compare', evidence: { cluster: labEvidence().cluster }, reason: /nodes/ },
    { name: 'cluster facts with no object (a node bundle given as dumps)', evidence: emptyClusterEvidence(), reason: 'the cluster facts list no Node objects' },
    { name: 'nodes without flannel annotations: nothing advertised to compare', evidence: labEvidence({ nodes: labNodesWithout('flannel.alpha.coreos.com/') }), reason: /no node with its own facts both advertises a VTEP/ },
  ],
});
