// Hostile tarballs, made byte by byte by the test (test/helpers/tar-craft.ts), read through the real
// bundleHost / readArchive: nothing reaches the disk, every limit ends the read with its code, and a
// tar cut short keeps what came before it with a note saying where it ended.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { c as createTar } from 'tar';
import { bundleHost } from './bundle.js';
import { readArchive } from './archive.js';
import { collectNodeFacts } from '../collect.js';
import { bzip2, gzip, paxEntry, tarHeader, tarOf, TAR_END, xz, minimalBundle, type RawEntry } from '../../../test/helpers/tar-craft.js';
import { missingRequirement } from '../../../test/helpers/env.js';
import { LIMITS } from '../../util/limits.js';

const FIXTURES = fileURLToPath(new URL('../../../test/fixtures/bundles/', import.meta.url));
const tmp = mkdtempSync(path.join(os.tmpdir(), 'pph9-archive-test-'));
// podpath's own temporary files would land here: the tests check it stays empty.
const privateTmp = path.join(tmp, 'TMPDIR');
let savedTmpdir: string | undefined;
beforeAll(() => {
  mkdirSync(privateTmp);
  savedTmpdir = process.env.TMPDIR;
  process.env.TMPDIR = privateTmp;
});
afterAll(() => {
  if (savedTmpdir === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = savedTmpdir;
  rmSync(tmp, { recursive: true, force: true });
});

function write(name: string, data: Buffer): string {
  const file = path.join(tmp, name);
  writeFileSync(file, data);
  return file;
}

const UNAME = 'Linux vm 6.1.0-18-amd64 #1 SMP PREEMPT_DYNAMIC Debian 6.1.76-1 (2024-02-01) x86_64 GNU/Linux\n';
const SNMP = 'Udp: InDatagrams NoPorts InErrors OutDatagrams\nUdp: 10 0 0 10\n';

/** Everything tar can carry that must not reach a disk or a reader. */
const HOSTILE: RawEntry[] = [
  { name: './', type: '5', mode: 0o777 },
  { name: './sos_commands/', type: '5', mode: 0o777 },
  { name: './sos_commands/kernel/', type: '5', mode: 0o777 },
  // A setuid root copy of a program: what an unprivileged user ran as euid 0 before.
  { name: './sos_commands/kernel/uname_-a', mode: 0o4755, uid: 0, gid: 0, data: UNAME },
  { name: './proc/', type: '5', mode: 0o1777 },
  { name: './proc/net/', type: '5' },
  { name: './proc/net/snmp', mode: 0o6777, data: SNMP },
  { name: './dev/', type: '5' },
  { name: './dev/sda', type: '4', mode: 0o666, devmajor: 8, devminor: 0 },
  { name: './dev/mem', type: '3', mode: 0o666, devmajor: 1, devminor: 1 },
  { name: './etc/', type: '5' },
  { name: './etc/os-release', type: '6', mode: 0o666 },
  { name: './etc/hostname', type: '1', linkname: '/etc/shadow' },
  { name: './etc/machine-id', type: '1', linkname: '../../../../etc/passwd' },
  { name: './etc/localtime', type: '2', linkname: '/etc/shadow' },
  { name: './etc/issue', type: '2', linkname: '../../../../../etc/passwd' },
  // A hard link to an earlier member: the same contents under another name.
  { name: './proc/modules', type: '1', linkname: './proc/net/snmp' },
  { name: '../../escaped', data: 'outside\n' },
  { name: '/abs/escaped', data: 'outside\n' },
];

describe('a tarball whose ./ is 0777 and whose uname is a setuid root file (the local root escalation)', () => {
  // Exactly what the system tar unpacked into a world-writable temp dir before: no devices, no links.
  const modes = tarOf(HOSTILE.slice(0, 7));
  for (const [ext, make] of [['tar.xz', () => xz(modes)], ['tar.bz2', () => bzip2(modes)], ['tar.gz', () => gzip(modes)]] as const) {
    it(`never reaches the disk (${ext}): TMPDIR stays empty while the bundle is open`, async () => {
      if (missingRequirement({ tools: ['xz', 'bzip2'] })) return;
      const host = await bundleHost(write(`modes.${ext}`, make()));
      try {
        expect(readdirSync(privateTmp)).toEqual([]);
        expect((await host.run({ argv: ['uname', '-a'], plugin: 'kernel' }))?.stdout).toBe(UNAME);
      } finally {
        await host.close();
      }
    });
  }
});

describe('a tarball holding setuid files, 0777 directories, devices, FIFOs and hard links out', () => {
  const plain = tarOf(HOSTILE);
  const kinds: [string, () => Buffer][] = [
    ['tar', () => plain],
    ['tar.gz', () => gzip(plain)],
    ['tar.xz', () => xz(plain)],
    ['tar.bz2', () => bzip2(plain)],
  ];
  for (const [ext, make] of kinds) {
    it(`is read in memory (${ext}): nothing is written under TMPDIR, no special file is readable, no link leads out`, async () => {
      if (missingRequirement({ tools: ['xz', 'bzip2'] })) return;
      const file = write(`hostile.${ext}`, make());
      const host = await bundleHost(file);
      try {
        // While the bundle is open: no extracted copy anywhere podpath writes temporary files.
        expect(readdirSync(privateTmp)).toEqual([]);
        expect((await host.run({ argv: ['uname', '-a'], plugin: 'kernel' }))?.stdout).toBe(UNAME);
        expect((await host.readFile('/proc/net/snmp'))?.text).toBe(SNMP);
        expect((await host.readFile('/proc/modules'))?.text).toBe(SNMP);
        for (const p of ['/etc/os-release', '/etc/hostname', '/etc/machine-id', '/etc/localtime', '/etc/issue', '/dev/sda', '/dev/mem', '/escaped', '/../escaped']) {
          expect(await host.readFile(p), p).toBeUndefined();
        }
        // An absolute member name is taken relative to the archive, as tar does: inside the bundle.
        expect(await host.listDir('/abs')).toEqual(['/abs/escaped']);
        expect(host.explain('/etc/localtime')).toEqual({ code: 'linkLeavesBundle', data: { path: '/etc/localtime' } });
        expect(await host.listDir('/dev')).toEqual([]);
      } finally {
        await host.close();
      }
      expect(readdirSync(privateTmp)).toEqual([]);
    });
  }
});

describe('limits on unpacking (each ends the read with its code)', () => {
  const base = minimalBundle();
  const cases: { what: string; entries: (RawEntry | Buffer)[]; limits?: Record<string, number>; code: string }[] = [
    { what: 'more entries than allowed', entries: [...base, ...Array.from({ length: 50 }, (_, i) => ({ name: `sosreport-vm/proc/${i}`, data: '' }))], limits: { entries: 40 }, code: 'E_BUNDLE_ENTRIES' },
    { what: 'a path deeper than allowed', entries: [...base, { name: `sosreport-vm/${'d/'.repeat(1100)}`, type: '5' }], code: 'E_BUNDLE_DEPTH' },
    { what: 'a path longer than PATH_MAX', entries: [...base, { name: `sosreport-vm/${'x'.repeat(200)}/`.repeat(25), type: '5' }], code: 'E_BUNDLE_PATH' },
    { what: 'a name longer than NAME_MAX', entries: [...base, { name: `sosreport-vm/${'n'.repeat(300)}`, data: '' }], code: 'E_BUNDLE_PATH' },
    { what: 'a header declaring more than the unpacked limit', entries: [...base, { name: 'sosreport-vm/var/log/messages', size: 3 * 2 ** 30, data: 'x' }], code: 'E_BUNDLE_TOO_BIG' },
    { what: 'a pax header declaring a huge size', entries: [...base, paxEntry({ size: '99999999999999999999' }), { name: 'sosreport-vm/var/log/messages', data: 'x' }], code: 'E_BUNDLE_TOO_BIG' },
    { what: 'more unpacked bytes than allowed', entries: [...base, { name: 'sosreport-vm/var/log/a', data: Buffer.alloc(300_000) }], limits: { unpackedBytes: 200_000 }, code: 'E_BUNDLE_TOO_BIG' },
    { what: 'more kept bytes than allowed', entries: [...base, ...Array.from({ length: 20 }, (_, i) => ({ name: `sosreport-vm/sos_commands/x/f${i}`, data: Buffer.alloc(10_000, 0x41) }))], limits: { keptBytes: 100_000 }, code: 'E_BUNDLE_MEMORY' },
  ];
  for (const c of cases) {
    it(`${c.what}: ${c.code}`, async () => {
      const file = write(`limit-${c.code}-${cases.indexOf(c)}.tar.gz`, gzip(tarOf(c.entries)));
      await expect(readArchive(file, file, { limits: c.limits })).rejects.toMatchObject({ code: c.code });
    });
  }

  it('a gzip bomb (zeros, about 1000:1) ends at the ratio limit, not after gigabytes', async () => {
    const zeros = Buffer.alloc(64 << 20);
    const head = Buffer.concat([tarOf(base, { end: false }), tarHeader({ name: 'sosreport-vm/var/log/messages', size: 1 << 30 })]);
    const block = gzip(zeros);
    const file = write('bomb.tar.gz', Buffer.concat([gzip(head), ...Array.from({ length: 16 }, () => block), gzip(TAR_END)]));
    await expect(readArchive(file, file, { limits: { ratio: 500 } })).rejects.toMatchObject({ code: 'E_BUNDLE_BOMB' });
  });

  it('a read that takes too long: E_BUNDLE_TIMEOUT', async () => {
    const file = write('slow.tar', tarOf([...base, { name: 'sosreport-vm/var/log/messages', data: Buffer.alloc(8 << 20, 0x61) }]));
    await expect(readArchive(file, file, { limits: { seconds: 0 } })).rejects.toMatchObject({ code: 'E_BUNDLE_TIMEOUT' });
  });
});

describe('a tarball cut short or damaged', () => {
  // Enough varied bytes that every compressor has emitted whole blocks before a cut at 80%.
  const filler = Buffer.from(Array.from({ length: 400_000 }, (_, i) => 0x61 + ((i * 2654435761) >>> 27)));
  const entries: RawEntry[] = [
    ...minimalBundle(),
    { name: 'sosreport-vm/proc/', type: '5' },
    { name: 'sosreport-vm/proc/net/', type: '5' },
    { name: 'sosreport-vm/proc/net/snmp', data: SNMP },
    { name: 'sosreport-vm/var/log/filler', data: filler },
    { name: 'sosreport-vm/proc/net/dev', data: 'x'.repeat(5000) },
  ];
  const whole = tarOf(entries);
  const boundary = tarOf(entries.slice(0, -1), { end: false }).length;

  it('at an entry boundary: what came before is read, and a note says where it ends', async () => {
    const file = write('cut-boundary.tar', whole.subarray(0, boundary));
    const host = await bundleHost(file);
    expect((await host.readFile('/proc/net/snmp'))?.text).toBe(SNMP);
    expect(host.notes?.()).toEqual([expect.objectContaining({ code: 'E_BUNDLE_TRUNCATED', message: expect.stringMatching(new RegExp(`cut short: its tar stream ends at byte ${boundary}; only what came before was read`)) })]);
  });

  it('inside an entry: that entry is left out and named', async () => {
    const file = write('cut-inside.tar', whole.subarray(0, boundary + 512 + 1000));
    const host = await bundleHost(file);
    expect((await host.readFile('/proc/net/snmp'))?.text).toBe(SNMP);
    expect(await host.readFile('/proc/net/dev')).toBeUndefined();
    expect(host.explain('/proc/net/dev')).toEqual({ code: 'archiveEndsInside', data: { path: '/proc/net/dev' } });
    expect(host.notes?.()[0]?.message).toMatch(/inside sosreport-vm\/proc\/net\/dev, which is left out/);
  });

  it('compressed and cut short (gzip, xz, bzip2): the note says how much of the file was read', async () => {
    if (missingRequirement({ tools: ['xz', 'bzip2'] })) return;
    for (const [ext, comp] of [['gz', gzip], ['xz', xz], ['bz2', bzip2]] as const) {
      const packed = comp(whole);
      const file = write(`cut.tar.${ext}`, packed.subarray(0, Math.floor(packed.length * 0.8)));
      const host = await bundleHost(file);
      expect(host.notes?.()[0]?.code, ext).toBe('E_BUNDLE_TRUNCATED');
      expect(host.notes?.()[0]?.message).toMatch(/bytes of the (gzip|xz|bzip2) file read/);
      expect((await host.run({ argv: ['uname', '-a'], plugin: 'kernel' }))?.stdout).toBe(UNAME);
    }
  });

  it('a header that does not check out after good entries: E_BUNDLE_DAMAGED, what came before is read', async () => {
    const bad = tarOf([...entries.slice(0, -1), { name: 'sosreport-vm/proc/net/dev', data: 'x', badChecksum: true }]);
    const host = await bundleHost(write('damaged.tar', bad));
    expect(host.notes?.()[0]?.code).toBe('E_BUNDLE_DAMAGED');
    expect((await host.readFile('/proc/net/snmp'))?.text).toBe(SNMP);
  });

  it('random bytes, with or without a compression header: E_BUNDLE_FORMAT', async () => {
    if (missingRequirement({ tools: ['xz', 'bzip2'] })) return;
    const noise = Buffer.from(Array.from({ length: 100_000 }, (_, i) => (i * 7919 + (i >> 3) * 31) & 0xff));
    const files = [
      write('noise.bin', noise),
      write('noise.tar', Buffer.concat([Buffer.alloc(257), Buffer.from('ustar'), noise])),
      write('noise.tar.gz', gzip(noise)),
      write('noise.tar.xz', xz(noise)),
      write('noise.tar.bz2', bzip2(noise)),
      write('noise-header.tar.xz', Buffer.concat([Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]), noise])),
      write('gzip-in-gzip.tar.gz', gzip(gzip(whole))),
    ];
    for (const f of files) await expect(bundleHost(f), f).rejects.toMatchObject({ code: 'E_BUNDLE_FORMAT' });
  });

  it('names from the archive reach notes with control characters escaped', async () => {
    const evil = 'sosreport-vm/proc/net/\u001b[8mdev\nforged line';
    const t = tarOf([...entries.slice(0, -1), { name: evil, data: 'x'.repeat(3000) }], { end: false });
    const host = await bundleHost(write('evil-name.tar', t.subarray(0, t.length - 1024)));
    const message = host.notes?.()[0]?.message ?? '';
    expect(message).toContain('\\x1b[8mdev\\nforged line');
    // eslint-disable-next-line no-control-regex
    expect(message).not.toMatch(/[\u0000-\u001f]/);
  });
});

