import { RuleTester } from '../../engine/rule-tester.js';
import type { NodeFacts } from '../../evidence/node-facts.js';
import { labEvidence, labNodeFacts, labNodeObjects, LAB, NODE_A, NODE_B, emptyClusterEvidence } from '../../../test/helpers/cluster-evidence.js';
import rule from './overlay-settings-mismatch.js';

function withDevice(f: NodeFacts, name: string, change: { mtu?: number; port?: number; id?: number }): NodeFacts {
  f.links!.items = f.links!.items.map((l) => (l.name === name ? { ...l, mtu: change.mtu ?? l.mtu, vxlan: { ...l.vxlan!, port: change.port ?? l.vxlan!.port, id: change.id ?? l.vxlan!.id } } : l));
  return f;
}
// A third node (a copy of b under another name) so that a majority exists without net-conf values.
function three(a: NodeFacts, b: NodeFacts, c: NodeFacts) {
  const objs = labNodeObjects();
  const extra = structuredClone(objs[1]!);
  extra.metadata.name = 'node-c';
  const ev = labEvidence({ nodes: [...objs, extra], a, b });
  ev.nodes!.push({ name: 'node-c', matchedBy: 'name', from: 'test', facts: c });
  return ev;
}

// Calico: recorded FelixConfiguration (vxlanPort/vxlanVNI as composed in SOURCES.md) against vxlan.calico devices.
function calicoFacts(which: 'a' | 'b', port: number, vni: number) {
  const f = labNodeFacts(which);
  f.links!.items.push({ name: 'vxlan.calico', kind: 'vxlan', mtu: 1450, mac: which === 'a' ? '66:e8:3a:b1:07:2c' : '66:1f:5d:42:c9:80', flags: ['UP'], vxlan: { id: vni, port, local: LAB[which].ip }, addresses: [], source: 'ip -d link' });
  return f;
}
const calicoNodes = labNodeObjects('nodelist-calico-composed-server.json');

new RuleTester().run(rule, {
  valid: [
    { name: 'the lab pair: flannel.1 id 1 dstport 8472 mtu 1450 on both, net-conf leaves Port and VNI at their defaults', evidence: labEvidence() },
    { name: 'Calico: vxlan.calico as the recorded default FelixConfiguration says', evidence: labEvidence({ nodes: calicoNodes, extraFiles: ['felixconfiguration-crd-v1-checksum-override.yaml'], a: calicoFacts('a', 4789, 4096), b: calicoFacts('b', 4789, 4096) }) },
  ],
  invalid: [
    {
      name: 'node b\'s flannel.1 uses port 4789 (net-conf: default 8472)',
      evidence: labEvidence({ b: withDevice(labNodeFacts('b'), 'flannel.1', { port: 4789 }) }),
      errors: [{ messageId: 'notConfigured', data: { setting: 'dstport', value: 4789, nodes: NODE_B, expected: 8472 }, evidence: [/Backend.Port unset \(default 8472\)/, /dstport 4789/] }],
    },
    {
      name: 'node a\'s flannel.1 has MTU 1400, b and c 1450 (net-conf sets no MTU: the majority)',
      evidence: three(withDevice(labNodeFacts('a'), 'flannel.1', { mtu: 1400 }), labNodeFacts('b'), labNodeFacts('b')),
      errors: [{ messageId: 'differs', data: { setting: 'mtu', value: 1400, nodes: NODE_A, others: 1450, otherCount: 2 }, commands: ['kubectl -n kube-flannel delete pod -l app=flannel --field-selector spec.nodeName=node-a'] }],
    },
    {
      name: 'node b\'s eth0 (under flannel.1) has MTU 1450, node a\'s 1500 (the lab fault mtu-mismatch on a veth underlay)',
      evidence: labEvidence({ b: (() => { const f = labNodeFacts('b'); f.links!.items = f.links!.items.map((l) => (l.name === 'eth0' ? { ...l, mtu: 1450 } : l)); return f; })() }),
      errors: [{ messageId: 'differs', data: { dev: 'eth0', setting: 'mtu', value: 1450, nodes: NODE_B, others: 1500 }, evidence: [/^eth0: mtu 1450/, /^eth0: mtu 1500/] }],
    },
    {
      name: 'Calico: node a\'s vxlan.calico on VNI 4097',
      evidence: labEvidence({ nodes: calicoNodes, extraFiles: ['felixconfiguration-v3-vxlan.yaml'], a: calicoFacts('a', 4789, 4097), b: calicoFacts('b', 4789, 4096) }),
      errors: [{ messageId: 'notConfigured', data: { setting: 'vxlan id', value: 4097, nodes: NODE_A } }],
    },
  ],
  skipped: [
    { name: 'cluster facts with no object', evidence: emptyClusterEvidence(), reason: 'the cluster facts list no Node objects' },
    { name: 'no node has a VXLAN device', evidence: { ...labEvidence(), nodes: labEvidence().nodes!.map((n) => ({ ...n, facts: { ...n.facts, links: { ...n.facts.links!, items: n.facts.links!.items.filter((l) => !l.name.startsWith('flannel')) } } })) }, reason: /no cluster node with its own facts has a flannel or Calico VXLAN device/ },
  ],
});
