import { describe, expect, it } from 'vitest';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { certificateSerial, makeSelfSigned } from './self-signed.js';
import { missingRequirement } from '../../test/helpers/env.js';

describe('makeSelfSigned', () => {
  it('makes a valid certificate from random bytes that start with zeros (non-minimal DER made 1 in 512 fail)', () => {
    for (const head of [[0x00, 0x01], [0x00, 0x00], [0x80, 0x00], [0xff, 0xff]]) {
      const random = Buffer.alloc(16, 0x11);
      random[0] = head[0]!; random[1] = head[1]!;
      const serial = certificateSerial(random);
      expect(serial[0]! & 0x80).toBe(0);
      expect(serial[0]).not.toBe(0);
      const made = makeSelfSigned(['127.0.0.1'], new Date(), random);
      expect(new X509Certificate(made.certPem).serialNumber).toBe(serial.toString('hex').toUpperCase());
    }
  });

  it('makes a certificate Node parses and verifies, with the key, the addresses and the fingerprint', () => {
    const s = makeSelfSigned(['127.0.0.1', 'fd00::1:2']);
    const cert = new X509Certificate(s.certPem);
    expect(cert.checkPrivateKey(createPrivateKey(s.keyPem))).toBe(true);
    expect(cert.verify(cert.publicKey)).toBe(true);
    expect(cert.subject).toBe('CN=podpath-agent');
    expect(cert.subjectAltName).toBe('IP Address:127.0.0.1, IP Address:FD00:0:0:0:0:0:1:2');
    expect(cert.fingerprint256).toBe(s.fingerprint256);
    expect(cert.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(cert.ca).toBe(false);
    expect(new Date(cert.validTo).getTime()).toBeGreaterThan(Date.now() + 9 * 365 * 86400_000);
  });

  it.skipIf(missingRequirement({ tools: ['openssl'] }))('openssl reads it and prints the same fingerprint', () => {
    const s = makeSelfSigned(['127.0.0.1']);
    const out = execFileSync('openssl', ['x509', '-noout', '-fingerprint', '-sha256', '-text'], { input: s.certPem, encoding: 'utf8' });
    expect(out).toContain(`=${s.fingerprint256}`);
    expect(out).toContain('IP Address:127.0.0.1');
    expect(out).toContain('ecdsa-with-SHA256');
  });
});
