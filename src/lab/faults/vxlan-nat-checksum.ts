// Seed 004 / kb 1: node-to-service traffic whose outer VXLAN header is masqueraded. The kube-proxy
// rules of before v1.17.9 (MASQUERADE on mark 0x4000 without clearing it) are installed for real,
// so the mark survives into the VXLAN device and the outer packet is NATed (new source port): that
// part is natural. Kernels >= 5.7 no longer corrupt the zero checksum, so the 0xffff the broken
// kernels put on the wire is emulated: an nftables rule after NAT writes 0xffff into the outer
// UDP checksum of marked packets (with tx offload off on eth0, so the value reaches the wire).
import { PodpathError } from '../../util/errors.js';
import { kubePostroutingRules } from '../topology.js';
import { addNftTable, txChecksumOff } from './common.js';
import type { FaultDef } from './types.js';

function postroutingRestore(form: 'fixed' | 'prefix'): string {
  return ['*nat', '-F KUBE-POSTROUTING', ...kubePostroutingRules(form), 'COMMIT', ''].join('\n');
}

export const vxlanNatChecksum: FaultDef = {
  name: 'vxlan-nat-checksum',
  summary: 'node-to-service traffic: outer VXLAN header masqueraded, outer UDP checksum 0xffff on the wire',
  reproduces: 'seed 004 (63-second delay to a Service from a node); kb 1',
  where: 'node',
  nodeRole: 'the node that calls the Service (its outer packets are NATed)',
  defaultNode: 'first',
  doctor: { on: 'peer', rule: 'udp-csum-errors' },
  options: { value: { default: '0xffff', help: 'outer checksum the "broken kernel" writes' } },
  async inject({ plan, node, options }, tx) {
    if (!plan.service) throw new PodpathError('E_LAB_FAULT_NEEDS', 'vxlan-nat-checksum needs the kube-proxy rules: build the lab with --service');
    await tx.do(
      { ns: node.ns, argv: ['iptables-restore', '--noflush'], stdin: postroutingRestore('prefix') },
      { ns: node.ns, argv: ['iptables-restore', '--noflush'], stdin: postroutingRestore('fixed') },
    );
    await txChecksumOff(tx, node.ns, 'eth0');
    await addNftTable(tx, node.ns, 'ip', 'pplab_vxlan_nat_csum', [
      '  chain postrouting_nat_csum {',
      // after srcnat (100): the outer packet has been masqueraded by now
      '    type filter hook postrouting priority 300; policy accept;',
      // Only outer flows the NAT really changed (conntrack SNAT), for every packet of such a flow, as
      // the kernel bug did: not just the first, marked packet.
      `    ct status snat udp dport ${node.vtep.port} udp checksum set ${options.value} counter`,
      '  }',
    ].join('\n'));
    return [
      `${node.name}: KUBE-POSTROUTING in the pre-v1.17.9 form (MASQUERADE --random-fully on mark 0x4000, mark not cleared): the outer VXLAN packets of node-to-service traffic are masqueraded for real`,
      `EMULATED: this kernel (>= 5.7) keeps the zero outer checksum after NAT; nft table ip pplab_vxlan_nat_csum writes ${options.value} into every packet of an outer flow the NAT changed (ct status snat), as kernels < 5.7 did (eth0 tx offload off so it reaches the wire)`,
      'kernels that pick a new tx hash on SYN retransmit give the retry a new, un-NATed outer flow: expect a ~1 s delay per connection (kb 1\'s "1-second" form), 63 s on kernels that keep the hash',
    ];
  },
};
