import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { liveHost } from '../host/live.js';
import { packagesSource } from './read.js';

const root = mkdtempSync(path.join(os.tmpdir(), 'ppd1-packages-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('packages source', () => {
  it('reads rotated dnf logs oldest first, and skips gzip ones', async () => {
    mkdirSync(path.join(root, 'var/log'), { recursive: true });
    writeFileSync(path.join(root, 'var/log/dnf.rpm.log.1'), '2025-03-01T01:00:00Z SUBDEBUG Installed: kernel-4.19.90-52.45.v2207.ky10.x86_64\n');
    writeFileSync(path.join(root, 'var/log/dnf.rpm.log.2'), '2024-11-01T01:00:00Z SUBDEBUG Installed: kernel-4.19.90-52.22.v2207.ky10.x86_64\n');
    writeFileSync(path.join(root, 'var/log/dnf.rpm.log'), '2025-08-07T01:34:25Z SUBDEBUG Installed: kernel-4.19.90-52.49.v2207.ky10.x86_64\n');
    writeFileSync(path.join(root, 'var/log/dnf.rpm.log.3.gz'), Buffer.from([0x1f, 0x8b, 0x08, 0x00]));
    const part = await packagesSource.read(liveHost({ root }), {});
    expect(part.kernelPackages?.history.map((e) => e.version)).toEqual([
      '4.19.90-52.22.v2207.ky10.x86_64', '4.19.90-52.45.v2207.ky10.x86_64', '4.19.90-52.49.v2207.ky10.x86_64',
    ]);
    expect(part.kernelPackages?.sources.slice(0, 3)).toEqual(['/var/log/dnf.rpm.log.2', '/var/log/dnf.rpm.log.1', '/var/log/dnf.rpm.log']);
  });
});
