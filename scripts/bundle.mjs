// Builds dist/podpath.mjs: one file with every dependency inlined, for air-gapped nodes, and
// dist/kubectl-podpath beside it, the kubectl plugin entry (kubectl runs `kubectl-<name>` on PATH).
import { build } from 'esbuild';
import { chmodSync, writeFileSync } from 'node:fs';
import { esmBundleOptions } from './bundle-options.mjs';

await build(esmBundleOptions('dist/podpath.mjs'));
chmodSync('dist/podpath.mjs', 0o755);
// A shell script, not a JavaScript file: an extensionless .js file is CommonJS or ESM depending
// on the nearest package.json, which a plugin on a user's PATH does not have.
writeFileSync(
  'dist/kubectl-podpath',
  '#!/bin/sh\n# kubectl plugin entry: `kubectl podpath ARGS` runs this with ARGS.\n' +
    'here=$(dirname "$(readlink -f "$0")")\n' +
    'PODPATH_KUBECTL_PLUGIN=1 exec node "$here/podpath.mjs" "$@"\n',
  { mode: 0o755 },
);
