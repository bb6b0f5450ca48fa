// The probe HMAC key and the agents' API token, made once at install: 32 random bytes each
// (43 base64url characters), independent, so knowing one says nothing of the other.
import { randomBytes } from 'node:crypto';

export interface InstallSecrets {
  hmacKey: string;
  apiToken: string;
}

export function makeInstallSecrets(): InstallSecrets {
  const hmacKey = randomBytes(32).toString('base64url');
  let apiToken = randomBytes(32).toString('base64url');
  while (apiToken === hmacKey) apiToken = randomBytes(32).toString('base64url');
  return { hmacKey, apiToken };
}
