// The all-pairs matrix as evidence: what `podpath mesh` measured between every ordered pair of
// agents, on each plane combination, with the numbers only (measuring, no verdict). Rules over it
// are pure functions of this document: each cell carries its probes' numbers, the counter deltas
// of both ends over the round it ran in, and the inputs that place a loss; each node carries the
// properties a rule may test to split failing cells from passing ones (subnet, labels, devices).
//
// Everything in it came from agents or from the user: strings and arrays are bounded here, and a
// renderer escapes what it prints.
import { isIP } from 'node:net';
import { z } from 'zod';
import { DropTrace } from './drop-trace.js';

export const MESH_MATRIX_SCHEMA_VERSION = 1;

const name = z.string().min(1).max(253);
const text = (max: number) => z.string().max(max);
const ip = z.string().max(64).refine((s) => isIP(s) !== 0, 'not an IP address');
const count = z.number().int().min(0).max(1e12);
const num = z.number().finite();
const port = z.number().int().min(1).max(65535);
const boundedRecord = <T extends z.ZodTypeAny>(value: T, maxKeys: number, keyLen = 128) =>
  z.record(z.string().max(keyLen), value).refine((o) => Object.keys(o).length <= maxKeys, `more than ${maxKeys} keys`);

export const Plane = z.enum(['host', 'pod']);
export type Plane = z.infer<typeof Plane>;
/** Sending plane -> receiving plane: host->host is the underlay; every other the overlay. */
export const PlanePair = z.enum(['host->host', 'host->pod', 'pod->host', 'pod->pod']);
export type PlanePair = z.infer<typeof PlanePair>;
export const PLANE_PAIRS: PlanePair[] = ['host->host', 'host->pod', 'pod->host', 'pod->pod'];

export function planesOf(p: PlanePair): { from: Plane; to: Plane } {
  const [from, to] = p.split('->') as [Plane, Plane];
  return { from, to };
}

export const MeshAgent = z.object({
  node: name,
  plane: Plane,
  address: ip,
  port,
  apiPort: port,
});
export type MeshAgent = z.infer<typeof MeshAgent>;

export const MeshNode = z.object({
  name,
  /** Node labels as given (zone, kernel build, NIC driver, instance type...). */
  labels: boundedRecord(text(1024), 256, 317).default({}),
  /** The host address's subnet (CIDR): as given, or read from the host agent's interface. */
  subnet: text(64).optional(),
  subnetFrom: z.enum(['given', 'measured']).optional(),
  addresses: z.object({ host: ip.optional(), pod: ip.optional() }),
  /** Devices read from the host agent's counters: the NIC holding the host address, the VXLAN device. */
  devices: z.object({ nic: text(64).optional(), overlay: text(64).optional() }).default({}),
  /**
   * Interfaces the host agent left out of its round answers (E_MESH_INTERFACES_CUT: past 1,024,
   * link-local-only veths first): their counters are not in this node's cells.
   */
  interfacesDropped: count.optional(),
});
export type MeshNode = z.infer<typeof MeshNode>;

export const RttMs = z.object({ min: num, avg: num, max: num, p50: num.optional() });

export const MeshUdp = z.object({
  size: count,
  sent: count,
  received: count,
  lossPct: num,
  /** What the receiving responder counted: lost on the way there vs on the way back. */
  arrivedAtPeer: count.optional(),
  rttMs: RttMs.optional(),
  sendErrors: boundedRecord(count, 32, 64).default({}),
});

export const MeshTcp = z.object({
  port,
  attempts: count,
  connected: count,
  connectMs: z.array(num).max(16),
  failures: boundedRecord(count, 32, 64),
});

export const MeshIcmp = z.object({
  sent: count,
  received: count,
  rttMs: RttMs.optional(),
  /** Not sent from this agent (no ping, no NET_RAW): not a network failure. */
  skipped: text(400).optional(),
  error: text(400).optional(),
});

/** The DF size sweep from `from` to `to` (this direction; the way back is the mirror cell's). */
export const MeshSweep = z.object({
  largestPassing: count.optional(),
  smallestFailing: count.optional(),
  maxTried: count,
  tries: z.array(z.object({ size: count, sent: count, arrived: count })).max(128),
});

export const MeshRamp = z.object({
  maxRateBps: count,
  stoppedBy: text(32),
  lossOnsetBps: count.optional(),
  lastCleanBps: count.optional(),
  blackhole: z.boolean(),
  recoveredAfterMs: count.optional(),
  watchedMs: count.optional(),
  estimatedLimitBps: count.optional(),
  estimatedBurstBytes: count.optional(),
  steps: z.array(z.object({ rateBps: count, sent: count, arrived: count, lossPct: num })).max(256),
});

const DevCounters = z.object({ rxPackets: num, rxDropped: num, rxErrors: num, txPackets: num, txDropped: num });
/** Counters that moved (non-zero differences only). */
export const MeshCounterDelta = z.object({
  udp: boundedRecord(num, 256, 64),
  netstat: boundedRecord(num, 512, 64),
  interfaces: boundedRecord(DevCounters, 256, 64),
});
export type MeshCounterDelta = z.infer<typeof MeshCounterDelta>;

/** A node's devices on a cell's path (named only when the host agent's counters were read). */
export const MeshDevices = z.object({ nic: text(64).optional(), overlay: text(64).optional() });

