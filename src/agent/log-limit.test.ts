import { describe, expect, it } from 'vitest';
import { LimitedLog } from './log-limit.js';

describe('LimitedLog', () => {
  it('logs at most N lines a window, then one line with how many were suppressed', () => {
    let now = 0;
    const lines: [string, Record<string, unknown> | undefined][] = [];
    const scheduled: (() => void)[] = [];
    const log = new LimitedLog((e, f) => lines.push([e, f]), 'http.unauthorized', 10, 60_000, () => now, (fn) => {
      scheduled.push(fn);
      return { cancel: () => {} };
    });
    for (let i = 0; i < 25; i++) log.write({ i });
    expect(lines).toHaveLength(10);
    expect(scheduled).toHaveLength(1); // one timer for the whole window, not one per line
    now = 60_000;
    scheduled[0]!();
    expect(lines[10]).toEqual(['http.unauthorized.suppressed', { suppressed: 15, windowSeconds: 60 }]);
    // a new window logs again
    log.write({ i: 99 });
    expect(lines[11]).toEqual(['http.unauthorized', { i: 99 }]);
  });

  it('ends a window lazily too, when the next line comes after it', () => {
    let now = 0;
    const lines: string[] = [];
    const log = new LimitedLog((e) => lines.push(e), 'x', 1, 1000, () => now, () => ({ cancel: () => {} }));
    log.write({});
    log.write({});
    now = 1500;
    log.write({});
    expect(lines).toEqual(['x', 'x.suppressed', 'x']);
  });
});
