// How tests run podpath as a process: `node <bundle> ...`, the bundle built once for the run by
// test/support/bundle-setup.ts (what users run, and ten times quicker to start than tsx).
import { inject } from 'vitest';

/** The arguments after `node` that start podpath: [bundle path]. */
export function podpathArgs(): string[] {
  return [inject('podpathBundle')];
}
