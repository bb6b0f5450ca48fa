// kb 6: IPv4 forwarding off on a node: it still answers for itself but routes nothing for its pods.
import { setSysctl } from './common.js';
import type { FaultDef } from './types.js';

export const ipForwardOff: FaultDef = {
  name: 'ip-forward-off',
  summary: 'net.ipv4.ip_forward = 0 on the node',
  reproduces: 'kb 6 (forwarding off)',
  where: 'node',
  nodeRole: 'the node that stops forwarding',
  defaultNode: 'first',
  doctor: { on: 'node', rule: 'ip-forward-off' },
  options: {},
  async inject({ node }, tx) {
    await setSysctl(tx, node.ns, 'net.ipv4.ip_forward', '0');
    return [`${node.name}: net.ipv4.ip_forward=0`];
  },
};
