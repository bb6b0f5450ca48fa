import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseAptHistory, parseDnfRpmLog, parseDpkgL, parseRpmQa, parseYumLog, splitNevra } from './parse.js';

const fx = (name: string) => readFileSync(new URL(`../../../test/fixtures/sources/packages/${name}`, import.meta.url), 'utf8');

describe('kernel package history', () => {
  it('reads the dnf.rpm.log lines of seed 000, in order, with the upgrade pairs', () => {
    const events = parseDnfRpmLog(fx('seed000-kylin-dnf.rpm.log'));
    expect(events.map((e) => [e.action, e.name, e.version])).toEqual([
      ['install', 'kernel', '4.19.90-52.49.v2207.ky10.x86_64'],
      ['upgrade', 'kernel-tools', '4.19.90-52.49.v2207.ky10.x86_64'],
      ['upgraded', 'kernel-tools', '4.19.90-52.45.v2207.ky10.x86_64'],
      ['upgraded', 'kernel-headers', '4.19.90-52.45.v2207.ky10.x86_64'],
      ['upgraded', 'kernel-tools-libs', '4.19.90-52.45.v2207.ky10.x86_64'],
    ]);
    expect(events[0]!.time).toBe('2025-08-07T01:34:25Z');
    expect(events[0]!.line).toContain('InstaLLed:kernel-4.19.90-52.49');
  });

  it('reads newer dnf offsets and skips non-kernel packages', () => {
    const text = '2023-05-10T08:21:33+0800 SUBDEBUG Installed: kernel-5.10.0-136.12.0.86.oe2203sp1.x86_64\n2023-05-10T08:21:34+0800 SUBDEBUG Upgrade: bash-5.1.8-6.oe2203sp1.x86_64\n';
    expect(parseDnfRpmLog(text).map((e) => e.name)).toEqual(['kernel']);
  });

  it('reads a CentOS 7 yum.log, epochs stripped', () => {
    const events = parseYumLog(fx('centos7-yum.log'));
    expect(events.map((e) => `${e.action} ${e.name}-${e.version}`)).toEqual([
      'upgraded kernel-tools-libs-3.10.0-1160.81.1.el7.x86_64',
      'install kernel-3.10.0-1160.81.1.el7.x86_64',
      'upgraded kernel-tools-3.10.0-1160.81.1.el7.x86_64',
      'erase kernel-3.10.0-957.el7.x86_64',
    ]);
    expect(parseYumLog(fx('centos7-yum.log'), false).some((e) => e.name === 'NetworkManager-libnm')).toBe(true);
  });

  it('reads apt history: every package of a real log, kernel ones of an upgrade', () => {
    const all = parseAptHistory(fx('debian12-apt-history.log'), false);
    expect(all[0]).toMatchObject({ time: '2025-06-24  14:36:25', action: 'upgrade', name: 'libsystemd0', version: '252.38-1~deb12u1' });
    expect(all.some((e) => e.name === 'libgomp1' && e.action === 'install' && e.version === '12.2.0-14+deb12u1')).toBe(true);
    expect(parseAptHistory(fx('debian12-apt-history.log'))).toEqual([]);
    const kernel = parseAptHistory(fx('debian-kernel-apt-history.log'));
    expect(kernel.map((e) => `${e.action} ${e.name} ${e.version}`)).toEqual([
      'install linux-image-6.1.0-18-amd64 6.1.76-1',
      'upgrade linux-image-amd64 6.1.76-1',
      'erase linux-image-6.1.0-16-amd64 6.1.67-1',
    ]);
  });
});

describe('installed kernels', () => {
  it('lists the kernel packages of seed 000 rpm -qa (OCR-damaged names dropped)', () => {
    const installed = parseRpmQa(fx('seed000-kylin-rpm-qa-kernel'));
    expect(installed).toContain('kernel-4.19.90-52.22.v2207.ky10.x86_64');
    expect(installed).toContain('kernel-4.19.90-52.49.v2207.ky10.x86_64');
    expect(installed).not.toContain('kerne1-t001s-11bs-4.19.90-52.49.V2207.ky10.x86_64');
    expect(installed).toHaveLength(14);
  });

  it('lists installed (ii) linux-image packages of dpkg -l, not removed ones or linux-libc-dev', () => {
    expect(parseDpkgL(fx('debian12-dpkg-l'))).toEqual(['linux-image-6.1.0-18-amd64-6.1.76-1']);
  });

  it('splits name and version-release', () => {
    expect(splitNevra('kernel-tools-libs-4.19.90-52.45.v2207.ky10.x86_64')).toEqual({ name: 'kernel-tools-libs', version: '4.19.90-52.45.v2207.ky10.x86_64' });
    expect(splitNevra('1:NetworkManager-1.18.8-2.el7_9.x86_64').name).toBe('NetworkManager');
  });
});