describe('without xz installed', () => {
  it('a .tar.xz is refused with E_BUNDLE_TOOL, not a stack trace', async () => {
    if (missingRequirement({ tools: ['xz'] })) return;
    const file = write('no-xz.tar.xz', xz(tarOf(minimalBundle())));
    const saved = process.env.PATH;
    process.env.PATH = path.join(tmp, 'no-such-bin');
    try {
      await expect(bundleHost(file)).rejects.toMatchObject({ code: 'E_BUNDLE_TOOL', message: expect.stringMatching(/^xz is not installed/) });
    } finally {
      process.env.PATH = saved;
    }
  });
});

describe('links inside a tarball', () => {
  it('resolve inside the bundle, a bounded number of hops', async () => {
    const t = tarOf([
      ...minimalBundle(),
      { name: 'sosreport-vm/uname', type: '2', linkname: 'sos_commands/kernel/uname_-a' },
      { name: 'sosreport-vm/proc/', type: '5' },
      { name: 'sosreport-vm/proc/7261/net/snmp', data: SNMP },
      { name: 'sosreport-vm/proc/self', type: '2', linkname: '7261' },
      { name: 'sosreport-vm/proc/net', type: '2', linkname: 'self/net' },
      { name: 'sosreport-vm/etc/os-release', type: '2', linkname: 'os-release' },
      { name: 'sosreport-vm/etc/hostname', type: '2', linkname: '../../sosreport-vm/etc/hostname' },
    ]);
    const host = await bundleHost(write('links.tar', t));
    expect((await host.readFile('/uname'))?.text).toBe(UNAME);
    expect((await host.readFile('/proc/net/snmp'))?.text).toBe(SNMP);
    expect(await host.readFile('/etc/os-release')).toBeUndefined();
    expect(host.explain('/etc/os-release')).toEqual({ code: 'linkLoop', data: { path: '/etc/os-release' } });
    // ../.. climbs above the bundle's root: outside, even though it would come back in.
    expect(await host.readFile('/etc/hostname')).toBeUndefined();
  });
});

