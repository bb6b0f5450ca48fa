// A mesh cell's loss in the kernel's own word (`mesh --trace`): the cell is seen as a probe entry
// (evidence/mesh-probe.ts) sent by `local` (its sending node) to `peer` (its receiving node), and
// the two nodes' drop traces of the round it ran in become that probe's `drops`, so the place is
// found by the very logic `probe --trace` and `doctor --peer --trace` use (drop-place.ts). Pure.
import type { NodeDropTrace } from '../../evidence/drop-evidence.js';
import type { Evidence } from '../../evidence/evidence.js';
import type { MeshCell, MeshMatrix, MeshTrace } from '../../evidence/mesh-matrix.js';
import { probeEvidenceOf } from '../../evidence/mesh-probe.js';
import type { ProbeEvidence, ProbeNode } from '../../evidence/probe-evidence.js';
import { placeByTrace, type DropPlacement } from './drop-place.js';

const byId = new WeakMap<object, Map<string, MeshTrace>>();

function tracesById(m: Pick<MeshMatrix, 'traces'>): Map<string, MeshTrace> {
  let hit = byId.get(m);
  if (!hit) {
    hit = new Map((m.traces ?? []).map((t) => [t.id, t]));
    byId.set(m, hit);
  }
  return hit;
}

/** The cell as a probe with its two traces as the probe's drops; undefined when the cell was not traced. */
export function cellDropEvidence(m: Pick<MeshMatrix, 'traces'>, c: MeshCell): { probe: ProbeEvidence; evidence: Evidence } | undefined {
  if (!c.traces) return undefined;
  const probe = probeEvidenceOf(c);
  if (!probe) return undefined;
  const all = tracesById(m);
  const entry = (node: ProbeNode, id: string | undefined): NodeDropTrace[] => {
    const t = id === undefined ? undefined : all.get(id);
    if (!t) return [];
    return [{
      node, probe: probe.source, ...(t.bootId ? { bootId: t.bootId } : {}),
      ...(t.trace ? { trace: t.trace } : { error: t.error ?? { code: 'E_TRACE', message: 'no trace' } }),
    }];
  };
  return { probe, evidence: { drops: [...entry('local', c.traces.from), ...entry('peer', c.traces.to)] } };
}

/** Where the cell's echo loss died by the kernels' traces (undefined: not traced, or no UDP echo). */
export function placeCell(m: Pick<MeshMatrix, 'traces'>, c: MeshCell): DropPlacement | undefined {
  const x = cellDropEvidence(m, c);
  const placed = x ? placeByTrace(x.evidence, x.probe) : undefined;
  if (placed?.place !== 'kernel') return placed;
  const d = placed.drop;
  // One kernel (lab nodes): the direction says "where the lost packets entered", the receiver. A
  // pod's datagrams enter its own node first, on the pod's side (its bridge or veth): dropped
  // where they came in on neither of the receiver's devices (NIC, VXLAN), they died on the sender's node.
  const to = c.devices?.to;
  if (d.sharedKernel && !d.verdict && d.node === 'peer' && c.plane.startsWith('pod->') && to && d.row.devices.length > 0 && d.row.unattributed === 0
    && d.row.devices.every((v) => v.device !== to.nic && v.device !== to.overlay)) {
    return { ...placed, drop: { ...d, node: 'local' } };
  }
  return placed;
}

/** The node a placement names, by the cell's node names. */
export function cellNode(c: MeshCell, n: ProbeNode): string {
  return n === 'local' ? c.from : c.to;
}
