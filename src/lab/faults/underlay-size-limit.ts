// Seed 003, first half: a device between the nodes drops UDP datagrams larger than 1472 bytes of
// payload. In the switch namespace, a bridge-family nftables table hooked at forward.
import { addNftTable, intOption, requireSwitch } from './common.js';
import type { FaultDef } from './types.js';

/**
 * The chain that drops UDP datagrams whose UDP length exceeds `max`, at the forward hook. Only the
 * first fragment (or an unfragmented datagram) holds the UDP header: on a later fragment
 * `udp length` would read two bytes of payload, and this kernel matches them (a pod's 1423-byte
 * datagram, fragmented at its 1450 MTU, lost its tail that way though its UDP length was 1431).
 */
export function udpSizeChain(max: number): string {
  return [
    '  chain forward_size {',
    '    type filter hook forward priority 0; policy accept;',
    `    ip frag-off & 0x1fff == 0 udp length > ${max} counter drop`,
    '  }',
  ].join('\n');
}

export const underlaySizeLimit: FaultDef = {
  name: 'underlay-size-limit',
  summary: 'the underlay switch drops UDP datagrams whose UDP length exceeds --max (1480: 1472-byte payloads pass, 1473 do not)',
  reproduces: 'seed 003 (network device dropping UDP > 1472 bytes); kb 5',
  where: 'switch',
  nodeRole: 'unused: every node behind the switch is affected',
  defaultNode: 'first',
  options: { max: { default: '1480', help: 'largest UDP length (header + payload) that still passes' } },
  async inject({ plan, options }, tx) {
    const sw = requireSwitch(plan, 'underlay-size-limit');
    const max = intOption(options, 'max', 8, 65535);
    await addNftTable(tx, sw, 'bridge', 'pplab_underlay_size', udpSizeChain(max));
    return [`switch ${sw}: UDP datagrams with UDP length > ${max} (payload > ${max - 8} bytes) are dropped (nft table bridge pplab_underlay_size)`];
  },
};
