// The contract of POST /v1/mesh/round: what a coordinator asks one agent to do in one round, and
// what the agent answers. Both sides validate with these schemas: the agent takes IP literals
// only and at most k peers; the coordinator reads an agent's answer as hostile input.
import { isIP } from 'node:net';
import { z } from 'zod';
import { HARD_MAX_DURATION_MS, HARD_MAX_RATE_BPS } from './probe-request.js';
import { LIMITS } from '../util/limits.js';
import { CutCounts } from '../evidence/probe-run.js';

export const MESH_ROUND_PATH = '/v1/mesh/round';

const ipLiteral = (what: string) => z.string().max(64).refine((s) => isIP(s) !== 0, (s) => ({
  message: `${what} must be an IP address (the agent resolves no names): ${JSON.stringify(s.slice(0, 64))}`,
}));
const port = z.number().int().min(1).max(65535);
const K = LIMITS.meshPeersPerRound.value;

export const MeshProbes = z.object({
  echo: z.object({ count: z.number().int().min(1).max(100).default(10), size: z.number().int().min(44).max(9000).default(64) }).optional(),
  sweep: z.object({ max: z.number().int().min(44).max(65507).default(9000), repeats: z.number().int().min(1).max(5).default(3) }).optional(),
  /** TCP handshakes to the peer agent's probe port (its TCP responder). */
  tcp: z.object({ attempts: z.number().int().min(1).max(5).default(3) }).optional(),
  icmp: z.object({ count: z.number().int().min(1).max(10).default(3) }).optional(),
  /** Only with the user's consent (--max-rate), as `probe --max-rate`. */
  ramp: z.object({
    maxRateBps: z.number().int().min(100_000).max(HARD_MAX_RATE_BPS),
    maxDurationMs: z.number().int().min(1000).max(HARD_MAX_DURATION_MS).default(30_000),
    recoveryWatchMs: z.number().int().min(0).max(HARD_MAX_DURATION_MS).default(30_000),
    stepMs: z.number().int().min(100).max(5000).default(500),
  }).optional(),
}).strict();
export type MeshProbes = z.input<typeof MeshProbes>;

export const MeshRoundTarget = z.object({
  host: ipLiteral('host'),
  port: port.default(7946),
  source: ipLiteral('source').optional(),
  /** Wait this long before starting (the schedule's jitter). */
  delayMs: z.number().int().min(0).max(10_000).default(0),
}).strict();

export const MeshRoundRequest = z.object({
  round: z.number().int().min(0).max(1e9),
  /** Probes to run at once (k); never more than the number of peers matters. */
  concurrency: z.number().int().min(1).max(K),
  probes: MeshProbes,
  /** The peers this agent probes in this round (none: only its counters are read). */
  targets: z.array(MeshRoundTarget).max(K),
}).strict();
export type MeshRoundRequest = z.output<typeof MeshRoundRequest>;
export type MeshRoundRequestInput = z.input<typeof MeshRoundRequest>;

// ---- the answer, as the coordinator reads it (unknown keys dropped, sizes bounded)

const count = z.number().int().min(0).max(1e12);
const num = z.number().finite();
const text = (max: number) => z.string().max(max);
const rec = <T extends z.ZodTypeAny>(v: T, max: number) => z.record(z.string().max(64), v).refine((o) => Object.keys(o).length <= max, `more than ${max} keys`);
const rtt = z.object({ min: num, avg: num, max: num, p50: num.optional() });
const devCounters = z.object({ rxPackets: num, rxDropped: num, rxErrors: num, txPackets: num, txDropped: num });

/**
 * Addresses of one interface a round answer carries: an agent sends at most this many (its own
 * first, probe/counters.ts compactSnapshot). kube-proxy's IPVS mode puts every Service's ClusterIP
 * on kube-ipvs0; agents before that cut sent them all, and made the whole answer invalid
 * (E_MESH_ANSWER) past 64: their lists are read up to ADDRESSES_READ and cut to this many.
 */
export const MESH_ADDRESSES_PER_INTERFACE = 64;
const ADDRESSES_READ = 16_384;
const addressList = z.array(text(64)).max(ADDRESSES_READ).transform((l) => l.slice(0, MESH_ADDRESSES_PER_INTERFACE));

/** Interfaces a round answer carries (LIMITS.meshAnswerInterfaces): the agent keeps what matters. */
export const MESH_INTERFACES = LIMITS.meshAnswerInterfaces.value;

export const CounterSnapshotAnswer = z.object({
  atMs: num,
  udp: rec(num, 256),
  netstat: rec(num, 1024),
  interfaces: rec(devCounters, MESH_INTERFACES),
  addresses: rec(addressList, MESH_INTERFACES).optional(),
  cidrs: rec(addressList, MESH_INTERFACES).optional(),
  /** Interfaces (and addresses) the agent left out (probe/counters.ts compactSnapshot). */
  dropped: CutCounts.optional(),
});
export type CounterSnapshotAnswer = z.infer<typeof CounterSnapshotAnswer>;

export const SuiteAnswer = z.object({
  verified: z.boolean().optional(),
  refused: z.array(z.object({ probe: text(16), code: text(64), message: text(400) })).max(8).optional(),
  echo: z.object({
    size: count, sent: count, received: count, lossPct: num, rttMs: rtt.optional(),
    sendErrors: rec(count, 32), arrivedAtPeer: count.optional(),
  }).optional(),
  sweep: z.object({
    largestPassing: count.optional(), smallestFailing: count.optional(), maxTried: count,
    tries: z.array(z.object({ size: count, sent: count, arrived: count })).max(128),
  }).optional(),
  tcp: z.object({ attempts: count, connected: count, connectMs: z.array(num).max(16), failures: rec(count, 32) }).optional(),
  icmp: z.object({ sent: count, received: count, rttMs: rtt.optional(), skipped: text(400).optional(), error: text(400).optional() }).optional(),
  ramp: z.object({
    maxRateBps: count, stoppedBy: text(32), lossOnsetBps: count.optional(), lastCleanBps: count.optional(),
    blackhole: z.object({ detected: z.boolean(), recoveredAfterMs: count.optional(), watchedMs: count }).optional(),
    estimate: z.object({ limitBps: num, burstBytes: num }).optional(),
    steps: z.array(z.object({ rateBps: count, sent: count, arrived: count, lossPct: num })).max(256),
  }).optional(),
});
export type SuiteAnswer = z.infer<typeof SuiteAnswer>;

export const CellAnswer = z.object({
  host: text(64),
  port,
  source: text(64).optional(),
  ms: num,
  result: SuiteAnswer.optional(),
  error: z.object({ code: text(64), message: text(400) }).optional(),
});
export type CellAnswer = z.infer<typeof CellAnswer>;

export const MeshRoundAnswer = z.object({
  round: count,
  /** The agent's counters when the round started (compact: interfaces with an address). */
  counters: CounterSnapshotAnswer,
  cells: z.array(CellAnswer).max(K),
  /** The most probes this agent ran at once in this round. */
  peakRunning: count,
});
export type MeshRoundAnswer = z.infer<typeof MeshRoundAnswer>;
