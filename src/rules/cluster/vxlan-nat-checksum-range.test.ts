import { RuleTester } from '../../engine/rule-tester.js';
import { clusterFacts, labEvidence, labNodeFacts, labNodeObjects, nodeInfo, emptyClusterEvidence } from '../../../test/helpers/cluster-evidence.js';
import rule from './vxlan-nat-checksum-range.js';

// The recorded EKS nodes run kernel 4.14.154-128.181.amzn2 and kube-proxy v1.14.8-eks: both before the fixes.
const recorded = { cluster: clusterFacts(labNodeObjects()) };
// The same nodes upgraded (values as the nodeInfo of a 1.21 EKS node would carry them).
const upgraded = labNodeObjects();
for (const n of upgraded) Object.assign(nodeInfo(n), { kernelVersion: '5.4.117-58.216.amzn2.x86_64', kubeProxyVersion: 'v1.21.2-eks-55daa9d' });
// Calico on the old kernel with a fixed kube-proxy: felix must turn the offload off (the recorded CAPZ override does).
const calicoOld = labNodeObjects('nodelist-calico-composed-server.json');
for (const n of calicoOld) Object.assign(nodeInfo(n), { kubeProxyVersion: 'v1.21.2' });

new RuleTester().run(rule, {
  valid: [
    { name: 'kernel 5.4.117 and kube-proxy v1.21.2', evidence: { cluster: clusterFacts(upgraded) } },
    { name: 'Calico, old kernel, the recorded ChecksumOffloadBroken=true override', evidence: { cluster: clusterFacts(calicoOld, ['ippoollist-default-crosssubnet-crd-v1.json', 'felixconfiguration-crd-v1-checksum-override.yaml']) } },
    { name: 'the node\'s own uname (6.1) wins over an old nodeInfo', evidence: { ...labEvidence(), nodes: labEvidence({ a: labNodeFacts('a'), b: labNodeFacts('b') }).nodes } },
  ],
  invalid: [
    {
      name: 'the recorded EKS nodes: kernel 4.14.154 and kube-proxy v1.14.8',
      evidence: recorded,
      errors: [{ messageId: 'kubeProxy', data: { count: 2, kernel: '4.14.154-128.181.amzn2.x86_64', kernelBasis: '4.14.154 < 4.14.181', kubeProxy: 'v1.14.8-eks-b8860f', proxyBasis: '1.14.8 < 1.17.9' }, evidence: [/^4\.14\.154-128\.181\.amzn2\.x86_64$/, /^v1\.14\.8-eks-b8860f$/], commands: ['ethtool -K flannel.1 tx-checksum-ip-generic off  # on each of node-a, node-b'] }],
    },
    {
      name: 'Calico, old kernel, no override',
      evidence: { cluster: clusterFacts(calicoOld, ['ippoollist-default-crosssubnet-crd-v1.json']) },
      errors: [{ messageId: 'calico', severity: 'warning', data: { count: 2, dev: 'vxlan.calico' } }],
    },
  ],
  skipped: [
    { name: 'cluster facts with no object', evidence: emptyClusterEvidence(), reason: 'the cluster facts list no Node objects' },
  ],
});
