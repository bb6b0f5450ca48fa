import { describe, expect, it } from 'vitest';
import { MAX_COPIES, ReplayGuard } from './replay.js';

describe('ReplayGuard', () => {
  it('accepts each sequence number once, in any order within the window', () => {
    const g = new ReplayGuard(16, 64);
    const order = [5, 1, 3, 2, 70, 40, 8];
    expect(order.map((q) => g.accept(1n, q, 1000, 1))).toEqual([true, true, true, true, true, true, true]);
    expect(order.map((q) => g.accept(1n, q, 1000, 1))).toEqual([false, false, false, false, false, false, false]);
    // below the window (70 - 64): cannot tell, refused; inside it and new: accepted
    expect(g.accept(1n, 6, 1000, 1)).toBe(false);
    expect(g.accept(1n, 7, 1000, 1)).toBe(true);
    // a jump past the window forgets nothing that could still come: the slots are new
    expect(g.accept(1n, 1000, 1000, 1)).toBe(true);
    expect(g.accept(1n, 999, 1000, 1)).toBe(true);
    expect(g.accept(1n, 1000, 1000, 1)).toBe(false);
  });

  it('sessions are separate', () => {
    const g = new ReplayGuard(16, 64);
    expect(g.accept(1n, 1, 1000, 1)).toBe(true);
    expect(g.accept(2n, 1, 1000, 1)).toBe(true);
    expect(g.accept(2n, 1, 1000, 1)).toBe(false);
  });

  it('accepts the declared copies, at most MAX_COPIES, and no more', () => {
    const g = new ReplayGuard(16, 64);
    const n = Array.from({ length: 10 }, () => g.accept(1n, 1, 1000, 4)).filter(Boolean).length;
    expect(n).toBe(4);
    const big = Array.from({ length: MAX_COPIES + 50 }, () => g.accept(1n, 2, 1000, 60_000)).filter(Boolean).length;
    expect(big).toBe(MAX_COPIES);
    // once the next datagram came, copies of the previous one are replays
    expect(g.accept(1n, 3, 1000, 2)).toBe(true);
    expect(g.accept(1n, 2, 1000, 60_000)).toBe(false);
  });

  it('remembers at most maxSessions; a forgotten session cannot be replayed, newer sessions still come in', () => {
    const g = new ReplayGuard(4, 64);
    for (let s = 1n; s <= 4n; s++) expect(g.accept(s, 1, 1000 + Number(s), 1)).toBe(true);
    expect(g.accept(5n, 1, 1010, 1)).toBe(true); // forgets session 1 (newest 1001)
    expect(g.size).toBe(4);
    expect(g.accept(1n, 1, 1001, 1)).toBe(false); // its datagram again: not newer than the floor
    expect(g.accept(6n, 1, 1001, 1)).toBe(false); // as old as what was forgotten: could be a replay
    expect(g.accept(7n, 1, 1011, 1)).toBe(true);
  });

  it('memory stays bounded under a flood of sessions', () => {
    const g = new ReplayGuard(4096, 1024);
    for (let i = 0; i < 20_000; i++) g.accept(BigInt(i), i, 1_000_000 + i, 1);
    expect(g.size).toBe(4096);
  });
});
