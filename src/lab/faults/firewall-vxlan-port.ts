// kb 6: a host firewall whose input policy is drop and whose zone lacks the tunnel port, the way
// firewalld leaves a node: established traffic, loopback, ICMP and ssh are let in, UDP 8472 is not.
import type { FaultDef } from './types.js';
import { addNftTable } from './common.js';

export const firewallVxlanPort: FaultDef = {
  name: 'firewall-vxlan-port',
  summary: 'host firewall (input policy drop, firewalld-like zone) without the VXLAN port',
  reproduces: 'kb 6 (firewall blocks the tunnel)',
  where: 'node',
  nodeRole: 'the node whose firewall drops the tunnel',
  defaultNode: 'first',
  doctor: { on: 'node', rule: 'firewall-vxlan-port' },
  options: {},
  async inject({ node }, tx) {
    await addNftTable(tx, node.ns, 'inet', 'pplab_firewall', [
      '  chain input_fw {',
      '    type filter hook input priority 0; policy drop;',
      '    ct state established,related accept',
      '    iifname "lo" accept',
      '    meta l4proto icmp accept',
      '    tcp dport 22 accept',
      '    counter',
      '  }',
    ].join('\n'));
    return [`${node.name}: nft table inet pplab_firewall: input policy drop, accepts established, lo, ICMP and ssh only: incoming UDP ${node.vtep.port} (VXLAN from peers) is dropped`];
  },
};
