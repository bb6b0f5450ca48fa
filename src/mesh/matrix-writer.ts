// Writes the matrix as one JSON document while it is measured: the header when the agents have
// answered, each cell as it comes, the errors and summary at the end. Memory holds no cell after
// it is written, so a 5,000-node matrix (25 million cells a plane) never sits in the coordinator.
import type { Writable } from 'node:stream';
import type { MeshAgent, MeshCell, MeshMatrix, MeshNode } from '../evidence/mesh-matrix.js';
import { MESH_MATRIX_SCHEMA_VERSION } from '../evidence/mesh-matrix.js';

export interface MatrixHeader {
  startedAt: string;
  options: MeshMatrix['options'];
  nodes: MeshNode[];
  agents: MeshAgent[];
}

export class MatrixWriter {
  private cells = 0;

  constructor(private readonly out: Writable) {}

  async header(h: MatrixHeader): Promise<void> {
    const head = { schemaVersion: MESH_MATRIX_SCHEMA_VERSION, kind: 'mesh-matrix', startedAt: h.startedAt, options: h.options, nodes: h.nodes, agents: h.agents };
    await this.write(`${JSON.stringify(head).slice(0, -1)},"cells":[`);
  }

  async cell(c: MeshCell): Promise<void> {
    await this.write(`${this.cells++ === 0 ? '\n' : ',\n'}${JSON.stringify(c)}`);
  }

  /** `findings`: what the rules over the matrix found (a key the matrix schema does not read). */
  async end(tail: Pick<MeshMatrix, 'errors' | 'finishedAt' | 'summary'> & { traces?: MeshMatrix['traces']; findings?: readonly unknown[] }): Promise<void> {
    await this.write(`\n],${JSON.stringify(tail).slice(1)}\n`);
  }

  /** Waits for the stream to take more when it says it is full (a slow disk or a slow pipe). */
  private write(s: string): Promise<void> {
    if (this.out.write(s)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const done = () => { this.out.off('error', fail); resolve(); };
      const fail = (e: Error) => { this.out.off('drain', done); reject(e); };
      this.out.once('drain', done);
      this.out.once('error', fail);
    });
  }
}
