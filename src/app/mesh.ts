// The `podpath mesh` use case: the coordinator with real agents over their HTTP(S) API, the
// matrix streamed to a file or stdout, and the cells handed to whoever shows them.
import type { Writable } from 'node:stream';
import { MESH_MATRIX_SCHEMA_VERSION, type MeshCell, type MeshMatrix, type MeshTrace } from '../evidence/mesh-matrix.js';
import type { ChangeEvent } from '../sources/tracefs/changes.js';
import { judgedOf, runRules, type Judged } from '../engine/run-rules.js';
import type { Finding, Lang } from '../engine/types.js';
import { rulesOfKind } from '../rules/index.js';
import { LIMITS } from '../util/limits.js';
import { AgentApi, type AgentTlsOptions } from '../api/client.js';
import { runMesh, type AgentRef, type CoordinatorOptions, type MeshAgentClient, type MeshOutcome, type Progress } from '../mesh/coordinator.js';
import type { Inventory } from '../mesh/inventory.js';
import { MatrixWriter, type MatrixHeader } from '../mesh/matrix-writer.js';
import type { MeshRoundRequestInput } from '../api/mesh-round.js';
import { ROUTES } from '../api/routes.js';
import type { FallbackMemo, ReachMode } from '../api/reach.js';
import type { KubeClient } from '../sources/kube/client.js';

/** Agents listed from the cluster: how to reach the ones with a pod (direct, the pod proxy, or direct then the proxy). */
export interface MeshReach {
  kube: KubeClient;
  namespace: string;
  mode: ReachMode;
  memo?: FallbackMemo;
}

export interface MeshRunRequest {
  inventory: Inventory;
  token: string;
  tls?: AgentTlsOptions;
  /** With agents from the cluster: the API server's pod proxy. */
  reach?: MeshReach;
  coordinator: CoordinatorOptions;
  /** Where the matrix JSON goes (a file stream or stdout); none: not kept. */
  matrix?: Writable;
  onCell?(c: MeshCell): void;
  onProgress?(p: Progress): void;
  /** With `coordinator.trace`: every change a tracing agent made to its host, or undid. */
  onChange?(node: string, e: ChangeEvent): void;
  /** With `coordinator.trace`: each node's trace of each round as it ends. */
  onTrace?(t: MeshTrace): void;
  /** Judge the matrix with the mesh rules (default on), in this language. */
  judge?: { lang: Lang };
}

export interface MeshRunResult extends MeshOutcome {
  /** The mesh rules' findings; undefined when the matrix was not judged (too large, or not asked). */
  findings?: Finding[];
  /** Why it was not judged although asked: the mesh has more nodes than the rules judge (said by report/mesh.ts). */
  notJudged?: { code: string; limit: number; nodes: number };
  /** The whole matrix, when it was kept to be judged (for the HTML report). */
  matrix?: MeshMatrix;
}

/** The mesh rules over a measured matrix: everything they find, in order. */
export function judgeMatrix(m: MeshMatrix, lang: Lang = 'en'): Finding[] {
  return judgeMatrixRun(m, lang).findings;
}

/** The mesh rules over a matrix: their findings and how many could judge it (for the HTML summary). */
export function judgeMatrixRun(m: MeshMatrix, lang: Lang = 'en'): { findings: Finding[]; judged: Judged } {
  const outcome = runRules(rulesOfKind('mesh'), { mesh: m }, { lang });
  return { findings: outcome.findings, judged: judgedOf(outcome.results) };
}

/** The agents' API as the coordinator uses it (one short connection a request, TLS pinned per agent). */
export function apiClient(token: string, tls?: AgentTlsOptions, reach?: MeshReach): MeshAgentClient {
  const api = (a: AgentRef) => {
    // Per-agent pins come normalized from the CLI (as the agent logged them, colons or not).
    const pin = a.tlsFingerprint ?? tls?.fingerprint256;
    const pod = a.pod && reach ? { pod: { kube: reach.kube, namespace: reach.namespace, name: a.pod }, mode: reach.mode, memo: reach.memo } : {};
    return new AgentApi(a.address, a.apiPort, token, tls ? { ...tls, fingerprint256: pin } : undefined, pod);
  };
  return {
    // AgentApi.post validates every answer with the route's schema (MeshRoundAnswer, E_MESH_ANSWER).
    validatesRounds: true,
    round(a: AgentRef, body: MeshRoundRequestInput) {
      return api(a).post(ROUTES.meshRound, body);
    },
    traceStart(a: AgentRef, body) {
      return api(a).post(ROUTES.traceStart, body);
    },
    traceMain(a: AgentRef, id: string) {
      return api(a).post(ROUTES.traceMain, { id });
    },
    traceStop(a: AgentRef, id: string) {
      return api(a).post(ROUTES.traceStop, { id });
    },
  };
}

export async function runMeshCommand(r: MeshRunRequest, client: MeshAgentClient = apiClient(r.token, r.tls, r.reach)): Promise<MeshRunResult> {
  const writer = r.matrix ? new MatrixWriter(r.matrix) : undefined;
  // The rules need the whole matrix; the writer keeps none of it. Kept only up to the limit.
  const judging = r.judge !== undefined && r.inventory.nodes.length <= LIMITS.meshRuleNodes.value;
  let head: MatrixHeader | undefined;
  const cells: MeshCell[] = [];
  // Kept for the tail of the document (bounded: --trace takes at most LIMITS.meshTraceNodes nodes).
  const traces: MeshTrace[] = [];
  const outcome = await runMesh(r.inventory, r.coordinator, client, {
    header: async (h) => {
      head = h;
      await writer?.header(h);
    },
    cell: async (c) => {
      r.onCell?.(c);
      if (judging) cells.push(c);
      await writer?.cell(c);
    },
    progress: r.onProgress,
    change: r.onChange,
    trace: async (t) => {
      traces.push(t);
      r.onTrace?.(t);
    },
  });
  const tail = { errors: outcome.errors, traces, finishedAt: new Date().toISOString(), summary: { rounds: outcome.rounds, cells: outcome.cells, ms: outcome.ms } };
  const matrix: MeshMatrix | undefined = judging && head ? { schemaVersion: MESH_MATRIX_SCHEMA_VERSION, kind: 'mesh-matrix', ...head, cells, ...tail } : undefined;
  const findings = matrix ? judgeMatrix(matrix, r.judge!.lang) : undefined;
  await writer?.end({ ...tail, ...(findings ? { findings } : {}) });
  const notJudged = r.judge !== undefined && !judging
    ? { code: LIMITS.meshRuleNodes.code, limit: LIMITS.meshRuleNodes.value, nodes: r.inventory.nodes.length }
    : undefined;
  return { ...outcome, ...(findings ? { findings } : {}), ...(notJudged ? { notJudged } : {}), ...(matrix ? { matrix } : {}) };
}
