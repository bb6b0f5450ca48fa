// Builds the single-file bundle once per test run, as it ships (scripts/bundle-options.mjs), and
// hands its path to the tests that run podpath as a process. Starting the bundle costs about a
// tenth of starting the TypeScript sources through tsx (0.2 s against 2 s of CPU), and the suite
// starts podpath some hundreds of times; it also means those tests run what users run.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { build } from 'esbuild';
// @ts-expect-error: a plain .mjs build script without type declarations
import { esmBundleOptions } from '../../scripts/bundle-options.mjs';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The bundle (dist/podpath.mjs as built for this run), run as `node <it> ...`. */
    podpathBundle: string;
  }
}

export default async function setup(project: TestProject): Promise<() => void> {
  const dir = mkdtempSync(join(tmpdir(), 'podpath-test-bundle-'));
  const outfile = join(dir, 'podpath.mjs');
  await build({ ...(esmBundleOptions(outfile) as object), logLevel: 'error' });
  project.provide('podpathBundle', outfile);
  return () => rmSync(dir, { recursive: true, force: true });
}
