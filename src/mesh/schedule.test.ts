// Property tests of the mesh schedule over many sizes, k, samples and seeds (a seeded sweep, so a
// failure names the case that broke it).
import { describe, expect, it } from 'vitest';
import { MeshSchedule } from './schedule.js';
import { maxOf, minOf } from '../util/arrays.js';

const SIZES = [2, 3, 4, 5, 7, 8, 9, 16, 17, 31, 50, 64, 101];
const KS = [1, 2, 3, 8, 16, 200];

function degrees(s: MeshSchedule, r: number): { out: number[]; in: number[] } {
  const out = new Array<number>(s.n).fill(0);
  const inn = new Array<number>(s.n).fill(0);
  for (const p of s.pairs(r)) {
    out[p.from]!++;
    inn[p.to]!++;
  }
  return { out, in: inn };
}

describe('full schedule', () => {
  it('covers every ordered pair exactly once, never a node to itself, in ceil((N-1)/k) rounds', () => {
    for (const n of SIZES) {
      for (const k of KS) {
        for (const seed of [0, 1, 0xdeadbeef]) {
          const s = new MeshSchedule({ n, k, seed });
          const seen = new Uint8Array(n * n);
          for (let r = 0; r < s.rounds; r++) {
            for (const p of s.pairs(r)) {
              expect(p.from, `n=${n} k=${k} seed=${seed}`).not.toBe(p.to);
              seen[p.from * n + p.to]!++;
            }
          }
          let covered = 0;
          for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) if (a !== b) covered += seen[a * n + b] === 1 ? 1 : 0;
          expect(covered, `n=${n} k=${k} seed=${seed}`).toBe(n * (n - 1));
          expect(s.rounds).toBe(Math.ceil((n - 1) / k));
        }
      }
    }
  });

  it('has every node send to at most k peers and be probed by at most k in each round (exactly k but in the last)', () => {
    for (const n of SIZES) {
      for (const k of KS) {
        const s = new MeshSchedule({ n, k, seed: n * 31 + k });
        for (let r = 0; r < s.rounds; r++) {
          const d = degrees(s, r);
          const want = Math.min(k, n - 1 - r * k);
          for (let i = 0; i < n; i++) {
            expect(d.out[i], `n=${n} k=${k} r=${r} node ${i} out`).toBe(want);
            expect(d.in[i], `n=${n} k=${k} r=${r} node ${i} in`).toBe(want);
          }
        }
      }
    }
  });

  it("agrees with itself: a node's targets and each target's senders describe the same pairs", () => {
    const s = new MeshSchedule({ n: 23, k: 4, seed: 7 });
    for (let r = 0; r < s.rounds; r++) {
      for (let i = 0; i < s.n; i++) {
        for (const t of s.targets(r, i)) expect(s.senders(r, t.to)).toContain(i);
        const targets = new Set(s.targets(r, i).map((t) => t.to));
        expect(targets.size).toBe(s.targets(r, i).length);
      }
    }
  });

  it('is deterministic for a seed and differs between seeds', () => {
    const a = [...new MeshSchedule({ n: 40, k: 8, seed: 5 }).pairs(0)];
    const b = [...new MeshSchedule({ n: 40, k: 8, seed: 5 }).pairs(0)];
    const c = [...new MeshSchedule({ n: 40, k: 8, seed: 6 }).pairs(0)];
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });
});

describe('sampled schedule (--sample m)', () => {
  it('has every node send to m distinct peers and be probed by m, in ceil(m/k) rounds of at most k each', () => {
    for (const n of SIZES.filter((x) => x >= 3)) {
      for (const m of [1, 2, 3, 5, 10]) {
        for (const k of [1, 2, 4, 8]) {
          const s = new MeshSchedule({ n, k, sample: m, seed: 99, run: 3 });
          const want = Math.min(m, n - 1);
          const out = Array.from({ length: n }, () => new Set<number>());
          const inn = Array.from({ length: n }, () => new Set<number>());
          for (let r = 0; r < s.rounds; r++) {
            const d = degrees(s, r);
            expect(maxOf(d.out), `n=${n} m=${m} k=${k}`).toBeLessThanOrEqual(k);
            expect(maxOf(d.in), `n=${n} m=${m} k=${k}`).toBeLessThanOrEqual(k);
            for (const p of s.pairs(r)) {
              out[p.from]!.add(p.to);
              inn[p.to]!.add(p.from);
            }
          }
          expect(s.rounds).toBe(Math.ceil(want / k));
          for (let i = 0; i < n; i++) {
            expect(out[i]!.size, `n=${n} m=${m} node ${i} as sender`).toBe(want);
            expect(inn[i]!.size, `n=${n} m=${m} node ${i} as receiver`).toBe(want);
          }
        }
      }
    }
  });

  it('rotates between runs: ceil((N-1)/m) consecutive runs cover every ordered pair, and two runs differ', () => {
    for (const n of [5, 12, 50]) {
      for (const m of [1, 3, 7]) {
        const seen = new Set<number>();
        const runs = Math.ceil((n - 1) / m);
        const first = new Set<number>();
        const second = new Set<number>();
        for (let run = 0; run < runs; run++) {
          const s = new MeshSchedule({ n, k: 4, sample: m, seed: 2024, run });
          for (let r = 0; r < s.rounds; r++) {
            for (const p of s.pairs(r)) {
              seen.add(p.from * n + p.to);
              if (run === 0) first.add(p.from * n + p.to);
              if (run === 1) second.add(p.from * n + p.to);
            }
          }
        }
        expect(seen.size, `n=${n} m=${m}`).toBe(n * (n - 1));
        if (runs > 1) expect([...second].some((x) => !first.has(x))).toBe(true);
      }
    }
  });
});

describe('jitter', () => {
  it('delays each probe by a fixed amount in [0, jitterMs), spread out, the same for the same seed', () => {
    const s = new MeshSchedule({ n: 30, k: 8, seed: 11, jitterMs: 200 });
    const delays = [...s.pairs(0)].map((p) => p.delayMs);
    expect(minOf(delays)).toBeGreaterThanOrEqual(0);
    expect(maxOf(delays)).toBeLessThan(200);
    expect(new Set(delays).size).toBeGreaterThan(50);
    expect([...new MeshSchedule({ n: 30, k: 8, seed: 11, jitterMs: 200 }).pairs(0)].map((p) => p.delayMs)).toEqual(delays);
    expect([...new MeshSchedule({ n: 30, k: 8, seed: 11 }).pairs(0)].every((p) => p.delayMs === 0)).toBe(true);
  });
});

describe('bad input', () => {
  it('refuses fewer than two nodes, k < 1 and a sample < 1 with E_MESH_SCHEDULE', () => {
    expect(() => new MeshSchedule({ n: 1, k: 8 })).toThrow(/E_MESH_SCHEDULE|at least 2/);
    expect(() => new MeshSchedule({ n: 5, k: 0 })).toThrow(/positive integer/);
    expect(() => new MeshSchedule({ n: 5, k: 2, sample: 0 })).toThrow(/--sample/);
    expect(() => new MeshSchedule({ n: 5, k: 2.5 })).toThrow(/positive integer/);
  });

  it('stays within memory for a large cluster: 5000 nodes, a round is produced without listing every pair', () => {
    const s = new MeshSchedule({ n: 5000, k: 8, seed: 1 });
    expect(s.rounds).toBe(625);
    expect(s.targets(624, 4999).length).toBe(7);
  });
});
