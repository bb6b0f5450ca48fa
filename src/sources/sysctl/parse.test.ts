import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isInterestingSysctl, parseSysctlA, procPathToName } from './parse.js';

const fx = (name: string) => readFileSync(new URL(`../../../test/fixtures/sources/sysctl/${name}`, import.meta.url), 'utf8');

describe('sysctl', () => {
  it('reads sysctl -a from a real sosreport (a VXLAN device named flannel.1 prints as flannel/1)', () => {
    const v = parseSysctlA(fx('sos-netns-sysctl-a'), isInterestingSysctl);
    expect(v['net.ipv4.ip_forward']).toBe('0');
    expect(v['net.ipv4.conf.flannel/1.rp_filter']).toBe('0');
    expect(v['net.bridge.bridge-nf-call-iptables']).toBe('1');
    expect(v['net.netfilter.nf_conntrack_max']).toMatch(/^\d+$/);
    expect(v['kernel.osrelease']).toBeUndefined();
  });

  it('names /proc/sys paths as sysctl(8) does', () => {
    expect(procPathToName('/proc/sys/net/ipv4/ip_forward')).toBe('net.ipv4.ip_forward');
    expect(procPathToName('/proc/sys/net/ipv4/conf/flannel.1/rp_filter')).toBe('net.ipv4.conf.flannel/1.rp_filter');
  });
});
