// kb 6 (flannel picked the wrong interface): two nodes advertise one public-ip, so the others
// send both nodes' VXLAN traffic to one host (a Vagrant NAT address every VM has, a VPN or docker
// bridge address). The lab writes flannel's node annotations at `lab up` (kube-objects.ts): this
// fault rewrites the node's flannel.alpha.coreos.com/public-ip in that file to the peer's address,
// as a flannel bound to the wrong interface would publish. Only the cluster's view changes (the
// nodes' own VXLAN devices keep their addresses): what cluster doctor judges against the nodes.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PodpathError } from '../../util/errors.js';
import { KUBE_OBJECTS_FILE } from '../kube-objects.js';
import type { FaultDef } from './types.js';

const PUBLIC_IP = 'flannel.alpha.coreos.com/public-ip';

interface NodeObject { kind?: string; metadata?: { name?: string; annotations?: Record<string, string> } }

export const duplicatePublicIp: FaultDef = {
  name: 'duplicate-public-ip',
  summary: "the node's flannel public-ip annotation says the peer's address: two nodes advertise one public-ip",
  reproduces: 'kb 6 (flannel picked the wrong interface: every node publishes one address)',
  where: 'node',
  nodeRole: 'the node whose annotation takes the peer\'s address',
  defaultNode: 'first',
  peerRole: 'the node whose address it advertises',
  options: {},
  async inject({ plan, node, peer }, tx) {
    if (plan.options.cni !== 'flannel') throw new PodpathError('E_LAB_OPTION', `duplicate-public-ip changes flannel's node annotation: this lab runs ${plan.options.cni}`);
    const file = join(plan.dir, KUBE_OBJECTS_FILE);
    const doc = JSON.parse(await readFile(file, 'utf8')) as { items?: NodeObject[] };
    const obj = doc.items?.find((o) => o.kind === 'Node' && o.metadata?.name === node.name);
    const annotations = obj?.metadata?.annotations;
    if (!annotations?.[PUBLIC_IP]) throw new PodpathError('E_LAB_FAULT', `${file} has no ${PUBLIC_IP} annotation for ${node.name}`);
    annotations[PUBLIC_IP] = peer.eth0Ip;
    await tx.replaceFile(file, JSON.stringify(doc, null, 2) + '\n');
    return [`${node.name}: Node annotation ${PUBLIC_IP} ${node.eth0Ip} -> ${peer.eth0Ip} (${peer.name}'s address), in ${KUBE_OBJECTS_FILE}; ${node.name}'s flannel.1 keeps its own address (emulated: only the cluster's objects change)`];
  },
};
