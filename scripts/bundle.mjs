// Builds dist/podpath.mjs: one file with every dependency inlined, for air-gapped nodes.
import { build } from 'esbuild';
import { readFileSync, chmodSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
await build({
  entryPoints: ['src/cli/main.ts'],
  bundle: true,
  platform: 'node',
  target: 'node18',
  format: 'esm',
  outfile: 'dist/podpath.mjs',
  banner: {
    // Some CommonJS dependencies call require(); give the ESM bundle one.
    js: "#!/usr/bin/env node\nimport { createRequire as __ppCreateRequire } from 'node:module';\nconst require = __ppCreateRequire(import.meta.url);",
  },
  define: { __PODPATH_VERSION__: JSON.stringify(pkg.version) },
  legalComments: 'none',
  logLevel: 'warning',
});
chmodSync('dist/podpath.mjs', 0o755);
