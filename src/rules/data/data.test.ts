import { describe, expect, it } from 'vitest';
import { findBadUdpChecksumBuild, natChecksumFix, natChecksumFixReleases } from './kernel-builds.js';
import { compareKernelReleases, parseKernelRelease } from './kernel-version.js';

describe('kernel releases', () => {
  it('reads distribution release strings', () => {
    expect(parseKernelRelease('4.19.90-52.49.v2207.ky10.x86_64')).toMatchObject({ upstream: [4, 19, 90], build: '52.49.v2207.ky10', arch: 'x86_64' });
    expect(parseKernelRelease('3.10.0-693.el7.x86_64')).toMatchObject({ upstream: [3, 10, 0], build: '693.el7' });
    expect(parseKernelRelease('5.4.0-150-generic')).toMatchObject({ upstream: [5, 4, 0], build: '150-generic', arch: undefined });
    expect(parseKernelRelease('4.19.90-17.ky10.aarch64')).toMatchObject({ upstream: [4, 19, 90], build: '17.ky10', arch: 'aarch64' });
    expect(parseKernelRelease('6.18.44-fc-v657')).toMatchObject({ upstream: [6, 18, 44], build: 'fc-v657' });
    expect(parseKernelRelease('not a kernel')).toBeUndefined();
  });
  it('orders builds of one distribution by their numbers', () => {
    expect(compareKernelReleases('4.19.90-52.22.v2207.ky10.x86_64', '4.19.90-52.49.v2207.ky10.x86_64')).toBe(-1);
    expect(compareKernelReleases('4.19.90-52.49.v2207.ky10.x86_64', '4.19.90-52.45.v2207.ky10.x86_64')).toBe(1);
    expect(compareKernelReleases('3.10.0-1062.el7.x86_64', '3.10.0-1160.88.1.el7.x86_64')).toBe(-1);
    expect(compareKernelReleases('5.4.41', '5.4.41')).toBe(0);
  });
  it('knows the bad Kylin build and not its neighbours', () => {
    expect(findBadUdpChecksumBuild('4.19.90-52.49.v2207.ky10.x86_64')?.knownGood).toEqual(['4.19.90-52.22.v2207.ky10']);
    expect(findBadUdpChecksumBuild('4.19.90-52.22.v2207.ky10.x86_64')).toBeUndefined();
    expect(findBadUdpChecksumBuild('4.19.90-52.45.v2207.ky10.x86_64')).toBeUndefined();
  });
  it('knows which releases carry the NAT checksum fix', () => {
    expect(natChecksumFix('5.7.0').fixed).toBe(true);
    expect(natChecksumFix('6.1.0-18-amd64').fixed).toBe(true);
    expect(natChecksumFix('5.4.40').fixed).toBe(false);
    expect(natChecksumFix('5.4.41').fixed).toBe(true);
    expect(natChecksumFix('4.19.122').fixed).toBe(false);
    expect(natChecksumFix('4.19.123').fixed).toBe(true);
    expect(natChecksumFix('4.14.181').fixed).toBe(true);
    expect(natChecksumFix('5.6.13').basis).toMatch(/UNCONFIRMED/);
    expect(natChecksumFix('5.5.19')).toMatchObject({ fixed: false, basis: '5.5.19 < 5.7' });
    expect(natChecksumFix('3.10.0-1160.el7.x86_64')).toMatchObject({ fixed: false, backportPossible: true });
    expect(natChecksumFix('4.19.90-52.49.v2207.ky10.x86_64').fixed).toBe(false);
    expect(natChecksumFix('x').fixed).toBeUndefined();
  });
  it('lists the releases with the NAT checksum fix for messages (the capture rule reads them here)', () => {
    expect(natChecksumFixReleases()).toEqual({ confirmed: ['5.7', '5.4.41', '4.19.123', '4.14.181'], unconfirmed: ['5.6.13'] });
    // Every listed release is one natChecksumFix calls fixed.
    for (const r of natChecksumFixReleases().confirmed) expect(natChecksumFix(r.split('.').length === 2 ? `${r}.0` : r).fixed, r).toBe(true);
  });
});
