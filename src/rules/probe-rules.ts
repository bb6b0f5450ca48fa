// Rules that judge probe results (podpath probe, doctor --peer): they are skipped, with a reason,
// when no probe ran.
import type { Rule } from '../engine/types.js';
import overlaySizeLimit from './overlay-size-limit.js';
import probePathLoss from './probe-path-loss.js';
import serviceProbeFails from './service-probe-fails.js';
import udpChecksumDrop from './udp-checksum-drop.js';
import underlayRateBlackhole from './underlay-rate-blackhole.js';
import underlaySizeLimit from './underlay-size-limit.js';

export const probeRules: Rule[] = [udpChecksumDrop, underlayRateBlackhole, underlaySizeLimit, overlaySizeLimit, probePathLoss, serviceProbeFails];
