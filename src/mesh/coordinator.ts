// The coordinator: hands each agent its part of each round, collects the answers, and streams the
// matrix out cell by cell. Rounds follow the schedule (every agent sends to at most k peers and is
// probed by at most k); a round ends when every agent has answered, so no agent ever serves more
// than k senders of one plane combination at once. Every agent is asked every round, with an
// empty plan when it sends nothing: its counters, read at each round's start, close the window of
// the round before. Memory: two counter readings per agent and one round's cells (N x k), never
// the matrix.
import { isPodpathError } from '../util/errors.js';
import { AgentAnswerError } from '../api/client.js';
import { DropTrace } from '../evidence/drop-trace.js';
import type { ChangeEvent } from '../sources/tracefs/changes.js';
import {
  planesOf, type MeshAgent, type MeshTrace, type MeshCell, type MeshCounterDelta, type MeshError, type MeshMatrix, type MeshNode, type Plane, type PlanePair,
} from '../evidence/mesh-matrix.js';
import type { z } from 'zod';
import { MeshSchedule } from './schedule.js';
import { MeshRoundAnswer, type CellAnswer, type CounterSnapshotAnswer, type MeshProbes, type MeshRoundRequestInput } from '../api/mesh-round.js';
import { deltaOf, devicesOf, subnetOf, toMeshCell } from './cells.js';
import type { AgentEndpoint, Inventory } from './inventory.js';
import type { MatrixHeader } from './matrix-writer.js';

type MeshErrorT = z.infer<typeof MeshError>;

/** Sends one round plan to one agent; returns its raw answer (validated here) or throws. */
export interface MeshAgentClient {
  round(agent: AgentRef, body: MeshRoundRequestInput): Promise<unknown>;
  /**
   * True when round() answers only what MeshRoundAnswer accepts (the typed API client validates
   * with the route's schema): the coordinator then does not parse each answer a second time.
   */
  readonly validatesRounds?: boolean;
  /** The agent's kernel drop trace (POST /v1/trace/start and /v1/trace/stop): only with `trace`. */
  traceStart?(agent: AgentRef, body: { baseline: false; maxMs: number; devices: boolean; rulePorts?: number[] }): Promise<unknown>;
  /** Opens the trace's measured window (a trace started without a baseline has none open yet). */
  traceMain?(agent: AgentRef, id: string): Promise<unknown>;
  traceStop?(agent: AgentRef, id: string): Promise<unknown>;
}

export interface AgentRef extends AgentEndpoint {
  index: number;
  node: number;
  plane: Plane;
}

export interface CoordinatorOptions {
  k: number;
  sample?: number;
  seed: number;
  run: number;
  jitterMs: number;
  planes: PlanePair[];
  probes: Omit<MeshProbes, 'ramp'>;
  /** The rate ramp (host->host only, one peer at a time, after everything else): with consent only. */
  ramp?: NonNullable<MeshProbes['ramp']>;
  /** HTTP requests the coordinator keeps open at once. */
  parallel?: number;
  /** Tries after a 409 (the agent is busy with someone's probe), a second apart. */
  busyRetries?: number;
  /** Wait before the one retry after a per-minute 429. */
  minuteWaitMs?: number;
  /**
   * `mesh --trace`: each node's agent (its host agent, else its pod agent) traces its kernel's
   * drops around every round; with rulePorts also its packet filter for those ports. Opt-in: it
   * changes the hosts (each change and its undo is reported through `change`).
   */
  trace?: { rulePorts?: number[]; maxMs?: number };
}

export interface Progress { stage: PlanePair | 'ramp' | 'hello' | 'close'; round: number; rounds: number; cells: number; totalCells: number }

export interface CoordinatorEvents {
  header(h: MatrixHeader): Promise<void>;
  cell(c: MeshCell): Promise<void>;
  progress?(p: Progress): void;
  /** A node's drop trace over one round (with `trace`), when it ends. */
  trace?(t: MeshTrace): Promise<void>;
  /** A change a tracing agent made to its host, or undid: printed as it happens. */
  change?(node: string, e: ChangeEvent): void;
}

export interface MeshOutcome {
  rounds: number;
  cells: number;
  errors: MeshErrorT[];
  /** Errors beyond the kept ones (the list is bounded). */
  errorsDropped: number;
  ms: number;
  /** The most probes any agent reported running at once in a round. */
  peakRunning: number;
}

