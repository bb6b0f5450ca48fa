// The podpath.mjs the DaemonSets run, gzipped for the bundle ConfigMap: by default the very file
// running now (`node podpath.mjs cluster install`), else the one --bundle names.
import { readFileSync, statSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { LIMITS } from '../../util/limits.js';
import { PodpathError } from '../../util/errors.js';
import { oneLine } from '../../util/terminal-safe.js';

export function defaultBundlePath(argv: string[] = process.argv): string | undefined {
  const self = argv[1];
  return self && /\.mjs$/.test(self) ? self : undefined;
}

export function loadBundleGz(file: string | undefined): Buffer {
  if (!file) {
    throw new PodpathError('E_USAGE', 'no bundle to deploy: run the bundle itself (node podpath.mjs cluster install) or give --bundle podpath.mjs');
  }
  let size: number;
  try {
    size = statSync(file).size;
  } catch (e) {
    throw new PodpathError('E_BUNDLE_READ', `cannot read ${oneLine(file)}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  if (size > LIMITS.clusterBundleInputBytes.value) {
    throw new PodpathError(LIMITS.clusterBundleInputBytes.code, `${oneLine(file)} is ${size} bytes, over ${LIMITS.clusterBundleInputBytes.value}: not podpath's bundle`);
  }
  const text = readFileSync(file);
  if (!text.subarray(0, 64).toString('latin1').startsWith('#!/usr/bin/env node')) {
    throw new PodpathError('E_BUNDLE_READ', `${oneLine(file)} does not look like podpath's bundle (dist/podpath.mjs)`);
  }
  const gz = gzipSync(text, { level: 9 });
  // base64 in the object, plus metadata: stay well under the API's 1 MiB object limit.
  const objectSize = Math.ceil(gz.length / 3) * 4 + 4096;
  if (objectSize > LIMITS.clusterBundleBytes.value) {
    throw new PodpathError(LIMITS.clusterBundleBytes.code, `the bundle ConfigMap would be ${objectSize} bytes, over the ${LIMITS.clusterBundleBytes.value}-byte object limit`);
  }
  return gz;
}
