// Rules that judge probe results (podpath probe, doctor --peer): they are skipped, with a reason,
// when no probe ran.
import type { Rule } from '../engine/types.js';
import overlaySizeLimit from './probe/overlay-size-limit.js';
import probePathLoss from './probe/probe-path-loss.js';
import serviceProbeFails from './probe/service-probe-fails.js';
import udpChecksumDrop from './probe/udp-checksum-drop.js';
import underlayRateBlackhole from './probe/underlay-rate-blackhole.js';
import underlaySizeLimit from './probe/underlay-size-limit.js';

export const probeRules: Rule[] = [udpChecksumDrop, underlayRateBlackhole, underlaySizeLimit, overlaySizeLimit, probePathLoss, serviceProbeFails];
