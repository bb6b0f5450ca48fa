// The VTEP a node advertises (flannel's backend-data VtepMAC, Calico's VXLANTunnelMACAddr and
// IPv4VXLANTunnelAddr) against the VXLAN device the node really has. Every other node programs its
// neighbour and FDB entries from the annotation, so a stale one sends that node's traffic to a MAC
// no device answers for.
import { defineRule } from '../../engine/types.js';
import { agentPod, factLine, flannelDeviceName, linkLine, linkOf, nodePairs, normMac, CLUSTER_REASONS, clusterGap } from '../shared/cluster-shared.js';

export default defineRule({
  meta: {
    id: 'vtep-annotation-stale',
    kind: 'cluster',
    title: { en: 'A node\'s VTEP annotation does not match its VXLAN device', zh: '节点的 VTEP 注解与其 VXLAN 设备不符' },
    severity: 'error',
    needs: ['cluster', 'nodes'],
    reasons: {
      ...CLUSTER_REASONS,
      noVtepAnnotation: { en: 'no node with its own facts both advertises a VTEP (flannel backend-data VtepMAC, Calico VXLANTunnelMACAddr or IPv4VXLANTunnelAddr) and has that VXLAN device', zh: '没有任何附带自身数据的节点既通告了 VTEP(flannel backend-data 的 VtepMAC、Calico 的 VXLANTunnelMACAddr 或 IPv4VXLANTunnelAddr)又有对应的 VXLAN 设备' },
    },
    messages: {
      flannelMac: {
        en: 'Node {node} advertises VtepMAC {annotated} (flannel.alpha.coreos.com/backend-data), but its {dev} has MAC {actual}: every other node sends {node}\'s pod traffic to {annotated}, which no device there answers for (the device was re-created, or the node rebooted with a new MAC, and flannel did not rewrite the annotation)',
        zh: '节点 {node} 通告的 VtepMAC 为 {annotated}(flannel.alpha.coreos.com/backend-data),但其 {dev} 的 MAC 是 {actual}:其他所有节点把发往 {node} 的 Pod 流量发给 {annotated},该节点上没有设备应答(设备被重建,或重启后 MAC 变了,而 flannel 未改写注解)',
      },
      calicoMac: {
        en: 'Node {node} advertises VXLANTunnelMACAddr {annotated} (projectcalico.org), but its {dev} has MAC {actual}: the other nodes program {annotated} for it and its pod traffic is lost',
        zh: '节点 {node} 通告的 VXLANTunnelMACAddr 为 {annotated}(projectcalico.org),但其 {dev} 的 MAC 是 {actual}:其他节点按 {annotated} 为它写入条目,发往它的 Pod 流量丢失',
      },
      calicoAddr: {
        en: 'Node {node} advertises IPv4VXLANTunnelAddr {annotated}, but its {dev} holds {actual}: the other nodes route to a tunnel address the node does not have',
        zh: '节点 {node} 通告的 IPv4VXLANTunnelAddr 为 {annotated},但其 {dev} 上的地址是 {actual}:其他节点路由到一个该节点并不拥有的隧道地址',
      },
    },
    explanation: {
      en: 'flannel\'s VXLAN backend writes the MAC of flannel.<VNI> into the node\'s backend-data annotation when it acquires its lease (newSubnetAttrs in pkg/backend/vxlan/vxlan.go), and every other node turns that annotation into a permanent neighbour entry (the node\'s subnet address -> VtepMAC) and an FDB entry (VtepMAC -> public-ip). Calico does the same with VXLANTunnelMACAddr and IPv4VXLANTunnelAddr on vxlan.calico. When the device is re-created with a new MAC (a reboot with systemd\'s MACAddressPolicy=persistent, a manual `ip link del`, a CNI upgrade) and the agent does not rewrite the annotation, the whole cluster keeps sending to the old MAC: the node receives the VXLAN datagrams but drops the inner frames (wrong destination MAC). podpath compares the annotation with the device in the node\'s own facts.',
      zh: 'flannel 的 VXLAN 后端在获取租约时把 flannel.<VNI> 的 MAC 写入节点的 backend-data 注解(pkg/backend/vxlan/vxlan.go 中的 newSubnetAttrs),其他所有节点据此写入永久邻居条目(该节点子网地址 -> VtepMAC)和 FDB 条目(VtepMAC -> public-ip)。Calico 在 vxlan.calico 上用 VXLANTunnelMACAddr 和 IPv4VXLANTunnelAddr 做同样的事。设备以新 MAC 重建(systemd MACAddressPolicy=persistent 下重启、手工 `ip link del`、CNI 升级)而 agent 未改写注解时,整个集群仍发往旧 MAC:该节点收到 VXLAN 报文,却因目的 MAC 不符丢弃内层帧。podpath 用节点自身的数据比较注解与设备。',
    },
    remediation: [
      {
        description: { en: 'Restart the CNI agent on {node}: at start it writes the annotation from the device, and the other nodes reprogram their entries', zh: '重启 {node} 上的 CNI agent:启动时它按设备改写注解,其他节点随之重写条目' },
        commands: ['kubectl get node {node} -o yaml > /tmp/podpath-node-before.yaml', 'kubectl -n {namespace} delete pod -l {selector} --field-selector spec.nodeName={node}'],
        undo: ['# nothing to undo: the DaemonSet starts a new agent pod; the node as it was is in /tmp/podpath-node-before.yaml'],
      },
    ],
    references: ['kb:known-failures.md#6 (stale VtepMAC / FDB / neighbour)', 'repo:flannel-io/flannel pkg/backend/vxlan/vxlan.go (newSubnetAttrs: VtepMAC = flannel.<VNI> MAC)', 'repo:projectcalico/calico libcalico-go/lib/backend/k8s/resources/node.go (VXLANTunnelMACAddr, IPv4VXLANTunnelAddr annotations)', 'gh:projectcalico/calico#9086'],
  },
  check(ctx) {
    const cluster = ctx.evidence.cluster;
    const gap = clusterGap(ctx.evidence, { own: true });
    if (gap) return ctx.skip(gap);
    // Nodes where an annotation met its device: none, and nothing was compared.
    let compared = 0;
    for (const { node, own } of nodePairs(ctx.evidence)) {
      if (!own) continue;
      const facts = own.facts;
      const fl = node.flannel;
      if (fl?.vtepMAC) {
        const dev = flannelDeviceName(cluster!, node);
        const link = linkOf(facts, dev);
        if (link?.mac) compared++;
        if (link?.mac && normMac(link.mac) !== normMac(fl.vtepMAC.value)) {
          ctx.report({
            messageId: 'flannelMac',
            data: { node: node.name, annotated: normMac(fl.vtepMAC.value), actual: normMac(link.mac), dev, ...agentPod(cluster, 'flannel') },
            evidence: [factLine(fl.backendData ?? fl.vtepMAC), linkLine(node.name, facts, link)],
          });
        }
      }
      const ca = node.calico;
      const link = linkOf(facts, 'vxlan.calico');
      if (ca && link && (ca.vxlanTunnelMACAddr || ca.ipv4VXLANTunnelAddr)) compared++;
      if (ca && link) {
        if (ca.vxlanTunnelMACAddr && link.mac && normMac(link.mac) !== normMac(ca.vxlanTunnelMACAddr.value)) {
          ctx.report({
            messageId: 'calicoMac',
            data: { node: node.name, annotated: normMac(ca.vxlanTunnelMACAddr.value), actual: normMac(link.mac), dev: link.name, ...agentPod(cluster, 'calico') },
            evidence: [factLine(ca.vxlanTunnelMACAddr), linkLine(node.name, facts, link)],
          });
        }
        const held = link.addresses.filter((a) => a.family === 'inet').map((a) => a.address);
        if (ca.ipv4VXLANTunnelAddr && held.length > 0 && !held.includes(ca.ipv4VXLANTunnelAddr.value)) {
          ctx.report({
            messageId: 'calicoAddr',
            data: { node: node.name, annotated: ca.ipv4VXLANTunnelAddr.value, actual: held.join(', '), dev: link.name, ...agentPod(cluster, 'calico') },
            evidence: [factLine(ca.ipv4VXLANTunnelAddr), { ...linkLine(node.name, facts, link), text: `${link.name}: inet ${held.join(', ')}` }],
          });
        }
      }
    }
    if (compared === 0) ctx.skip('noVtepAnnotation');
  },
});
