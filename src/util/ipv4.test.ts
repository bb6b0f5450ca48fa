import { describe, expect, it } from 'vitest';
import { cidrContains, ipv4ToInt, networkAddress, networkPrefix, parseCidr } from './ipv4.js';

describe('ipv4', () => {
  it('reads dotted quads and nothing else', () => {
    expect(ipv4ToInt('10.244.1.7')).toBe(((10 * 256 + 244) * 256 + 1) * 256 + 7);
    expect(ipv4ToInt('255.255.255.255')).toBe(0xffffffff);
    for (const bad of ['256.1.1.1', '1.2.3', '1.2.3.4.5', 'a.b.c.d', '', '1..2.3', 'fe80::1']) expect(ipv4ToInt(bad)).toBeUndefined();
  });
  it('tells whether a prefix holds an address or a prefix', () => {
    expect(cidrContains('10.244.0.0/16', '10.244.3.9')).toBe(true);
    expect(cidrContains('10.244.0.0/16', '10.245.0.1')).toBe(false);
    expect(cidrContains('10.244.0.0/16', '10.244.2.0/24')).toBe(true);
    expect(cidrContains('10.244.2.0/24', '10.244.0.0/16')).toBe(false);
    expect(cidrContains('0.0.0.0/0', '1.2.3.4')).toBe(true);
    expect(cidrContains('10.244.1.7', '10.244.1.7')).toBe(true);
    expect(cidrContains('garbage', '1.2.3.4')).toBe(false);
    expect(cidrContains('10.0.0.0/33', '10.0.0.1')).toBe(false);
  });
  it('does not read an empty or non-numeric length as /0', () => {
    // Number('') is 0: the two copies this replaced both took `10.0.0.0/` for 0.0.0.0/0.
    expect(parseCidr('10.0.0.0/')).toBeUndefined();
    expect(cidrContains('10.0.0.0/', '192.168.1.1')).toBe(false);
    expect(cidrContains('10.0.0.0/ 8', '10.1.1.1')).toBe(false);
    expect(cidrContains('10.0.0.0/0x8', '10.1.1.1')).toBe(false);
  });
  it('computes network addresses', () => {
    expect(networkAddress('10.187.0.1', 24)).toBe('10.187.0.0');
    expect(networkAddress('10.187.0.1', 0)).toBe('0.0.0.0');
    expect(networkPrefix('10.244.1.1', 24)).toBe('10.244.1.0/24');
    expect(networkPrefix('nope', 24)).toBeUndefined();
    expect(networkPrefix('10.0.0.1', 40)).toBeUndefined();
  });
});
