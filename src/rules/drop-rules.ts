// Rules that judge kernel drop traces taken around probes (probe / doctor --peer with --trace):
// skipped, with a reason, when nothing was traced.
import type { Rule } from '../engine/types.js';
import dropInKernel from './drops/drop-in-kernel.js';
import dropNetfilter from './drops/drop-netfilter.js';
import dropNoSocket from './drops/drop-no-socket.js';
import dropNotInKernel from './drops/drop-not-in-kernel.js';
import dropRpFilter from './drops/drop-rp-filter.js';
import dropTransmit from './drops/drop-transmit.js';
import dropUdpChecksum from './drops/drop-udp-checksum.js';
import dropVxlan from './drops/drop-vxlan.js';

export const dropRules: Rule[] = [dropUdpChecksum, dropNetfilter, dropRpFilter, dropNoSocket, dropVxlan, dropTransmit, dropInKernel, dropNotInKernel];
