import { describe, expect, it } from 'vitest';
import { ipv4String, ipv6String } from './addr.js';

function v6(text: string): Uint8Array {
  // Expand a full 8-group address for the test input.
  return Uint8Array.from(text.split(':').flatMap((g) => [parseInt(g, 16) >> 8, parseInt(g, 16) & 0xff]));
}

describe('address text', () => {
  it('prints IPv4 dotted quads', () => {
    expect(ipv4String(Uint8Array.from([0, 10, 250, 0, 1]), 1)).toBe('10.250.0.1');
  });
  it('prints IPv6 as RFC 5952 (as tcpdump does)', () => {
    expect(ipv6String(v6('2604:1380:4091:ce00:0:0:0:b'), 0)).toBe('2604:1380:4091:ce00::b');
    expect(ipv6String(v6('fe80:0:0:0:0:0:0:1'), 0)).toBe('fe80::1');
    expect(ipv6String(v6('0:0:0:0:0:0:0:0'), 0)).toBe('::');
    expect(ipv6String(v6('0:0:0:0:0:0:0:1'), 0)).toBe('::1');
    expect(ipv6String(v6('2001:db8:0:1:1:1:1:1'), 0)).toBe('2001:db8:0:1:1:1:1:1');
    expect(ipv6String(v6('2001:0:0:1:0:0:0:1'), 0)).toBe('2001:0:0:1::1');
    expect(ipv6String(v6('0:0:0:0:0:ffff:a0a:101'), 0)).toBe('::ffff:10.10.1.1');
  });
});
