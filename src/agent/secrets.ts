// The shared probe key and the API bearer token: from a file (a mounted Kubernetes Secret) or the
// environment. Both are required: an agent never answers unauthenticated probes.
import { readFileSync } from 'node:fs';
import { PodpathError } from '../util/errors.js';

function fromFileOrEnv(file: string | undefined, envName: string): string | undefined {
  if (file) {
    try {
      return readFileSync(file, 'utf8').trim();
    } catch (e) {
      throw new PodpathError('E_SECRET_FILE', `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  }
  const v = process.env[envName]?.trim();
  return v ? v : undefined;
}

export function loadProbeKey(file?: string): Buffer {
  const key = fromFileOrEnv(file, 'PODPATH_KEY');
  if (!key) throw new PodpathError('E_NO_KEY', 'no probe key: give --key-file FILE or set PODPATH_KEY (the same on every node)');
  if (key.length < 16) throw new PodpathError('E_WEAK_KEY', 'the probe key must be at least 16 characters');
  return Buffer.from(key);
}

export function loadApiToken(file?: string): string {
  const token = fromFileOrEnv(file, 'PODPATH_TOKEN');
  if (!token) throw new PodpathError('E_NO_TOKEN', 'no API token: give --token-file FILE or set PODPATH_TOKEN');
  if (token.length < 16) throw new PodpathError('E_WEAK_TOKEN', 'the API token must be at least 16 characters');
  return token;
}
