// Which agent probes which peer in which round: pure, deterministic, bounded load.
//
// Circle-style schedule over ordered pairs: number the nodes 0..N-1 in a seeded order; for an
// offset d in 1..N-1, "i sends to i+d (mod N)" is a permutation with no fixed point, so under one
// offset every node sends exactly once and receives exactly once. A round takes k distinct
// offsets: every node sends to k peers and is probed by k, never more. The N-1 offsets cover all
// N(N-1) ordered pairs exactly once, in ceil((N-1)/k) rounds.
//
// `--sample m` takes m of the N-1 offsets: every node still sends to m peers and is probed by m
// (as sender and as receiver no node is left out), in ceil(m/k) rounds. Run c takes the window of
// offsets that follows run c-1's, so ceil((N-1)/m) consecutive runs cover every ordered pair.
//
// Nothing here is O(N^2): a round is its offsets, and pairs are produced on demand.
import { PodpathError } from '../util/errors.js';

export interface ScheduleOptions {
  /** Number of nodes (agents of one plane). */
  n: number;
  /** Most peers a node sends to, and is probed by, in one round. */
  k: number;
  /** Peers per node for a sampled run (every node still sends to m and is probed by m); all when absent. */
  sample?: number;
  /** Fixes the order of the nodes; the same seed gives the same schedule. */
  seed?: number;
  /** Run counter: a sampled schedule moves on to the next window of offsets with each run. */
  run?: number;
  /** Each probe starts after a delay in [0, jitterMs), fixed by the seed, round and pair. */
  jitterMs?: number;
}

export interface Pair {
  from: number;
  to: number;
  /** Delay before this probe starts (ms), so a round's probes do not all leave at once. */
  delayMs: number;
}

export class MeshSchedule {
  readonly n: number;
  readonly k: number;
  /** Position -> node index: the seeded order of the nodes. */
  private readonly order: Uint32Array;
  /** Node index -> position. */
  private readonly position: Uint32Array;
  /** The offsets this run uses, in round order. */
  readonly offsets: number[];
  readonly rounds: number;
  private readonly seed: number;
  private readonly jitterMs: number;

  constructor(o: ScheduleOptions) {
    const { n, k } = o;
    if (!Number.isInteger(n) || n < 2) throw new PodpathError('E_MESH_SCHEDULE', `a mesh needs at least 2 agents, got ${n}`);
    if (!Number.isInteger(k) || k < 1) throw new PodpathError('E_MESH_SCHEDULE', `k (peers per round) must be a positive integer, got ${k}`);
    const m = o.sample ?? n - 1;
    if (!Number.isInteger(m) || m < 1) throw new PodpathError('E_MESH_SCHEDULE', `--sample must be a positive integer, got ${o.sample}`);
    this.n = n;
    this.k = k;
    this.seed = (o.seed ?? 0) >>> 0;
    this.jitterMs = Math.max(0, o.jitterMs ?? 0);
    const rand = prng(this.seed);
    this.order = new Uint32Array(n);
    for (let i = 0; i < n; i++) this.order[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      const t = this.order[i]!;
      this.order[i] = this.order[j]!;
      this.order[j] = t;
    }
    this.position = new Uint32Array(n);
    for (let p = 0; p < n; p++) this.position[this.order[p]!] = p;
    // All offsets in a seeded order; a sampled run takes the window that starts where the last
    // run's ended, wrapping around.
    const all = Array.from({ length: n - 1 }, (_, i) => i + 1);
    for (let i = all.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [all[i], all[j]] = [all[j]!, all[i]!];
    }
    const take = Math.min(m, n - 1);
    const start = take === n - 1 ? 0 : (((o.run ?? 0) * take) % (n - 1) + (n - 1)) % (n - 1);
    this.offsets = Array.from({ length: take }, (_, i) => all[(start + i) % (n - 1)]!);
    this.rounds = Math.ceil(take / k);
  }

  /** The offsets of round r (at most k). */
  roundOffsets(r: number): number[] {
    if (!Number.isInteger(r) || r < 0 || r >= this.rounds) throw new RangeError(`round ${r} of ${this.rounds}`);
    return this.offsets.slice(r * this.k, (r + 1) * this.k);
  }

  /** The peers `from` sends to in round r, each with its start delay. */
  targets(r: number, from: number): Pair[] {
    const p = this.position[from]!;
    return this.roundOffsets(r).map((d) => {
      const to = this.order[(p + d) % this.n]!;
      return { from, to, delayMs: this.delay(r, from, to) };
    });
  }

  /** The peers that probe `to` in round r. */
  senders(r: number, to: number): number[] {
    const p = this.position[to]!;
    return this.roundOffsets(r).map((d) => this.order[(p - d + this.n) % this.n]!);
  }

  /** Every pair of round r, sender by sender (N x k of them). */
  *pairs(r: number): Generator<Pair> {
    for (let from = 0; from < this.n; from++) yield* this.targets(r, from);
  }

  private delay(r: number, from: number, to: number): number {
    if (this.jitterMs <= 0) return 0;
    return Math.floor(hash4(this.seed, r, from, to) / 0x1_0000_0000 * this.jitterMs);
  }
}

/** mulberry32: a small, good-enough seeded generator (determinism matters here, not secrecy). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 0x1_0000_0000;
  };
}

/** A 32-bit hash of four integers (for jitter that does not depend on the order of calls). */
function hash4(a: number, b: number, c: number, d: number): number {
  let h = 0x811c9dc5 ^ a;
  for (const x of [b, c, d]) {
    h = Math.imul(h ^ (x >>> 0), 0x01000193);
    h ^= h >>> 15;
    h = Math.imul(h, 0x2c1b3c6d);
    h ^= h >>> 12;
  }
  return h >>> 0;
}
