// Rules that judge packet captures: `pcap analyze` runs those that need capture summaries, `pcap
// diff` those that need a capture diff (they were the findings of src/pcap; see CHANGELOG.md).
import type { Rule } from '../engine/types.js';
import checksumArtefacts from './capture/checksum-artefacts.js';
import checksumUnknown from './capture/checksum-unknown.js';
import checksumVxlanFfff from './capture/checksum-vxlan-ffff.js';
import checksumWire from './capture/checksum-wire.js';
import diffAltered from './capture/diff-altered.js';
import diffCaptureOverlap from './capture/diff-capture-overlap.js';
import diffLimits from './capture/diff-limits.js';
import diffLossRate from './capture/diff-loss-rate.js';
import diffLossScattered from './capture/diff-loss-scattered.js';
import diffLossSize from './capture/diff-loss-size.js';
import diffLossWindow from './capture/diff-loss-window.js';
import diffNoMatch from './capture/diff-no-match.js';
import diffReverseDirection from './capture/diff-reverse-direction.js';
import diffSegmentationOffload from './capture/diff-segmentation-offload.js';
import handshakeNoAnswer from './capture/handshake-no-answer.js';
import handshakeRefused from './capture/handshake-refused.js';
import handshakeSlow from './capture/handshake-slow.js';
import handshakeSynackNoAck from './capture/handshake-synack-no-ack.js';
import icmpAdminProhibited from './capture/icmp-admin-prohibited.js';
import icmpFragNeeded from './capture/icmp-frag-needed.js';
import icmpHostUnreachable from './capture/icmp-host-unreachable.js';
import icmpPortUnreachable from './capture/icmp-port-unreachable.js';
import icmpTimeExceeded from './capture/icmp-time-exceeded.js';
import sizeCeiling from './capture/size-ceiling.js';
import sizeFragments from './capture/size-fragments.js';

export const captureRules: Rule[] = [
  checksumWire, checksumUnknown, checksumVxlanFfff, checksumArtefacts,
  handshakeNoAnswer, handshakeSynackNoAck, handshakeSlow, handshakeRefused,
  sizeCeiling, sizeFragments,
  icmpFragNeeded, icmpAdminProhibited, icmpPortUnreachable, icmpHostUnreachable, icmpTimeExceeded,
  diffCaptureOverlap, diffNoMatch, diffLossSize, diffLossRate, diffLossWindow, diffLossScattered, diffReverseDirection, diffSegmentationOffload, diffAltered, diffLimits,
];
