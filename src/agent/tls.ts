// The API's TLS material: a certificate and key from files (a mounted Kubernetes Secret), or a
// self-signed pair made at start. Either way its SHA-256 fingerprint is what clients pin.
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { PodpathError } from '../util/errors.js';
import { LIMITS } from '../util/limits.js';
import { readSmallFile } from './small-file.js';
import { makeSelfSigned } from './self-signed.js';

export interface TlsMaterial { cert: string; key: string; fingerprint256: string; selfSigned: boolean }

export function loadTlsFiles(certFile: string, keyFile: string): TlsMaterial {
  const { value, code } = LIMITS.agentTlsFile;
  const cert = readSmallFile(certFile, value, code).toString('utf8');
  const key = readSmallFile(keyFile, value, code).toString('utf8');
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(cert);
  } catch {
    throw new PodpathError(code, `${certFile} is not a PEM certificate`);
  }
  try {
    if (!x509.checkPrivateKey(createPrivateKey(key))) throw new Error('mismatch');
  } catch (e) {
    throw new PodpathError(code, (e as Error).message === 'mismatch' ? `${keyFile} is not the key of ${certFile}` : `${keyFile} is not a PEM private key`);
  }
  return { cert, key, fingerprint256: x509.fingerprint256, selfSigned: false };
}

export function selfSignedTls(addresses: string[]): TlsMaterial {
  const s = makeSelfSigned(addresses);
  return { cert: s.certPem, key: s.keyPem, fingerprint256: s.fingerprint256, selfSigned: true };
}

/** A pin as people paste it: 64 hex digits, with or without colons, any case. */
export function normalizeFingerprint(text: string): string {
  const hex = text.trim().replace(/^sha256[:=]/i, '').replace(/:/g, '').toUpperCase();
  if (!/^[0-9A-F]{64}$/.test(hex)) throw new PodpathError('E_USAGE', '--tls-fingerprint takes a SHA-256 fingerprint: 64 hex digits, colons allowed (as the agent logs it)');
  return hex;
}
