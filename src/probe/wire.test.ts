import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decodeProbe, encodeProbe, MAC_LEN, ProbeType } from './wire.js';

describe('probe MAC (one KeyObject per key Buffer)', () => {
  const header = { type: ProbeType.EchoRequest, flags: 0, session: 0x0123456789abcdefn, seq: 7, sentMs: 1_700_000_000_000 };

  it('is HMAC-SHA256 of everything before it, cut to 16 bytes (checked by an independent HMAC)', () => {
    const key = Buffer.from('wire-test-key-0123456789');
    const buf = encodeProbe(key, header, 100);
    const want = createHmac('sha256', key).update(buf.subarray(0, 100 - MAC_LEN)).digest().subarray(0, MAC_LEN);
    expect(buf.subarray(100 - MAC_LEN).equals(want)).toBe(true);
  });

  it('tells keys apart whatever was signed before: another key refuses, an equal key in another Buffer accepts', () => {
    const a = Buffer.from('wire-test-key-aaaaaaaaaa');
    const b = Buffer.from('wire-test-key-bbbbbbbbbb');
    const signed = encodeProbe(a, header);
    expect(decodeProbe(a, signed).ok).toBe(true);
    expect(decodeProbe(b, signed)).toEqual({ ok: false, reason: 'bad-mac' });
    expect(decodeProbe(Buffer.from(a), signed).ok).toBe(true);
    expect(decodeProbe(b, encodeProbe(b, header)).ok).toBe(true);
  });
});