const MAX_ERRORS = 1000;

interface Reading { round: number; snap: CounterSnapshotAnswer }

interface PendingCell {
  traces?: { from?: string; to?: string };
  plane: PlanePair;
  stage?: 'ramp';
  from: AgentRef;
  to: AgentRef;
  answer: CellAnswer | { error: { code: string; message: string }; ms: number; source?: string };
}

export async function runMesh(inv: Inventory, opts: CoordinatorOptions, client: MeshAgentClient, ev: CoordinatorEvents): Promise<MeshOutcome> {
  const t0 = performance.now();
  const agents: AgentRef[] = [];
  const byNode: { host?: AgentRef; pod?: AgentRef }[] = inv.nodes.map(() => ({}));
  inv.nodes.forEach((n, node) => {
    for (const plane of ['host', 'pod'] as const) {
      const e = n[plane];
      if (!e) continue;
      const ref: AgentRef = { ...e, index: agents.length, node, plane };
      agents.push(ref);
      byNode[node]![plane] = ref;
    }
  });
  const errors: MeshErrorT[] = [];
  let errorsDropped = 0;
  const fail = (e: MeshErrorT) => {
    if (errors.length < MAX_ERRORS) errors.push(e);
    else errorsDropped++;
  };
  const where = (a: AgentRef) => `${inv.nodes[a.node]!.name}/${a.plane} ${a.address}:${a.apiPort}`;
  /** Agents that failed the first round, and why: asked no more (their cells say why). */
  const down = new Map<number, { code: string; message: string }>();
  const last = new Map<number, Reading>();
  let pending: PendingCell[] = [];
  let round = 0;
  let cells = 0;
  let peakRunning = 0;
  const parallel = Math.max(1, opts.parallel ?? 256);

  /** One round: every live agent gets its plan (empty for most in small passes); answers by agent. */
  const exec = async (plans: Map<number, MeshRoundRequestInput['targets']>, probes: MeshProbes, concurrency: number) => {
    const answers = new Map<number, MeshRoundAnswer>();
    const failed = new Map<number, { code: string; message: string }>();
    await mapBounded(agents.filter((a) => !down.has(a.index)), parallel, async (a) => {
      const body: MeshRoundRequestInput = { round, concurrency, probes, targets: plans.get(a.index) ?? [] };
      const r = await ask(client, a, body, opts);
      if ('error' in r) {
        failed.set(a.index, r.error);
        fail({ where: where(a), round, ...r.error });
      } else {
        answers.set(a.index, r.answer);
        peakRunning = Math.max(peakRunning, r.answer.peakRunning);
      }
    });
    return { answers, failed };
  };

  /**
   * The cells of the round before, being written while this round runs (the agents need not wait
   * for the disk or the terminal); settle waits for it before it queues the next batch, so at most
   * one round's cells wait, and the end waits for the last.
   */
  let writing: Promise<void> = Promise.resolve();
  const write = async (batch: MeshCell[]) => {
    for (const c of batch) await ev.cell(c);
  };

  /** Closes the window of the previous round with this round's readings, and writes its cells. */
  const settle = async (answers: Map<number, MeshRoundAnswer>) => {
    const now = new Map<number, Reading>();
    for (const [i, a] of answers) now.set(i, { round, snap: a.counters });
    // One delta an agent a round: its cells (k as sender, k as receiver, more for a host under
    // pods) share it, so it is computed once, not once a cell and end.
    const deltas = new Map<number, MeshCounterDelta | undefined>();
    const delta = (a: AgentRef | undefined): MeshCounterDelta | undefined => {
      if (!a) return undefined;
      if (deltas.has(a.index)) return deltas.get(a.index);
      const before = last.get(a.index);
      const after = now.get(a.index);
      const d = before && after && before.round === round - 1 ? deltaOf(before.snap, after.snap) : undefined;
      deltas.set(a.index, d);
      return d;
    };
    const windowOf = (a: AgentRef) => {
      const before = last.get(a.index);
      const after = now.get(a.index);
      return before && after && before.round === round - 1 ? Math.round(after.snap.atMs - before.snap.atMs) : 0;
    };
    const batch: MeshCell[] = [];
    for (const p of pending) {
      const fromNode = p.from.plane === 'pod' ? byNode[p.from.node]!.host : undefined;
      const toNode = p.to.plane === 'pod' ? byNode[p.to.node]!.host : undefined;
      const cell = toMeshCell({
        plane: p.plane, stage: p.stage, round: round - 1, from: nodes[p.from.node]!, to: nodes[p.to.node]!,
        fromAddress: p.from.address, toAddress: p.to.address, windowMs: windowOf(p.from),
        deltas: { from: delta(p.from), to: delta(p.to), fromNode: delta(fromNode), toNode: delta(toNode) },
      }, p.answer);
      if (p.traces && (p.traces.from || p.traces.to)) cell.traces = p.traces;
      batch.push(cell);
      cells++;
    }
    await writing;
    writing = write(batch);
    // A failed write (a full disk, a closed pipe) stops the mesh at the next settle or the end;
    // until then it must not count as unhandled.
    writing.catch(() => undefined);
    pending = [];
    for (const [i, r] of now) last.set(i, r);
    for (const i of [...last.keys()]) if (!now.has(i)) last.delete(i);
  };

  // ---- hello: every agent answers an empty round; its counters name its NIC, VXLAN device and subnet
  const hello = await exec(new Map(), {}, 1);
  for (const [i, e] of hello.failed) down.set(i, { code: e.code, message: `the agent failed the first round: ${e.message}`.slice(0, 600) });
  const nodes: MeshNode[] = inv.nodes.map((n, i) => {
    const host = byNode[i]!.host;
    const pod = byNode[i]!.pod;
    const snap = host ? hello.answers.get(host.index)?.counters : undefined;
    const measured = snap && host ? subnetOf(snap, host.address) : undefined;
    const node: MeshNode = {
      name: n.name, labels: n.labels,
      addresses: { ...(host ? { host: host.address } : {}), ...(pod ? { pod: pod.address } : {}) },
      devices: snap ? devicesOf(snap, host?.address) : {},
      ...(snap?.dropped?.interfaces ? { interfacesDropped: snap.dropped.interfaces } : {}),
    };
    if (n.subnet) Object.assign(node, { subnet: n.subnet, subnetFrom: 'given' });
    else if (measured) Object.assign(node, { subnet: measured, subnetFrom: 'measured' });
    return node;
  });
  const header: MatrixHeader = {
    startedAt: new Date().toISOString(),
    options: {
      k: opts.k, ...(opts.sample !== undefined ? { sample: opts.sample } : {}), seed: opts.seed, run: opts.run, planes: opts.planes, jitterMs: opts.jitterMs,
      ...(opts.probes.echo ? { echo: { count: opts.probes.echo.count ?? 10, size: opts.probes.echo.size ?? 64 } } : {}),
      ...(opts.probes.sweep ? { sweepMax: opts.probes.sweep.max ?? 9000 } : {}),
      tcp: opts.probes.tcp !== undefined, icmp: opts.probes.icmp !== undefined,
      ...(opts.ramp ? { maxRateBps: opts.ramp.maxRateBps } : {}),
      ...(opts.trace ? { trace: opts.trace.rulePorts ? { rulePorts: opts.trace.rulePorts } : {} } : {}),
    },
    nodes,
    agents: agents.map((a): MeshAgent => ({ node: inv.nodes[a.node]!.name, plane: a.plane, address: a.address, port: a.port, apiPort: a.apiPort })),
  };
  await ev.header(header);
  for (const [i, r] of hello.answers) last.set(i, { round, snap: r.counters });
  round++;

  // ---- tracing (opt-in): one agent a node, its host agent if it has one, around every round
  const tracers = byNode.map((b) => b.host ?? b.pod);
  const traceOf = (e: unknown): { code: string; message: string } => {
    const code = e instanceof AgentAnswerError ? (e.agentCode ?? e.code) : isPodpathError(e) ? e.code : 'E_TRACE';
    return { code: code.slice(0, 64), message: ((e as Error).message ?? String(e)).slice(0, 600) };
  };
  /** Starts a trace on every live tracing agent; what started (or why not), by node. */
  const traceStart = async () => {
    const started = new Map<number, { id?: string; bootId?: string; error?: { code: string; message: string } }>();
    const live = tracers.map((a, node) => ({ a, node })).filter((x): x is { a: AgentRef; node: number } => x.a !== undefined && !down.has(x.a.index));
    await mapBounded(live, parallel, async ({ a, node }) => {
      const nodeName = inv.nodes[node]!.name;
      try {
        if (!client.traceStart || !client.traceMain || !client.traceStop) throw new Error('this client cannot trace');
        const r = await client.traceStart(a, { baseline: false, maxMs: opts.trace!.maxMs ?? 300_000, devices: true, ...(opts.trace!.rulePorts ? { rulePorts: opts.trace!.rulePorts } : {}) }) as { id?: unknown; bootId?: unknown; changes?: unknown };
        for (const c of Array.isArray(r?.changes) ? r.changes as ChangeEvent[] : []) ev.change?.(nodeName, c);
        if (typeof r?.id !== 'string') throw new Error('the agent answered /v1/trace/start without an id');
        started.set(node, { id: r.id, ...(typeof r.bootId === 'string' ? { bootId: r.bootId.slice(0, 64) } : {}) });
        await client.traceMain!(a, r.id);
      } catch (e) {
        // A trace that started but whose window did not open is still stopped (its changes undone).
        started.set(node, { ...started.get(node), error: traceOf(e) });
      }
    });
    return started;
  };
  /** Stops the round's traces; hands each on as evidence; the trace ids, by node. */
  const traceStop = async (started: Map<number, { id?: string; bootId?: string; error?: { code: string; message: string } }>) => {
    const ids = new Map<number, string>();
    await mapBounded([...started], parallel, async ([node, s]) => {
      const nodeName = inv.nodes[node]!.name;
      const t: MeshTrace = { id: `${nodeName}@${round}`, node: nodeName, round, ...(s.bootId ? { bootId: s.bootId } : {}) };
      if (s.id) {
        try {
          const r = await client.traceStop!(tracers[node]!, s.id) as { trace?: unknown; bootId?: unknown };
          // The agent is hostile input too: its trace is read through the schema.
          const parsed = DropTrace.safeParse(r?.trace);
          if (!parsed.success) throw new Error('the agent answered /v1/trace/stop with something that is not a DropTrace');
          for (const c of parsed.data.changes) ev.change?.(nodeName, c.state === 'undone' ? { type: 'undone', undo: c.undo } : { type: 'undo-failed', undo: c.undo, error: c.error ?? c.state });
          t.trace = parsed.data;
          if (typeof r.bootId === 'string') t.bootId = r.bootId.slice(0, 64);
        } catch (e) {
          t.error = traceOf(e);
        }
      } else t.error = s.error ?? { code: 'E_TRACE', message: 'not started' };
      ids.set(node, t.id);
      await ev.trace?.(t);
    });
    return ids;
  };

  // ---- the passes: each plane combination, then the ramp
  const passes: { plane: PlanePair; stage?: 'ramp'; k: number; probes: MeshProbes }[] = opts.planes.map((plane) => ({ plane, k: opts.k, probes: opts.probes }));
  if (opts.ramp && opts.planes.includes('host->host')) passes.push({ plane: 'host->host', stage: 'ramp', k: 1, probes: { ramp: opts.ramp } });
  const schedules = passes.map((p) => new MeshSchedule({ n: inv.nodes.length, k: p.k, sample: opts.sample, seed: opts.seed, run: opts.run, jitterMs: opts.jitterMs }));
  const pairOk = (plane: PlanePair, from: number, to: number) => {
    const { from: s, to: d } = planesOf(plane);
    return byNode[from]![s] !== undefined && byNode[to]![d] !== undefined;
  };
  let totalCells = 0;
  passes.forEach((p, i) => {
    const s = schedules[i]!;
    const { from: sp, to: dp } = planesOf(p.plane);
    // Every node with both agents: N x m cells, no need to walk N x m pairs (25 million at N = 5000).
    if (byNode.every((b) => b[sp] && b[dp])) totalCells += s.n * s.offsets.length;
    else for (let r = 0; r < s.rounds; r++) for (const x of s.pairs(r)) if (pairOk(p.plane, x.from, x.to)) totalCells++;
  });
  ev.progress?.({ stage: 'hello', round: 0, rounds: 0, cells: 0, totalCells });

  for (const [pi, pass] of passes.entries()) {
    const s = schedules[pi]!;
    const { from: sp, to: dp } = planesOf(pass.plane);
    for (let r = 0; r < s.rounds; r++) {
      const plans = new Map<number, MeshRoundRequestInput['targets']>();
      const planned = new Map<number, AgentRef[]>();
      for (const a of agents) {
        if (a.plane !== sp) continue;
        const targets = s.targets(r, a.node).map((t) => ({ t, to: byNode[t.to]![dp] })).filter((x): x is { t: typeof x.t; to: AgentRef } => x.to !== undefined);
        if (!targets.length) continue;
        plans.set(a.index, targets.map(({ t, to }) => ({
          host: to.address, port: to.port, delayMs: t.delayMs,
          // The underlay pass leaves from the node's own address; any other from whatever the
          // kernel picks for the route (as the node's own processes would).
          ...(pass.plane === 'host->host' ? { source: a.address } : {}),
        })));
        planned.set(a.index, targets.map((x) => x.to));
      }
      const traced = opts.trace ? await traceStart() : undefined;
      const { answers, failed } = await exec(plans, pass.probes, pass.k);
      const traceIds = traced ? await traceStop(traced) : undefined;
      await settle(answers);
      for (const [i, tos] of planned) {
        const from = agents[i]!;
        const answer = answers.get(i);
        const err = down.get(i) ?? failed.get(i);
        tos.forEach((to, j) => {
          const c = answer?.cells[j];
          const traces = traceIds ? { from: traceIds.get(from.node), to: traceIds.get(to.node) } : undefined;
          if (c && c.host === to.address) pending.push({ plane: pass.plane, stage: pass.stage, from, to, answer: c, traces });
          else pending.push({ plane: pass.plane, stage: pass.stage, from, to, answer: { error: err ?? { code: 'E_MESH_ANSWER', message: `the agent's answer has no cell for ${to.address}` }, ms: 0 }, traces });
        });
      }
      round++;
      ev.progress?.({ stage: pass.stage ?? pass.plane, round: r + 1, rounds: s.rounds, cells, totalCells });
    }
  }
  // ---- close the last window
  const closing = await exec(new Map(), {}, 1);
  await settle(closing.answers);
  await writing;
  round++;
  ev.progress?.({ stage: 'close', round: 0, rounds: 0, cells, totalCells });
  return { rounds: round, cells, errors, errorsDropped, ms: Math.round(performance.now() - t0), peakRunning };
}

