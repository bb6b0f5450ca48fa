// Seed 002's effect: on a node that forwards, packets above a size vanish between the VXLAN
// device and the pods (there it was LRO-merged frames the kernel could not re-segment). Here an
// nftables rule on the node's forward path drops them: the effect is real, its cause is not LRO.
import { intOption, addNftTable } from './common.js';
import type { NodePlan } from '../topology.js';
import type { FaultDef, FaultTxLike } from './types.js';

/** Drops what `node` forwards from its VXLAN device when longer than `size` bytes (nft table `table`). */
export async function dropLargeForwarded(tx: FaultTxLike, node: NodePlan, size: number, table: string): Promise<void> {
  await addNftTable(tx, node.ns, 'ip', table, [
    '  chain forward_large {',
    '    type filter hook forward priority 0; policy accept;',
    `    iifname "${node.vtep.dev}" ip length > ${size} counter drop`,
    '  }',
  ].join('\n'));
}

export const largePacketDrop: FaultDef = {
  name: 'large-packet-drop',
  summary: 'packets larger than --size bytes (IP length) are dropped where the node forwards from the overlay to its pods',
  reproduces: 'seed 002 (effect only: small packets pass, large ones vanish on a forwarding hop)',
  where: 'node',
  nodeRole: 'the receiving node that forwards to its pods',
  defaultNode: 'last',
  options: { size: { default: '1000', help: 'largest IP packet that still passes' } },
  async inject({ node, options }, tx) {
    const size = intOption(options, 'size', 68, 65535);
    await dropLargeForwarded(tx, node, size, 'pplab_large_packet_drop');
    return [`${node.name}: packets from ${node.vtep.dev} longer than ${size} bytes are dropped on the forward path (nft table ip pplab_large_packet_drop)`];
  },
};
