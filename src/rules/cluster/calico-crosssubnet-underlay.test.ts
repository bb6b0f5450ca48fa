import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RuleTester } from '../../engine/rule-tester.js';
import { parseDumpText } from '../../sources/kube/files.js';
import type { KubeObject } from '../../sources/kube/objects.js';
import { clusterFacts, labEvidence, labNodeFacts, labNodeObjects, LAB, NODE_A, NODE_B, emptyClusterEvidence } from '../../../test/helpers/cluster-evidence.js';
import rule from './calico-crosssubnet-underlay.js';

const KUBE = join(__dirname, '../../../test/fixtures/kube/api');
const recorded = (f: string) => parseDumpText(readFileSync(join(KUBE, f), 'utf8'), f).objects;
const CROSS = 'ippoollist-default-crosssubnet-crd-v1.json';

// The recorded Calico nodes (EKS eu-central-1): 192.168.4.135/19 and 192.168.47.102/19, two subnets.
const eks = recorded('nodelist-calico-composed-server.json');
// The same nodes off the cloud (no region label), with the lab's addresses: 172.31.250.1/19 and .2/19, one subnet.
function offCloud(): KubeObject[] {
  const nodes = labNodeObjects('nodelist-calico-composed-server.json');
  for (const n of nodes) for (const k of Object.keys(n.metadata.labels)) if (/region|zone|eksctl|instance-type/.test(k)) delete n.metadata.labels[k];
  return nodes;
}
// Node a's link is narrower than Calico's /19: the kernel reaches node b via the gateway.
const aViaGateway = labNodeFacts('a');
aViaGateway.routes!.items = aViaGateway.routes!.items.filter((r) => r.dst !== '172.31.250.0/24').map((r) => (r.dst === 'default' && r.table === 'main' ? { ...r, via: '172.31.250.254' } : r));
aViaGateway.routes!.items.push({ dst: `${LAB.a.ip}/32`, type: 'unicast', dev: 'eth0', table: 'main', proto: 'kernel', scope: 'link', onlink: false, line: `${LAB.a.ip} dev eth0 proto kernel scope link` });

new RuleTester().run(rule, {
  valid: [
    { name: 'the recorded EKS nodes are in two /19 subnets: everything is encapsulated', evidence: { cluster: clusterFacts(eks, [CROSS]) } },
    { name: 'the recorded pool with vxlanMode Always', evidence: { cluster: clusterFacts(labNodeObjects('nodelist-calico-composed-server.json'), ['ippool-default-always-v3.yaml']) } },
    { name: 'one subnet off the cloud, the lab\'s on-link route to the peer', evidence: { ...labEvidence({ nodes: offCloud(), extraFiles: [CROSS] }) } },
  ],
  invalid: [
    {
      name: 'one subnet in the AWS VPC (the recorded eu-central-1 labels)',
      evidence: { cluster: clusterFacts(labNodeObjects('nodelist-calico-composed-server.json'), [CROSS]) },
      errors: [{ messageId: 'awsVpc', severity: 'warning', data: { pool: 'default-ipv4-ippool', count: 1, pairs: `${NODE_A}-${NODE_B}`, region: 'eu-central-1' }, commands: ['kubectl patch ippools.crd.projectcalico.org default-ipv4-ippool --type merge -p \'{"spec":{"vxlanMode":"Always"}}\''] }],
    },
    {
      name: 'one subnet by Calico\'s /19, but node a routes node b via the gateway',
      evidence: labEvidence({ nodes: offCloud(), extraFiles: [CROSS], a: aViaGateway }),
      errors: [{ messageId: 'viaGateway', data: { node: NODE_A, peer: NODE_B, subnet: '172.31.250.1/19', peerIp: LAB.b.ip, gw: '172.31.250.254' } }],
    },
  ],
  skipped: [
    { name: 'cluster facts with no object', evidence: emptyClusterEvidence(), reason: 'the cluster facts list no Node objects' },
    { name: 'a flannel cluster: no IPPool to judge', evidence: labEvidence(), reason: 'no Calico IPPool in the cluster facts' },
  ],
});
