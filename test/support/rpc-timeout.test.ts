// The worker preload that raises vitest's 60 s worker->main RPC timeout (test/support/rpc-timeout.mjs)
// is loaded and has raised the timer of the calls this worker already made (collecting this file,
// reporting the tests before this one), and leaves other 60 s timers alone.
import { describe, expect, it } from 'vitest';

declare global {
  var __podpathRpcTimeoutsRaised: number | undefined;
}

describe('the vitest worker RPC timeout preload', () => {
  it('is loaded and has raised the RPC calls\' timers', () => {
    expect(process.execArgv.some((a) => a.endsWith('test/support/rpc-timeout.mjs'))).toBe(true);
    expect(globalThis.__podpathRpcTimeoutsRaised ?? 0).toBeGreaterThan(0);
  });
  it('keeps a test\'s own 60 s timer at 60 s', () => {
    const before = globalThis.__podpathRpcTimeoutsRaised ?? 0;
    const t = setTimeout(() => undefined, 60_000);
    clearTimeout(t);
    expect(globalThis.__podpathRpcTimeoutsRaised).toBe(before);
  });
});
