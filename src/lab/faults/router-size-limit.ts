// Seed 003 as it was: the device that dropped UDP above 1472 bytes sat between two subnets. Here
// it is the router of a two-subnet lab (`lab up --subnets 2`): an ip-family nftables table at its
// forward hook, so only traffic between the subnets meets it; pairs within a subnet never do.
import { addNftTable, intOption, requireRouter } from './common.js';
import type { FaultDef } from './types.js';
import { udpSizeChain } from './underlay-size-limit.js';

export const routerSizeLimit: FaultDef = {
  name: 'router-size-limit',
  summary: 'the router between the subnets drops UDP datagrams whose UDP length exceeds --max (1480: 1472-byte payloads cross, 1473 do not); within a subnet all pass',
  reproduces: 'seed 003 (a device between 10.0.1.0/24 and 10.0.2.0/24 dropping UDP > 1472 bytes); kb 5',
  where: 'router',
  nodeRole: 'unused: every pair across the subnets is affected',
  defaultNode: 'first',
  options: { max: { default: '1480', help: 'largest UDP length (header + payload) that still passes' } },
  async inject({ plan, options }, tx) {
    const rt = requireRouter(plan, 'router-size-limit');
    const max = intOption(options, 'max', 8, 65535);
    await addNftTable(tx, rt, 'ip', 'pplab_router_size', udpSizeChain(max));
    return [`router ${rt}: UDP datagrams routed between ${plan.router!.legs.map((l) => l.cidr).join(' and ')} with UDP length > ${max} (payload > ${max - 8} bytes) are dropped (nft table ip pplab_router_size)`];
  },
};
