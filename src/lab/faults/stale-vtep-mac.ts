// kb 6: the node's VXLAN device changed its MAC (systemd MACAddressPolicy, a recreated device)
// and the peers' neighbour and fdb entries still carry the old one: frames for the old MAC reach
// the node and are dropped as "not for this host".
import { stableMac } from '../names.js';
import type { FaultDef } from './types.js';

export const staleVtepMac: FaultDef = {
  name: 'stale-vtep-mac',
  summary: "the node's VXLAN MAC changes; peers' neigh/fdb keep the old MAC",
  reproduces: 'kb 6 (stale VtepMAC / FDB / neighbour)',
  where: 'node',
  nodeRole: 'the node whose VXLAN MAC changes',
  defaultNode: 'first',
  options: { mac: { default: '', help: 'the new MAC (default: a stable made-up one)' } },
  async inject({ node, options }, tx) {
    const mac = options.mac || stableMac(`${node.ns}/stale`);
    await tx.do({ ns: node.ns, argv: ['ip', 'link', 'set', node.vtep.dev, 'address', mac] }, { ns: node.ns, argv: ['ip', 'link', 'set', node.vtep.dev, 'address', node.vtep.mac] });
    return [`${node.name}: ${node.vtep.dev} MAC ${node.vtep.mac} -> ${mac}; peers' neighbour and fdb entries still say ${node.vtep.mac}`];
  },
};