export const MeshCell = z.object({
  plane: PlanePair,
  /** `ramp`: the rate-ramp pass (run last, one peer at a time), a cell of its own beside the probes' cell. */
  stage: z.literal('ramp').optional(),
  round: count,
  from: name,
  to: name,
  fromAddress: ip,
  toAddress: ip,
  source: ip.optional(),
  /** Wall time the sending agent spent on this cell (ms). */
  ms: num,
  /** True when the target proved to be a podpath agent (a signed echo came back) first. */
  verified: z.boolean().optional(),
  refused: z.array(z.object({ probe: text(16), code: text(64), message: text(400) })).max(8).default([]),
  /** The cell could not be measured at all (the sending agent refused the round, was unreachable...). */
  error: z.object({ code: text(64), message: text(400) }).optional(),
  udp: MeshUdp.optional(),
  tcp: MeshTcp.optional(),
  icmp: MeshIcmp.optional(),
  sweep: MeshSweep.optional(),
  ramp: MeshRamp.optional(),
  /**
   * Counter deltas over the round the cell ran in, read by the agents at the start of this round
   * and the next: of the sending and receiving agent and, for a pod-plane agent, of its node's host
   * agent. A round holds up to k cells per agent, so a delta may include its neighbours' traffic.
   */
  counters: z.object({
    windowMs: num,
    from: MeshCounterDelta.optional(),
    to: MeshCounterDelta.optional(),
    fromNode: MeshCounterDelta.optional(),
    toNode: MeshCounterDelta.optional(),
  }),
  /**
   * The devices the probes crossed on each end (as in probe evidence, `devices.local/peer`): the
   * node's NIC and, when the path goes through the tunnel (any pod end), its VXLAN device. Their
   * counters are in `counters.from/fromNode` and `counters.to/toNode`. With `udp`, what placing a
   * loss needs (`probeEvidenceOf` in mesh-probe.ts hands a cell to src/rules/shared/loss-place.ts).
   */
  devices: z.object({ from: MeshDevices.default({}), to: MeshDevices.default({}) }).optional(),
  /**
   * With `mesh --trace`: the ids (`MeshTrace.id`) of the kernel drop traces taken on the sending
   * and the receiving node over the round this cell ran in (absent: that node was not traced).
   */
  traces: z.object({ from: text(300).optional(), to: text(300).optional() }).optional(),
});
export type MeshCell = z.infer<typeof MeshCell>;

export const MeshOptions = z.object({
  k: count,
  sample: count.optional(),
  seed: count,
  run: count,
  planes: z.array(PlanePair).max(4),
  jitterMs: count,
  echo: z.object({ count: count, size: count }).optional(),
  sweepMax: count.optional(),
  tcp: z.boolean(),
  icmp: z.boolean(),
  maxRateBps: count.optional(),
  /** `mesh --trace`: each node's kernel drops traced around every round (and with rule ports, its packet filter). */
  trace: z.object({ rulePorts: z.array(port).max(16).optional() }).optional(),
});

/**
 * One node's kernel drop trace over one round (`mesh --trace`), taken by its host agent (else its
 * pod agent): the DropTrace the agent answered, or why there is none. A round's cells name theirs
 * by `id`. Nodes of one kernel (lab namespaces) have one boot id: every drop shows in each trace.
 */
export const MeshTrace = z.object({
  id: text(300),
  node: name,
  round: count,
  bootId: text(64).optional(),
  trace: DropTrace.optional(),
  error: z.object({ code: text(64), message: text(600) }).optional(),
});
export type MeshTrace = z.infer<typeof MeshTrace>;

export const MeshError = z.object({
  /** The agent (node/plane) or `coordinator`. */
  where: text(300),
  round: count.optional(),
  code: text(64),
  message: text(600),
});

export const MeshMatrix = z.object({
  schemaVersion: z.literal(MESH_MATRIX_SCHEMA_VERSION),
  kind: z.literal('mesh-matrix'),
  startedAt: text(64),
  options: MeshOptions,
  nodes: z.array(MeshNode),
  agents: z.array(MeshAgent),
  /** In the order measured (round by round); each ordered pair once per plane combination. */
  cells: z.array(MeshCell),
  errors: z.array(MeshError).default([]),
  /** `mesh --trace`: the drop traces, per node and round (the cells point at theirs). */
  traces: z.array(MeshTrace).default([]),
  finishedAt: text(64).optional(),
  summary: z.object({ rounds: count, cells: count, ms: num }).optional(),
});
export type MeshMatrix = z.infer<typeof MeshMatrix>;

/**
 * The cells of one plane combination as a lookup by ordered pair, for rules ("the matrix per
 * plane and probe"): `view.get('n1', 'n2')?.sweep?.largestPassing`.
 */
export function planeView(m: Pick<MeshMatrix, 'cells'>, plane: PlanePair): { get(from: string, to: string): MeshCell | undefined; cells: MeshCell[] } {
  const key = (c: { from: string; to: string }) => `${c.from}\u0000${c.to}`;
  const byPair = new Map<string, MeshCell>();
  for (const c of m.cells) if (c.plane === plane && c.stage === undefined) byPair.set(key(c), { ...c });
  // The ramp pass's numbers join the cell of the same pair.
  for (const c of m.cells) {
    if (c.plane !== plane || c.stage !== 'ramp' || !c.ramp) continue;
    const main = byPair.get(key(c));
    if (main) main.ramp = c.ramp;
    else byPair.set(key(c), { ...c });
  }
  return { cells: [...byPair.values()], get: (from, to) => byPair.get(`${from}\u0000${to}`) };
}
