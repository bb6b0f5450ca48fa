// Seed 003, second half: once a host's UDP rate exceeds a threshold, the device between the nodes
// drops everything from that host (ping too) for a while. A dynamic nft set metres each source;
// a source over the rate lands in @blackholed, whose entries expire after --timeout.
import { addNftTable, parseRate, parseTimeout, requireSwitch } from './common.js';
import type { FaultDef } from './types.js';

/** Sets and chain that cut a source off (all IPv4) for `timeout` once its UDP rate passes `bytes`/s. */
export function rateBlackholeBody(bytes: number, timeout: string): string {
  return [
    `  set udp_rate { type ipv4_addr; flags dynamic,timeout; timeout ${timeout}; }`,
    `  set blackholed { type ipv4_addr; flags dynamic,timeout; timeout ${timeout}; }`,
    '  chain forward_rate {',
    '    type filter hook forward priority 0; policy accept;',
    '    ip saddr @blackholed counter drop',
    `    meta l4proto udp update @udp_rate { ip saddr limit rate over ${bytes} bytes/second } add @blackholed { ip saddr } counter drop`,
    '  }',
  ].join('\n');
}

export const underlayRateBlackhole: FaultDef = {
  name: 'underlay-rate-blackhole',
  summary: 'the underlay switch cuts a host off entirely (all IPv4) once its UDP rate exceeds --rate, for --timeout',
  reproduces: 'seed 003 (UDP rate above ~22 Mbit/s blackholes the host); kb 6 underlay rate limit',
  where: 'switch',
  nodeRole: 'unused: every host behind the switch is metred',
  defaultNode: 'first',
  options: {
    rate: { default: '20mbit', help: 'UDP rate per source host above which it is blackholed' },
    timeout: { default: '30s', help: 'how long a host stays blackholed' },
  },
  async inject({ plan, options }, tx) {
    const sw = requireSwitch(plan, 'underlay-rate-blackhole');
    const bytes = parseRate(options.rate!);
    const timeout = parseTimeout(options.timeout!);
    await addNftTable(tx, sw, 'bridge', 'pplab_underlay_rate', rateBlackholeBody(bytes, timeout));
    return [`switch ${sw}: a host sending UDP above ${options.rate} (${bytes} bytes/s) is cut off entirely for ${timeout} (nft table bridge pplab_underlay_rate, sets udp_rate and blackholed)`];
  },
};
