// The `podpath mesh` use case: the coordinator with real agents over their HTTP(S) API, the
// matrix streamed to a file or stdout, and the cells handed to whoever shows them.
import type { Writable } from 'node:stream';
import type { MeshCell } from '../evidence/mesh-matrix.js';
import { AgentApi, type AgentTlsOptions } from '../probe/agent-api.js';
import { runMesh, type AgentRef, type CoordinatorOptions, type MeshAgentClient, type MeshOutcome, type Progress } from '../mesh/coordinator.js';
import type { Inventory } from '../mesh/inventory.js';
import { MatrixWriter } from '../mesh/matrix-writer.js';
import { MESH_ROUND_PATH, type MeshRoundRequestInput } from '../mesh/round.js';

export interface MeshRunRequest {
  inventory: Inventory;
  token: string;
  tls?: AgentTlsOptions;
  coordinator: CoordinatorOptions;
  /** Where the matrix JSON goes (a file stream or stdout); none: not kept. */
  matrix?: Writable;
  onCell?(c: MeshCell): void;
  onProgress?(p: Progress): void;
}

/** The agents' API as the coordinator uses it (one short connection a request, TLS pinned per agent). */
export function apiClient(token: string, tls?: AgentTlsOptions): MeshAgentClient {
  return {
    round(a: AgentRef, body: MeshRoundRequestInput) {
      // Per-agent pins come normalized from the CLI (as the agent logged them, colons or not).
      const pin = a.tlsFingerprint ?? tls?.fingerprint256;
      return new AgentApi(a.address, a.apiPort, token, tls ? { ...tls, fingerprint256: pin } : undefined).post(MESH_ROUND_PATH, body);
    },
  };
}

export async function runMeshCommand(r: MeshRunRequest, client: MeshAgentClient = apiClient(r.token, r.tls)): Promise<MeshOutcome> {
  const writer = r.matrix ? new MatrixWriter(r.matrix) : undefined;
  const outcome = await runMesh(r.inventory, r.coordinator, client, {
    header: async (h) => { await writer?.header(h); },
    cell: async (c) => {
      r.onCell?.(c);
      await writer?.cell(c);
    },
    progress: r.onProgress,
  });
  await writer?.end({
    errors: outcome.errors,
    finishedAt: new Date().toISOString(),
    summary: { rounds: outcome.rounds, cells: outcome.cells, ms: outcome.ms },
  });
  return outcome;
}
