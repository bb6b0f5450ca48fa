// Builds dist/podpath.mjs (or the file named as the first argument, for tests): one file with every
// dependency inlined, for air-gapped nodes, and the kubectl plugin entry (kubectl-podpath) beside it.
import { build } from 'esbuild';
import { chmodSync } from 'node:fs';
import path from 'node:path';
import { esmBundleOptions, writePluginWrapper } from './bundle-options.mjs';

const outfile = process.argv[2] ?? 'dist/podpath.mjs';
await build(esmBundleOptions(outfile));
chmodSync(outfile, 0o755);
writePluginWrapper(path.dirname(outfile));
