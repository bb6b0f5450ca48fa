// The shared probe key and the API bearer token: from a file (a mounted Kubernetes Secret) or the
// environment. Both are required: an agent never answers unauthenticated probes.
import { timingSafeEqual } from 'node:crypto';
import { PodpathError } from '../util/errors.js';
import { LIMITS } from '../util/limits.js';
import { readSmallFile } from './small-file.js';

function fromFileOrEnv(file: string | undefined, envName: string): string | undefined {
  if (file) return readSmallFile(file, LIMITS.agentSecretFile.value, LIMITS.agentSecretFile.code).toString('utf8').trim();
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

/**
 * The key and the token guard different things (who may probe, who may command): one value for
 * both would let anyone who sniffs the plain-HTTP token forge probes, and the other way round.
 */
export function assertDistinctSecrets(key: Buffer, token: string): void {
  const t = Buffer.from(token);
  if (t.length === key.length && timingSafeEqual(t, key)) {
    throw new PodpathError('E_WEAK_SECRET', 'the probe key and the API token are the same: give them different values');
  }
}
