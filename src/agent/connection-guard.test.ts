import { describe, expect, it } from 'vitest';
import { sourceKey } from './connection-guard.js';

describe('sourceKey', () => {
  it('counts IPv4 by address, IPv4-mapped IPv6 as IPv4, and IPv6 by /64', () => {
    expect(sourceKey('10.0.0.7')).toBe('10.0.0.7');
    expect(sourceKey('::ffff:10.0.0.7')).toBe('10.0.0.7');
    expect(sourceKey('fd00:1:2:3::1')).toBe('fd00:1:2:3::/64');
    expect(sourceKey('fd00:1:2:3:aaaa::2')).toBe('fd00:1:2:3::/64');
    expect(sourceKey('fd00:0001::9')).toBe('fd00:1:0:0::/64');
    expect(sourceKey('::1')).toBe('0:0:0:0::/64');
    expect(sourceKey(undefined)).toBe('?');
  });
});
