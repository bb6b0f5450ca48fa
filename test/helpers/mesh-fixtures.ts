// The mesh matrices recorded in the lab (test/fixtures/evidence/mesh/README.md), and the edits the
// rule tests make to them in code to build the cases the lab cannot record (each case says so).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MeshMatrix, type MeshCell } from '../../src/evidence/mesh-matrix.js';

export type MeshFixture = 'healthy' | 'size-cut' | 'rate-blackhole' | 'bad-udp-checksum-n2' | 'rp-filter-n2' | 'forward-drop-n4'
  | 'forward-drop-n4-trace' | 'forward-drop-n4-trace-rules' | 'rp-filter-n2-across';

export function loadMesh(name: MeshFixture): MeshMatrix {
  const path = fileURLToPath(new URL(`../fixtures/evidence/mesh/${name}.json`, import.meta.url));
  return MeshMatrix.parse(JSON.parse(readFileSync(path, 'utf8')));
}

/** A copy of the matrix with the cells `pick` selects changed by `edit`. */
export function editCells(m: MeshMatrix, pick: (c: MeshCell) => boolean, edit: (c: MeshCell) => MeshCell): MeshMatrix {
  const copy = structuredClone(m);
  copy.cells = copy.cells.map((c) => (pick(c) ? edit(structuredClone(c)) : c));
  return copy;
}

/** The cell loses every UDP echo and TCP connect (counters left as recorded). */
export function unreachable(c: MeshCell): MeshCell {
  if (c.udp) c.udp = { ...c.udp, received: 0, arrivedAtPeer: 0, lossPct: 100 };
  if (c.tcp) c.tcp = { ...c.tcp, connected: 0, connectMs: [], failures: { ETIMEDOUT: c.tcp.attempts } };
  return c;
}

/** Unreachable over UDP and TCP, ICMP still back in full: the checksum class. */
export function icmpStillPasses(c: MeshCell): MeshCell {
  unreachable(c);
  if (c.icmp) c.icmp = { ...c.icmp, received: c.icmp.sent };
  return c;
}

/** Unreachable on every probe, ICMP included. */
export function dead(c: MeshCell): MeshCell {
  unreachable(c);
  if (c.icmp) c.icmp = { sent: c.icmp.sent, received: 0 };
  return c;
}
