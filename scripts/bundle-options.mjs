// esbuild options of the single-file bundle, shared by scripts/bundle.mjs, scripts/build-sea.mjs
// and the test that keeps the bundle ConfigMap under the API's 1 MiB object limit.
import { readFileSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
export const version = pkg.version;

/**
 * podpath uses only @kubernetes/client-node's KubeConfig (kubeconfig, contexts, auth plugins,
 * TLS options) and makes its own requests. config.js also imports the generated API client
 * (only for makeApiClient, which podpath never calls: ~0.9 MB) and node-fetch (only for Headers,
 * in applyToFetchOptions, also never called; it brings tr46/whatwg-url, ~0.4 MB). Both are
 * replaced by stubs that throw if ever reached, so the bundle ConfigMap keeps its headroom
 * under the API's 1 MiB object limit.
 */
const kubeConfigOnly = {
  name: 'kube-config-only',
  setup(b) {
    const fromConfig = (args) => /@kubernetes[\\/]client-node[\\/]dist[\\/]config\.js$/.test(args.importer);
    b.onResolve({ filter: /^\.\/gen\/index\.js$/ }, (args) => (fromConfig(args) ? { path: 'gen', namespace: 'pp-kube-stub' } : undefined));
    b.onResolve({ filter: /^node-fetch$/ }, (args) => (fromConfig(args) ? { path: 'node-fetch', namespace: 'pp-kube-stub' } : undefined));
    b.onLoad({ filter: /.*/, namespace: 'pp-kube-stub' }, (args) => ({
      loader: 'js',
      contents:
        args.path === 'gen'
          ? "const no = () => { throw new Error('podpath does not bundle the generated Kubernetes API client'); };\n" +
            'export const createConfiguration = no;\nexport class ServerConfiguration { constructor() { no(); } }\n'
          : 'export const Headers = globalThis.Headers;\nexport default {};\n',
    }));
  },
};

/**
 * Node's built-in modules, imported where a module needs them rather than at start-up. esbuild
 * hoists every `import ... from 'node:x'` of the bundle to its top, so node loaded all of them
 * (https, tls, child_process, dgram, readline, ...: ~20 ms of CPU) before `pcap analyze` read a
 * byte. As CommonJS requires, they load inside the lazily run init of the first module that uses
 * them (a command's code runs only when that command does; src/cli/main.ts).
 */
const lazyBuiltins = {
  name: 'lazy-builtins',
  setup(b) {
    const builtin = new Set(builtinModules);
    b.onResolve({ filter: /^[a-z_:/]+$/ }, (args) => {
      const name = args.path.replace(/^node:/, '');
      if (args.kind !== 'import-statement' || !builtin.has(name)) return undefined;
      return { path: `node:${name}`, namespace: 'pp-builtin' };
    });
    b.onLoad({ filter: /.*/, namespace: 'pp-builtin' }, (args) => ({ loader: 'js', contents: `module.exports = require(${JSON.stringify(args.path)});` }));
  },
};

/** The ESM bundle `node podpath.mjs` runs (the first way to run podpath). */
export function esmBundleOptions(outfile) {
  return {
    plugins: [kubeConfigOnly, lazyBuiltins],
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
    // Whitespace only (names and code as written): the install ships the bundle gzipped in a
    // ConfigMap under the API's 1 MiB object limit, which the unminified bundle had reached.
    minifyWhitespace: true,
    logLevel: 'warning',
  };
}

/** The CommonJS bundle a single executable application needs (Node 20/22 cannot start an ESM main). */
export function cjsBundleOptions(outfile) {
  const o = esmBundleOptions(outfile);
  return {
    ...o,
    format: 'cjs',
    target: 'node20',
    // Dependencies that are ESM use import.meta.url for their own files; none is read in a SEA.
    define: { ...o.define, 'import.meta.url': '__ppImportMetaUrl' },
    banner: { js: "const __ppImportMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
    // A SEA's require() loads built-in modules only, and warns on anything else: node-fetch's
    // optional `encoding` (required inside a try) becomes an empty module instead.
    plugins: [
      ...o.plugins,
      {
        name: 'optional-deps',
        setup(b) {
          b.onResolve({ filter: /^encoding$/ }, () => ({ path: 'encoding', namespace: 'pp-empty' }));
          b.onLoad({ filter: /.*/, namespace: 'pp-empty' }, () => ({ contents: 'module.exports = {};', loader: 'js' }));
        },
      },
    ],
  };
}

/**
 * The kubectl plugin entry beside podpath.mjs: kubectl runs `kubectl-podpath` from PATH. A shell
 * script, not a JavaScript file: an extensionless .js file is CommonJS or ESM depending on the
 * nearest package.json, which a plugin on a user's PATH does not have.
 */
export function writePluginWrapper(dir) {
  writeFileSync(
    join(dir, 'kubectl-podpath'),
    '#!/bin/sh\n# kubectl plugin entry: `kubectl podpath ARGS` runs this with ARGS.\n' +
      'here=$(dirname "$(readlink -f "$0")")\n' +
      'PODPATH_KUBECTL_PLUGIN=1 exec node "$here/podpath.mjs" "$@"\n',
    { mode: 0o755 },
  );
}
