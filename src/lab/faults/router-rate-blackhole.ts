// Seed 003's second half between two subnets: once a host's UDP rate through the router exceeds
// --rate, the router drops everything from it (ping too) for --timeout. Pairs within a subnet do
// not pass the router and never trip it.
import { addNftTable, parseRate, parseTimeout, requireRouter } from './common.js';
import type { FaultDef } from './types.js';
import { rateBlackholeBody } from './underlay-rate-blackhole.js';

export const routerRateBlackhole: FaultDef = {
  name: 'router-rate-blackhole',
  summary: 'the router between the subnets cuts a host off entirely (all IPv4 it routes) once its UDP rate through it exceeds --rate, for --timeout',
  reproduces: 'seed 003 (UDP rate above ~22 Mbit/s blackholes the host, across the subnets); kb 6 underlay rate limit',
  where: 'router',
  nodeRole: 'unused: every host sending across the subnets is metred',
  defaultNode: 'first',
  options: {
    rate: { default: '20mbit', help: 'UDP rate per source host above which it is blackholed' },
    timeout: { default: '30s', help: 'how long a host stays blackholed' },
  },
  async inject({ plan, options }, tx) {
    const rt = requireRouter(plan, 'router-rate-blackhole');
    const bytes = parseRate(options.rate!);
    const timeout = parseTimeout(options.timeout!);
    await addNftTable(tx, rt, 'ip', 'pplab_router_rate', rateBlackholeBody(bytes, timeout));
    return [`router ${rt}: a host sending UDP across the subnets above ${options.rate} (${bytes} bytes/s) is cut off entirely for ${timeout} (nft table ip pplab_router_rate)`];
  },
};
