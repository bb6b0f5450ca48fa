// Rules over the all-pairs matrix of `podpath mesh` (src/rules/mesh/): each explains failing cells
// by one pattern (src/rules/shared/mesh-pattern.ts), so no two name the same cells; with --trace,
// mesh-kernel-drop names what the kernels said about the failing cells beside them.
import type { Rule } from '../engine/types.js';
import meshAllFail from './mesh/mesh-all-fail.js';
import meshCut from './mesh/mesh-cut.js';
import meshKernelDrop from './mesh/mesh-kernel-drop.js';
import meshGroup from './mesh/mesh-group.js';
import meshNode from './mesh/mesh-node.js';
import meshOneDirection from './mesh/mesh-one-direction.js';
import meshPlaneOnly from './mesh/mesh-plane-only.js';
import meshProtocolOnly from './mesh/mesh-protocol-only.js';
import meshScattered from './mesh/mesh-scattered.js';

/** In the order their findings should read: the widest explanation first. */
export const meshRules: Rule[] = [meshAllFail, meshCut, meshKernelDrop, meshPlaneOnly, meshGroup, meshNode, meshOneDirection, meshProtocolOnly, meshScattered];
