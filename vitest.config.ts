import { defineConfig } from 'vitest/config';

const define = { __PODPATH_VERSION__: JSON.stringify('0.0.0-test') };

export default defineConfig({
  define,
  test: {
    // vitest's default is CPUs - 1 workers (one, on CI's 2 cores) for all projects together; the unit
    // files mostly wait on the processes and sockets they open. The e2e project stays one file at a
    // time whatever this says (singleFork below); scripts/test.mjs runs it as a process of its own.
    maxWorkers: 3,
    // Every worker process first loads test/support/rpc-timeout.mjs: vitest's fixed 60 s worker->main
    // RPC timeout, raised (the file says why).
    poolOptions: { forks: { execArgv: ['--import', new URL('./test/support/rpc-timeout.mjs', import.meta.url).pathname] } },
    testTimeout: 60_000,
    hookTimeout: 120_000,
    projects: [
      {
        define,
        test: { name: 'unit', globalSetup: ['test/support/bundle-setup.ts'], setupFiles: ['test/support/worker-priority.ts', 'test/support/loop-watch.ts'], testTimeout: 60_000, hookTimeout: 120_000, include: ['src/**/*.test.ts', 'test/**/*.test.ts'], exclude: ['test/e2e/**', 'node_modules/**'] },
      },
      {
        define,
        // End-to-end tests build network namespaces and nftables tables on the one host kernel:
        // they run one file at a time so they never see each other's lab.
        test: { name: 'e2e', globalSetup: ['test/support/bundle-setup.ts'], setupFiles: ['test/support/worker-priority.ts'], include: ['test/e2e/**/*.test.ts'], fileParallelism: false, poolOptions: { forks: { singleFork: true, execArgv: ['--import', new URL('./test/support/rpc-timeout.mjs', import.meta.url).pathname] } }, testTimeout: 180_000, hookTimeout: 180_000 },
      },
    ],
  },
});
