// A large mesh made from the cells of a recorded lab matrix (size-cut.json: two subnets, UDP above
// 1472 bytes dropped between them): N nodes in two subnets, every ordered pair on every plane a
// copy of the recorded cell of the same kind (within a subnet, or across), renamed. One node is
// made unreachable on the pod planes (its column lost: a node finding beside the cut), so the
// report carries findings of both kinds. Built in code; nothing here was measured at that size.
import type { MeshCell, MeshMatrix } from '../../src/evidence/mesh-matrix.js';
import { loadMesh, unreachable } from './mesh-fixtures.js';

export function largeMesh(n: number, opts: { brokenNode?: number } = {}): MeshMatrix {
  const base = loadMesh('size-cut');
  const template = (plane: string, across: boolean) => base.cells.find((c) => c.plane === plane && c.stage === undefined && (c.from === 'n1') && (c.to === (across ? 'n3' : 'n2')))!;
  const name = (i: number) => `node-${String(i + 1).padStart(2, '0')}`;
  const half = Math.ceil(n / 2);
  const subnetOf = (i: number) => (i < half ? 0 : 1);
  const host = (i: number) => `192.168.${77 + subnetOf(i)}.${10 + i}`;
  const pod = (i: number) => `10.244.${i + 1}.2`;
  const nodes = Array.from({ length: n }, (_, i) => ({ ...structuredClone(base.nodes[subnetOf(i) * 2]!), name: name(i), addresses: { host: host(i), pod: pod(i) } }));
  const agents = nodes.flatMap((x) => [{ node: x.name, plane: 'host' as const, address: x.addresses.host, port: 7946, apiPort: 7947 }, { node: x.name, plane: 'pod' as const, address: x.addresses.pod, port: 7946, apiPort: 7947 }]);
  const cells: MeshCell[] = [];
  let round = 0;
  for (const plane of base.options.planes) {
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        if (i === j) continue;
        let c = structuredClone(template(plane, subnetOf(i) !== subnetOf(j)));
        c.from = name(i);
        c.to = name(j);
        c.fromAddress = plane.startsWith('host') ? host(i) : pod(i);
        c.toAddress = plane.endsWith('host') ? host(j) : pod(j);
        c.round = ++round;
        if (opts.brokenNode !== undefined && j === opts.brokenNode && plane.endsWith('pod')) c = unreachable(c);
        cells.push(c);
      }
    }
  }
  return { ...base, nodes, agents, cells, summary: { rounds: round, cells: cells.length, ms: 1000 } };
}
