// Builds dist/podpath.mjs (or the file named as the first argument, for tests): one file with every
// dependency inlined, for air-gapped nodes.
import { build } from 'esbuild';
import { readFileSync, chmodSync } from 'node:fs';

const outfile = process.argv[2] ?? 'dist/podpath.mjs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
await build({
  entryPoints: ['src/cli/main.ts'],
  bundle: true,
  platform: 'node',
  target: 'node18',
  format: 'esm',
  outfile,
  banner: {
    // Some CommonJS dependencies call require(); give the ESM bundle one.
    js: "#!/usr/bin/env node\nimport { createRequire as __ppCreateRequire } from 'node:module';\nconst require = __ppCreateRequire(import.meta.url);",
  },
  define: { __PODPATH_VERSION__: JSON.stringify(pkg.version) },
  legalComments: 'none',
  logLevel: 'warning',
});
chmodSync(outfile, 0o755);