/** One agent's answer to one round, with the retries a busy or rate-limited agent deserves. */
async function ask(
  client: MeshAgentClient, a: AgentRef, body: MeshRoundRequestInput, opts: CoordinatorOptions,
): Promise<{ answer: MeshRoundAnswer } | { error: { code: string; message: string } }> {
  let busyLeft = opts.busyRetries ?? 5;
  let minuteLeft = 1;
  for (;;) {
    try {
      const raw = await client.round(a, body);
      let answer: MeshRoundAnswer;
      if (client.validatesRounds) answer = raw as MeshRoundAnswer;
      else {
        const parsed = MeshRoundAnswer.safeParse(raw);
        if (!parsed.success) {
          const i = parsed.error.issues[0];
          return { error: { code: 'E_MESH_ANSWER', message: `not a round answer: ${i ? `${i.path.join('.')}: ${i.message}` : 'invalid'}`.slice(0, 600) } };
        }
        answer = parsed.data;
      }
      if (answer.cells.length !== body.targets.length) {
        return { error: { code: 'E_MESH_ANSWER', message: `${answer.cells.length} cells for ${body.targets.length} peers` } };
      }
      return { answer };
    } catch (e) {
      if (e instanceof AgentAnswerError && e.status === 409 && busyLeft-- > 0) {
        await sleep(1000);
        continue;
      }
      if (e instanceof AgentAnswerError && e.status === 429 && (e.agentCode === 'E_PROBE_BUDGET_MINUTE' || e.agentCode === 'E_MESH_RATE') && minuteLeft-- > 0) {
        await sleep(opts.minuteWaitMs ?? 61_000);
        continue;
      }
      const code = e instanceof AgentAnswerError ? (e.agentCode ?? e.code) : isPodpathError(e) ? e.code : 'E_AGENT';
      return { error: { code: code.slice(0, 64), message: ((e as Error).message ?? String(e)).slice(0, 600) } };
    }
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function mapBounded<T>(items: T[], limit: number, fn: (x: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

export type { MeshMatrix };
