// Builds dist/podpath.mjs: one file with every dependency inlined, for air-gapped nodes, and
// dist/kubectl-podpath beside it, the kubectl plugin entry.
import { build } from 'esbuild';
import { chmodSync } from 'node:fs';
import { esmBundleOptions, writePluginWrapper } from './bundle-options.mjs';

await build(esmBundleOptions('dist/podpath.mjs'));
chmodSync('dist/podpath.mjs', 0o755);
writePluginWrapper('dist');
