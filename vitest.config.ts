import { defineConfig } from 'vitest/config';

const define = { __PODPATH_VERSION__: JSON.stringify('0.0.0-test') };

export default defineConfig({
  define,
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    projects: [
      {
        define,
        test: { name: 'unit', globalSetup: ['test/support/bundle-setup.ts'], testTimeout: 60_000, hookTimeout: 120_000, include: ['src/**/*.test.ts', 'test/**/*.test.ts'], exclude: ['test/e2e/**', 'node_modules/**'] },
      },
      {
        define,
        // End-to-end tests build network namespaces and nftables tables on the one host kernel:
        // they run one file at a time so they never see each other's lab.
        test: { name: 'e2e', globalSetup: ['test/support/bundle-setup.ts'], include: ['test/e2e/**/*.test.ts'], fileParallelism: false, testTimeout: 180_000, hookTimeout: 180_000 },
      },
    ],
  },
});
