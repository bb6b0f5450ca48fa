// Reports a test that holds its worker's event loop for long (synchronous work: spawnSync loops,
// big synchronous parses). vitest's worker talks to the main process over an RPC with a fixed 60 s
// timeout that runs on this loop: a stall that long under CI's load fails the whole run with
// "Timeout calling onTaskUpdate" and no test named. This names the test, on stderr, from 5 s on.
import { afterAll, afterEach, beforeEach } from 'vitest';

const REPORT_FROM_MS = 5_000;
const TICK_MS = 250;
let current = '(between tests)';
let file = '?';
let longest = { ms: 0, test: '' };
let last = performance.now();

const timer = setInterval(() => {
  const now = performance.now();
  const stall = now - last - TICK_MS;
  if (stall > longest.ms) longest = { ms: stall, test: current };
  last = now;
}, TICK_MS);
timer.unref();

beforeEach((ctx) => {
  current = ctx.task.name;
  file = ctx.task.file.name;
});
afterEach(() => {
  current = '(between tests)';
});
afterAll(() => {
  if (longest.ms >= REPORT_FROM_MS) process.stderr.write(`loop stall: ${(longest.ms / 1000).toFixed(1)} s in ${file} > ${longest.test}\n`);
});
