// kb 6: the node's VXLAN device changed its MAC (systemd MACAddressPolicy, a recreated device)
// and the peers' neighbour and fdb entries still carry the old one: frames for the old MAC reach
// the node and are dropped as "not for this host".
import { stableMac } from '../names.js';
import { peerRouteLines } from '../topology.js';
import type { FaultDef } from './types.js';

export const staleVtepMac: FaultDef = {
  name: 'stale-vtep-mac',
  summary: "the node's VXLAN MAC changes; peers' neigh/fdb keep the old MAC",
  reproduces: 'kb 6 (stale VtepMAC / FDB / neighbour)',
  where: 'node',
  nodeRole: 'the node whose VXLAN MAC changes',
  defaultNode: 'first',
  options: { mac: { default: '', help: 'the new MAC (default: a stable made-up one)' } },
  async inject({ plan, node, options }, tx) {
    const mac = options.mac || stableMac(`${node.ns}/stale`);
    // A MAC change flushes the device's own neighbour entries, permanent ones too; flanneld puts
    // them back, so the node itself stays correct and only the peers are stale.
    const neigh = { ns: node.ns, argv: ['ip', '-batch', '-'], stdin: peerRouteLines(plan, node).filter((l) => l.startsWith('neigh ')).join('\n') + '\n' };
    await tx.do(
      { ns: node.ns, argv: ['ip', 'link', 'set', node.vtep.dev, 'address', mac] },
      [{ ns: node.ns, argv: ['ip', 'link', 'set', node.vtep.dev, 'address', node.vtep.mac] }, neigh],
    );
    await tx.do(neigh);
    return [`${node.name}: ${node.vtep.dev} MAC ${node.vtep.mac} -> ${mac}; peers' neighbour and fdb entries still say ${node.vtep.mac}`];
  },
};
