// Seed 000: a sender whose kernel emits UDP datagrams with a wrong checksum. Natural kernel
// mechanisms: tx checksum offload off on the underlay (so the sum is final in software) and an
// nftables rewrite of the checksum in the sender's postrouting; the receiver's kernel drops them
// and counts Udp InErrors / InCsumErrors.
import { addNftTable, txChecksumOff } from './common.js';
import type { FaultDef } from './types.js';

export const badUdpChecksum: FaultDef = {
  name: 'bad-udp-checksum',
  summary: 'every UDP datagram the node sends to the VXLAN port leaves with a wrong checksum',
  reproduces: 'seed 000 (Kylin kernel emitting bad UDP checksums); kb 2',
  where: 'node',
  nodeRole: 'the sender whose "kernel" writes bad checksums',
  defaultNode: 'first',
  doctor: { on: 'peer', rule: 'udp-csum-errors' },
  options: { value: { default: '0x1234', help: 'the checksum value written on the wire' } },
  async inject({ node, options }, tx) {
    await txChecksumOff(tx, node.ns, 'eth0');
    await addNftTable(tx, node.ns, 'ip', 'pplab_bad_udp_csum', [
      '  chain postrouting_csum {',
      '    type filter hook postrouting priority 300; policy accept;',
      `    udp dport ${node.vtep.port} udp checksum set ${options.value} counter`,
      '  }',
    ].join('\n'));
    return [
      `${node.name} eth0: tx checksum offload off; nft table ip pplab_bad_udp_csum rewrites the UDP checksum of datagrams to port ${node.vtep.port} to ${options.value}`,
      `receivers drop them and count Udp InCsumErrors (a real kernel drop; only the cause, a broken kernel build, is emulated)`,
    ];
  },
};
