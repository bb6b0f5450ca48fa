// Preloaded into every vitest worker process (vitest.config.ts: poolOptions.forks.execArgv), before
// vitest's own code. vitest 3.2 gives each call a worker makes to its main process a fixed 60 s
// (birpc's default, no setting reaches it), and a worker whose event loop is held that long (a test's
// synchronous stretch, or a worker starved of CPU on CI's 2 cores) fails the whole run with
// "Timeout calling onTaskUpdate" while every test passes (vitest#8164, twice in CI here). This raises
// that one timer to 10 minutes; every other 60 s timer (the tests' own timeouts) is left as it is.
import { promisify } from 'node:util';

const BIRPC_DEFAULT_MS = 60_000;
const RPC_TIMEOUT_MS = 600_000;
const original = globalThis.setTimeout;
globalThis.__podpathRpcTimeoutsRaised = 0;

function setTimeoutRaisingRpc(callback, ms, ...args) {
  // birpc arms its timer inside `sendCall`: the one caller named so in the worker.
  if (ms === BIRPC_DEFAULT_MS && /\bsendCall\b/.test(new Error().stack ?? '')) {
    globalThis.__podpathRpcTimeoutsRaised += 1;
    return original(callback, RPC_TIMEOUT_MS, ...args);
  }
  return original(callback, ms, ...args);
}
setTimeoutRaisingRpc[promisify.custom] = original[promisify.custom];
globalThis.setTimeout = setTimeoutRaisingRpc;
