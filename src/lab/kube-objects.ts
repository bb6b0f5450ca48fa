// The lab's cluster facts as API objects: what the Kubernetes API would hold for the lab's nodes
// once kubelet registered them and flannel (kube subnet manager) or calico-node annotated them,
// plus the CNI's configuration objects. Written at `lab up` to <lab dir>/kube/objects.json in the
// form `kubectl get nodes,configmaps,ippools,felixconfigurations -A -o json` prints (`kind: List`),
// so `podpath cluster doctor --from` reads it as a customer's dump. Written once, as the agents
// would at start: a fault injected later leaves them as they were (a stale annotation is the point).
import { release } from 'node:os';
import type { LabPlan, NodePlan } from './topology.js';

export const KUBE_OBJECTS_FILE = 'kube/objects.json';

function node(plan: LabPlan, n: NodePlan): Record<string, unknown> {
  const flannel = plan.options.cni === 'flannel';
  const annotations: Record<string, string> = flannel
    ? {
        // flannel's vxlan backend: json.Marshal(vxlanLeaseAttrs{VNI, VtepMAC}) and the lease's public IP.
        'flannel.alpha.coreos.com/backend-data': JSON.stringify({ VNI: n.vtep.vni, VtepMAC: n.vtep.mac }),
        'flannel.alpha.coreos.com/backend-type': 'vxlan',
        'flannel.alpha.coreos.com/kube-subnet-manager': 'true',
        'flannel.alpha.coreos.com/public-ip': n.eth0Ip,
      }
    : {
        'projectcalico.org/IPv4Address': `${n.eth0Ip}/24`,
        'projectcalico.org/IPv4VXLANTunnelAddr': n.vtep.ip,
        'projectcalico.org/VXLANTunnelMACAddr': n.vtep.mac,
      };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: n.name, labels: { 'kubernetes.io/hostname': n.name, 'kubernetes.io/os': 'linux' }, annotations },
    spec: flannel ? { podCIDR: n.podCidr, podCIDRs: [n.podCidr] } : {},
    status: {
      addresses: [{ type: 'InternalIP', address: n.eth0Ip }, { type: 'Hostname', address: n.name }],
      conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady' }],
      // The lab's nodes run this machine's kernel; no kubelet or kube-proxy runs, so none is claimed.
      nodeInfo: { kernelVersion: release(), operatingSystem: 'linux', architecture: process.arch === 'x64' ? 'amd64' : process.arch },
    },
  };
}

function config(plan: LabPlan): Record<string, unknown>[] {
  if (plan.options.cni === 'flannel') {
    return [{
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'kube-flannel-cfg', namespace: 'kube-flannel', labels: { app: 'flannel', tier: 'node' } },
      // The same net-conf the nodes' roots carry (etc/kube-flannel/net-conf.json).
      data: { 'net-conf.json': JSON.stringify({ Network: plan.clusterCidr, Backend: { Type: 'vxlan' } }, null, 2) + '\n' },
    }];
  }
  return [
    { apiVersion: 'crd.projectcalico.org/v1', kind: 'IPPool', metadata: { name: 'default-ipv4-ippool' }, spec: { cidr: plan.clusterCidr, blockSize: 26, vxlanMode: 'Always', ipipMode: 'Never', natOutgoing: true, nodeSelector: 'all()' } },
    { apiVersion: 'crd.projectcalico.org/v1', kind: 'FelixConfiguration', metadata: { name: 'default' }, spec: { vxlanEnabled: true } },
  ];
}

/** The lab's objects as a `kubectl get ... -o json` list. */
export function labKubeObjects(plan: LabPlan): Record<string, unknown> {
  return { apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: '' }, items: [...plan.nodes.map((n) => node(plan, n)), ...config(plan)] };
}
