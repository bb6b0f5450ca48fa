// A self-signed certificate for the agent's API (--tls-self-signed), made with Node's own crypto:
// an ECDSA P-256 key and a minimal X.509 v3 certificate in DER (RFC 5280), about forty lines of
// encoding instead of a dependency. Clients pin its SHA-256 fingerprint (--tls-fingerprint), so
// nothing about it needs a CA; the IP addresses it serves are in its subjectAltName all the same.
import { createHash, generateKeyPairSync, randomBytes, sign, X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';

function len(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}
const tlv = (tag: number, ...parts: Buffer[]): Buffer => {
  const body = Buffer.concat(parts);
  return Buffer.concat([Buffer.from([tag]), len(body.length), body]);
};
const seq = (...parts: Buffer[]) => tlv(0x30, ...parts);
const set = (...parts: Buffer[]) => tlv(0x31, ...parts);
const posInt = (b: Buffer) => tlv(0x02, b[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), b]) : b);
const oid = (dotted: string): Buffer => {
  const [a, b, ...rest] = dotted.split('.').map(Number);
  const out = [a! * 40 + b!];
  for (const n of rest) {
    const chunk: number[] = [n & 0x7f];
    for (let v = Math.floor(n / 128); v > 0; v = Math.floor(v / 128)) chunk.unshift(0x80 | (v & 0x7f));
    for (const byte of chunk) out.push(byte);
  }
  return tlv(0x06, Buffer.from(out));
};
/** UTCTime until 2049, GeneralizedTime from 2050 (RFC 5280 4.1.2.5). */
const time = (d: Date): Buffer => {
  const iso = d.toISOString().replace(/[-:T]/g, '').slice(0, 14) + 'Z';
  return d.getUTCFullYear() < 2050 ? tlv(0x17, Buffer.from(iso.slice(2))) : tlv(0x18, Buffer.from(iso));
};
const ipBytes = (ip: string): Buffer => {
  if (isIP(ip) === 4) return Buffer.from(ip.split('.').map(Number));
  const [head, tail = ''] = ip.split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = ip.includes('::') ? [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t] : h;
  return Buffer.from(groups.flatMap((g) => { const v = parseInt(g, 16); return [v >> 8, v & 0xff]; }));
};

export interface SelfSigned { certPem: string; keyPem: string; fingerprint256: string }

/** A positive serial whose DER encoding is minimal: a first byte of 0x00 followed by one below 0x80 is not
 *  valid DER, and OpenSSL refuses the certificate (1 in 512 random serials did that). */
export function certificateSerial(random: Buffer = randomBytes(16)): Buffer {
  const serial = Buffer.from(random);
  serial[0] = (serial[0]! & 0x7f) | 0x40;
  return serial;
}

export function makeSelfSigned(addresses: string[], now = new Date(), random?: Buffer): SelfSigned {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const ecdsaSha256 = seq(oid('1.2.840.10045.4.3.2'));
  const name = seq(set(seq(oid('2.5.4.3'), tlv(0x0c, Buffer.from('podpath-agent')))));
  const ips = addresses.filter((a) => isIP(a) !== 0);
  const extensions = [
    seq(oid('2.5.29.19'), tlv(0x04, seq())), // basicConstraints: not a CA
    ...(ips.length ? [seq(oid('2.5.29.17'), tlv(0x04, seq(...ips.map((ip) => tlv(0x87, ipBytes(ip))))))] : []),
  ];
  const serial = certificateSerial(random);
  const tbs = seq(
    tlv(0xa0, posInt(Buffer.from([2]))), // v3
    posInt(serial),
    ecdsaSha256,
    name,
    seq(time(new Date(now.getTime() - 3600_000)), time(new Date(now.getTime() + 10 * 365 * 86400_000))),
    name,
    publicKey.export({ type: 'spki', format: 'der' }),
    tlv(0xa3, seq(...extensions)),
  );
  const signature = sign('sha256', tbs, privateKey);
  const der = seq(tbs, ecdsaSha256, tlv(0x03, Buffer.from([0]), signature));
  const certPem = `-----BEGIN CERTIFICATE-----\n${der.toString('base64').replace(/.{1,64}/g, '$&\n')}-----END CERTIFICATE-----\n`;
  const cert = new X509Certificate(certPem);
  if (!cert.verify(publicKey)) throw new Error('self-signed certificate does not verify');
  return { certPem, keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), fingerprint256: fingerprint(der) };
}

/** SHA-256 of the certificate's DER, as `openssl x509 -fingerprint -sha256` and Node print it (AB:CD:...). */
export function fingerprint(der: Buffer): string {
  return createHash('sha256').update(der).digest('hex').toUpperCase().match(/../g)!.join(':');
}
