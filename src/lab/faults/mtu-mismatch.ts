// kb 5: the nodes' eth0 says --mtu (1500) and flannel derives 1450 from it, but the underlay path
// carries less: frames above --path-mtu are dropped on the way (a veth drops frames larger than
// the MTU of the device that receives them). The nodes' eth0 stop building large (GSO) TCP
// packets meanwhile: a veth lets a GSO packet past any MTU, so with them TCP would cross or not
// by timing; on a real path every full-size segment is lost, and so it is here. --one-node yes:
// only --peer's eth0 is lowered (one node configured below the others, the mesh's "one node's MTU").
import { intOption } from './common.js';
import type { FaultDef } from './types.js';

export const mtuMismatch: FaultDef = {
  name: 'mtu-mismatch',
  summary: "the underlay path carries less than the nodes' eth0 MTU: full-size VXLAN frames vanish",
  reproduces: 'kb 5 (overlay MTU derived from a NIC MTU the path does not carry)',
  where: 'switch',
  nodeRole: 'veth underlay only: the node whose frames are dropped on the way to --peer',
  defaultNode: 'first',
  peerRole: 'veth underlay: the receiving node whose eth0 gets the smaller MTU',
  options: {
    'path-mtu': { default: '', help: 'MTU of the path (default: the lab MTU - 50)' },
    'one-node': { default: '', help: "yes: lower only --peer's eth0 MTU (one node whose MTU is below the others'), even on a bridge underlay" },
  },
  async inject({ plan, peer, options }, tx) {
    const pathMtu = options['path-mtu'] ? intOption(options, 'path-mtu', 576, 9000) : plan.options.mtu - 50;
    const mtu = String(plan.options.mtu);
    for (const n of plan.nodes) {
      await tx.do({ ns: n.ns, argv: ['ethtool', '-K', 'eth0', 'tso', 'off', 'gso', 'off'] }, { ns: n.ns, argv: ['ethtool', '-K', 'eth0', 'tso', 'on', 'gso', 'on'] });
    }
    const oneNode = options['one-node'] === 'yes';
    if (plan.switchNs && !oneNode) {
      for (const n of plan.nodes) {
        await tx.do({ ns: plan.switchNs, argv: ['ip', 'link', 'set', n.switchPort!, 'mtu', String(pathMtu)] }, { ns: plan.switchNs, argv: ['ip', 'link', 'set', n.switchPort!, 'mtu', mtu] });
      }
      return [`switch ${plan.switchNs}: every port's MTU lowered to ${pathMtu} while the nodes' eth0 stay at ${mtu} (flannel MTU ${plan.nodes[0]!.vtep.mtu})`];
    }
    await tx.do({ ns: peer.ns, argv: ['ip', 'link', 'set', 'eth0', 'mtu', String(pathMtu)] }, { ns: peer.ns, argv: ['ip', 'link', 'set', 'eth0', 'mtu', mtu] });
    return [oneNode
      ? `${peer.name} eth0 MTU lowered to ${pathMtu} (the other nodes keep ${mtu}): frames to it larger than that are dropped on the way in, and it sends none larger`
      : `${peer.name} eth0 MTU lowered to ${pathMtu}: frames from its peer larger than that are dropped (one direction only on a veth underlay)`];
  },
};
