// The cluster rules: judged over the cluster's facts and many nodes' facts in one bag
// (`podpath cluster doctor`, `doctor --from-dir DIR --cluster-from DUMP`), never by one node's doctor.
import type { Rule } from '../engine/types.js';
import calicoCrosssubnetUnderlay from './cluster/calico-crosssubnet-underlay.js';
import fleetSplit from './cluster/fleet-split.js';
import overlaySettingsMismatch from './cluster/overlay-settings-mismatch.js';
import peerVtepStale from './cluster/peer-vtep-stale.js';
import podCidrRoutes from './cluster/pod-cidr-routes.js';
import publicIpWrong from './cluster/public-ip-wrong.js';
import vtepAnnotationStale from './cluster/vtep-annotation-stale.js';
import vxlanNatChecksumRange from './cluster/vxlan-nat-checksum-range.js';

export const clusterRules: Rule[] = [vtepAnnotationStale, peerVtepStale, publicIpWrong, podCidrRoutes, overlaySettingsMismatch, vxlanNatChecksumRange, fleetSplit, calicoCrosssubnetUnderlay];
