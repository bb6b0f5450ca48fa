// Runs in every test worker: lowers the worker's CPU priority (and so that of every process its tests
// start) below the vitest main processes'. On CI's 2 cores the workers and what they start outnumber
// the cores many times; at equal priority the main process, which must answer each worker's RPC within
// vitest's fixed 60 s, got too little CPU and the run failed with "Timeout calling onTaskUpdate" while
// every test passed. At nice 10 a worker weighs about a tenth of the main process to the scheduler.
import { getPriority, setPriority } from 'node:os';

const WORKER_NICE = 10;
try {
  if (getPriority() < WORKER_NICE) setPriority(WORKER_NICE);
} catch {
  // Not permitted (a sandbox without setpriority): the run goes on at the inherited priority.
}
