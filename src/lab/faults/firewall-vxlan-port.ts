// kb 6: a host firewall drops the tunnel port on input (firewalld zone without 8472/udp).
import type { FaultDef } from './types.js';
import { addNftTable } from './common.js';

export const firewallVxlanPort: FaultDef = {
  name: 'firewall-vxlan-port',
  summary: 'the node drops incoming UDP to the VXLAN port (host firewall)',
  reproduces: 'kb 6 (firewall blocks the tunnel)',
  where: 'node',
  nodeRole: 'the node whose firewall drops the tunnel',
  defaultNode: 'first',
  options: {},
  async inject({ node }, tx) {
    await addNftTable(tx, node.ns, 'inet', 'pplab_firewall', [
      '  chain input_fw {',
      '    type filter hook input priority 0; policy accept;',
      `    udp dport ${node.vtep.port} counter drop`,
      '  }',
    ].join('\n'));
    return [`${node.name}: incoming UDP to port ${node.vtep.port} dropped (nft table inet pplab_firewall)`];
  },
};
