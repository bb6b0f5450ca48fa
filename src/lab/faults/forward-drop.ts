// kb 6: iptables FORWARD policy DROP (as Docker >= 1.13 sets it) with no CNI accept rules: the
// node no longer forwards between the overlay and its pods.
import type { FaultDef } from './types.js';

export const forwardDrop: FaultDef = {
  name: 'forward-drop',
  summary: 'iptables FORWARD policy DROP on the node, no accept rules for the pod network',
  reproduces: 'kb 6 (FORWARD policy DROP, Docker >= 1.13)',
  where: 'node',
  nodeRole: 'the node whose FORWARD chain drops',
  defaultNode: 'first',
  doctor: { on: 'node', rule: 'forward-policy-drop' },
  options: {},
  async inject({ node }, tx) {
    const tables = await tx.read({ ns: node.ns, argv: ['nft', 'list', 'tables'] });
    const hadFilter = /^table ip filter$/m.test(tables);
    const undo = hadFilter
      ? { ns: node.ns, argv: ['iptables', '-P', 'FORWARD', 'ACCEPT'] }
      : { ns: node.ns, argv: ['nft', 'delete', 'table', 'ip', 'filter'] };
    await tx.do({ ns: node.ns, argv: ['iptables', '-P', 'FORWARD', 'DROP'] }, undo);
    return [`${node.name}: iptables -P FORWARD DROP${hadFilter ? '' : ' (table ip filter created by iptables-nft; heal deletes it)'}`];
  },
};