describe('what a tarball keeps in memory', () => {
  it('is what the sources read: the fixture bundles give the same facts from a directory and from a .tar.gz', async () => {
    for (const name of readdirSync(FIXTURES)) {
      const dir = path.join(FIXTURES, name);
      const file = path.join(tmp, `${name}.tar.gz`);
      await createTar({ file, gzip: true, cwd: FIXTURES }, [name]);
      const strip = (f: Awaited<ReturnType<typeof collectNodeFacts>>) => ({ ...f, collectedAt: '', origin: { kind: f.origin.kind } });
      expect(strip(await collectNodeFacts({ from: file })), name).toEqual(strip(await collectNodeFacts({ from: dir })));
    }
  });

  it('a log bigger than the file cap keeps its end (the newest lines); other files their start', async () => {
    const lines = Array.from({ length: 300_000 }, (_, i) => `Jan  1 00:00:00 vm kernel: line ${i}`).join('\n') + '\n';
    const t = tarOf([
      ...minimalBundle(),
      { name: 'sosreport-vm/var/log/messages', data: lines },
      { name: 'sosreport-vm/proc/net/snmp', data: SNMP + 'x'.repeat(LIMITS.FILE_BYTES.value + 1000) + '\n' },
      { name: 'sosreport-vm/sos_commands/networking/ip_route', data: `default via 10.0.0.1 dev eth0 ${' '.repeat(160_000)}\n10.0.0.0/24 dev eth0\n` },
    ]);
    const host = await bundleHost(write('big-log.tar', t));
    const log = (await host.readFile('/var/log/messages'))!.text;
    expect(lines.length).toBeGreaterThan(LIMITS.FILE_BYTES.value);
    expect(log.length).toBeLessThanOrEqual(LIMITS.FILE_BYTES.value);
    expect(log.endsWith('line 299999\n')).toBe(true);
    expect(log.startsWith('Jan  1')).toBe(true);
    // Cut at the cap, and the partial line at the cut dropped: the parser sees whole lines.
    expect((await host.readFile('/proc/net/snmp'))!.text).toBe(SNMP);
    const route = (await host.run({ argv: ['ip', 'route'], plugin: 'networking' }))!.stdout.split('\n');
    expect(route.map((l) => l.length)).toEqual([16_384, 20, 0]);
    const codes = host.notes?.().map((n) => n.code);
    expect(codes).toContain('E_FILE_CUT');
    expect(codes).toContain('E_LINE_CUT');
  });
});
