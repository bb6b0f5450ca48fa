// Seed 002 / kb 3: LRO on the NIC of a host that forwards. A veth cannot do LRO, so the evidence
// is EMULATED: an `ethtool -k eth0` output with large-receive-offload on (sosreport path in the
// node root) and the kernel's skb_warn_bad_offload warning in the root's /var/log/kern.log. The
// effect (large packets lost where the node forwards, small ones pass) is real, via nftables.
import { join } from 'node:path';
import { intOption } from './common.js';
import { dropLargeForwarded } from './large-packet-drop.js';
import type { FaultDef } from './types.js';

const WARNING = (dev: string) => [
  `kernel: ------------[ cut here ]------------`,
  `kernel: WARNING: CPU: 1 PID: 0 at net/core/dev.c:2587 skb_warn_bad_offload+0x72/0xc0`,
  `kernel: ${dev}: caps=(0x00000000000040a9, 0x0000000000000000) len=2962 data_len=2896 gso_size=1448 gso_type=1 ip_summed=1`,
  `kernel: Call Trace:`,
  `kernel:  <IRQ>  [<ffffffff8d5b0a5c>] skb_warn_bad_offload+0x72/0xc0`,
  `kernel:  [<ffffffff8d5b3c3e>] __skb_gso_segment+0x7e/0xc0`,
  `kernel:  [<ffffffff8d5b3ead>] validate_xmit_skb+0x14d/0x2a0`,
  `kernel:  [<ffffffff8d602f6b>] ip_forward_finish+0x4b/0x70`,
  `kernel:  [<ffffffff8d603215>] ip_forward+0x285/0x4b0`,
  `kernel:  [<ffffffffc02b11a5>] virtnet_poll+0x515/0x770 [virtio_net]`,
  `kernel: ---[ end trace 0f1d4a6c2b1e8d55 ]---`,
];

export const offloadLro: FaultDef = {
  name: 'offload-lro',
  summary: 'LRO on a forwarding node (EMULATED evidence: ethtool output and kernel log in the node root; real large-packet loss)',
  reproduces: 'seed 002 (LRO on a node that forwards); kb 3',
  where: 'node',
  nodeRole: 'the receiving node that forwards to its pods',
  defaultNode: 'last',
  doctor: { on: 'node', rule: 'kernel-log-bad-offload' },
  options: { size: { default: '1000', help: 'largest IP packet that still passes' } },
  async inject({ node, options }, tx) {
    const size = intOption(options, 'size', 68, 65535);
    const ethtool = await tx.read({ ns: node.ns, argv: ['ethtool', '-k', 'eth0'] });
    const fake = ethtool.replace(/^large-receive-offload: .*$/m, 'large-receive-offload: on');
    await tx.writeFile(join(node.root, 'sos_commands/networking/ethtool_-k_eth0'), fake);
    const now = new Date();
    const stamp = now.toUTCString().slice(5, 25).replace(/^(\d+) (\w+) (\d+)/, '$2 $1');
    await tx.writeFile(join(node.root, 'var/log/kern.log'), WARNING('eth0').map((l) => `${stamp} ${node.name} ${l}`).join('\n') + '\n');
    // The effect is large-packet-drop's, in a table of its own name.
    await dropLargeForwarded(tx, node, size, 'pplab_lro_effect');
    return [
      `EMULATED: a veth cannot do LRO. ${node.root}/sos_commands/networking/ethtool_-k_eth0 says large-receive-offload: on, and ${node.root}/var/log/kern.log holds a skb_warn_bad_offload warning with ip_forward in its trace; the live \`ethtool -k eth0\` still says off [fixed]`,
      `REAL effect: packets from ${node.vtep.dev} longer than ${size} bytes are dropped on ${node.name}'s forward path (nft table ip pplab_lro_effect)`,
    ];
  },
};
