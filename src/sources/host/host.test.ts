import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { c as createTar } from 'tar';
import { bundleHost } from './bundle.js';
import { liveHost } from './live.js';
import { commandLine, mangleCommand } from './sos-names.js';
import { recordingHost } from './recording.js';
import { missingRequirement } from '../../../test/helpers/env.js';

const SOS = fileURLToPath(new URL('../../../test/fixtures/bundles/sos-4.0-netns', import.meta.url));
const tmp = mkdtempSync(path.join(os.tmpdir(), 'ppd1-host-test-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('sos names', () => {
  it('mangles argv as sos 4 does: every file name here exists in the real sosreport', () => {
    const names = [
      mangleCommand(['ip', '-s', '-d', 'link']),
      mangleCommand(['ethtool', '-k', 'flannel.1']),
      mangleCommand(['bridge', '-s', '-s', '-d', '-t', 'fdb', 'show']),
      mangleCommand(['uname', '-a']),
      mangleCommand(['ip', 'netns', 'exec', 'ppd1-sos', 'iptables-save']),
    ];
    expect(names).toEqual(['ip_-s_-d_link', 'ethtool_-k_flannel.1', 'bridge_-s_-s_-d_-t_fdb_show', 'uname_-a', 'ip_netns_exec_ppd1-sos_iptables-save']);
    const all = [...readdirSync(path.join(SOS, 'sos_commands/networking')), ...readdirSync(path.join(SOS, 'sos_commands/kernel'))];
    for (const n of names) expect(all).toContain(n);
  });

  it('drops /usr/sbin/, turns / into . and runs of other characters into _', () => {
    expect(mangleCommand(['/usr/sbin/ethtool', '-k', 'eth0'])).toBe('ethtool_-k_eth0');
    expect(mangleCommand(['rpm', '-qa', 'kernel*'])).toBe('rpm_-qa_kernel');
    expect(mangleCommand(['ls', '-lt', '/sys/kernel/slab'])).toBe('ls_-lt_.sys.kernel.slab');
    expect(mangleCommand(['x'.repeat(300)])).toHaveLength(255);
    expect(commandLine(['dpkg', '-l', 'linux image*'])).toBe("dpkg -l 'linux image*'");
  });
});

describe('bundleHost on a real sosreport directory', () => {
  it('finds commands at sos_commands/<plugin>/<name>, in another plugin, or by a longer name', async () => {
    const host = await bundleHost(SOS);
    try {
      const link = await host.run({ argv: ['ip', '-s', '-d', 'link'], plugin: 'networking' });
      expect(link?.source).toBe('sos_commands/networking/ip_-s_-d_link');
      expect(link?.stdout).toMatch(/vxlan id 1 local 192\.168\.77\.2 dev eth0 .*dstport 8472/);
      // Asked under the wrong plugin: found in the one sos used.
      expect((await host.run({ argv: ['uname', '-a'], plugin: 'networking' }))?.source).toBe('sos_commands/kernel/uname_-a');
      // sos ran `ip route show table all`; asking for `ip route` finds it.
      expect((await host.run({ argv: ['ip', 'route'], plugin: 'networking' }))?.source).toBe('sos_commands/networking/ip_route_show_table_all');
      expect(await host.run({ argv: ['nft', 'list', 'ruleset'], plugin: 'nftables' })).toBeUndefined();
      expect(host.explain('nft list ruleset')).toEqual({ code: 'commandNotInBundle', data: { command: 'nft list ruleset', where: 'sos_commands/nftables/nft_list_ruleset' } });
    } finally {
      await host.close();
    }
  });

  it('reads /proc/net/* that sos 4.0 stored under proc/<pid>/net/, even without the proc/net symlink', async () => {
    const copy = path.join(tmp, 'sos-no-symlinks');
    cpSync(SOS, copy, { recursive: true, verbatimSymlinks: true });
    rmSync(path.join(copy, 'proc/net'));
    rmSync(path.join(copy, 'proc/self'));
    const host = await bundleHost(copy);
    const snmp = await host.readFile('/proc/net/snmp');
    expect(snmp?.source).toBe('proc/7261/net/snmp');
    expect(snmp?.text).toMatch(/^Udp: InDatagrams/m);
    expect(await host.readFile('/proc/net/nope')).toBeUndefined();
    expect(await host.listDir('/etc')).toEqual(['/etc/hostname']);
  });

  it('refuses symlinks that leave the bundle', async () => {
    const dir = path.join(tmp, 'escape');
    mkdirSync(path.join(dir, 'etc'), { recursive: true });
    symlinkSync('/etc/hostname', path.join(dir, 'etc/hostname'));
    writeFileSync(path.join(dir, 'etc/os-release'), 'ID=kylin\n');
    const host = await bundleHost(dir);
    expect(await host.readFile('/etc/hostname')).toBeUndefined();
    expect((await host.readFile('/etc/os-release'))?.text).toBe('ID=kylin\n');
  });
});

describe('bundleHost on tarballs', () => {
  it('opens a .tar.gz with the report one directory down, in memory: nothing is written to the temp dir', async () => {
    const file = path.join(tmp, 'report.tar.gz');
    await createTar({ file, gzip: true, cwd: path.dirname(SOS) }, [path.basename(SOS)]);
    const before = readdirSync(os.tmpdir()).filter((n) => n.startsWith('podpath-'));
    const host = await bundleHost(file);
    const uname = await host.run({ argv: ['uname', '-a'], plugin: 'kernel' });
    expect(uname?.stdout).toMatch(/^Linux vm 6\./);
    expect((await host.readFile('/proc/net/dev'))?.text).toMatch(/flannel\.1:/);
    expect(readdirSync(os.tmpdir()).filter((n) => n.startsWith('podpath-'))).toEqual(before);
    await host.close();
    await host.close();
  });

  it('opens a .tar.gz holding an absolute symlink (sos keeps them as found), which leads nowhere', async () => {
    const dir = path.join(tmp, 'abs-link');
    cpSync(SOS, dir, { recursive: true, verbatimSymlinks: true });
    symlinkSync('/usr/share/zoneinfo/UTC', path.join(dir, 'etc/localtime'));
    const file = path.join(tmp, 'abs-link.tar.gz');
    await createTar({ file, gzip: true, cwd: dir }, ['.']);
    const host = await bundleHost(file);
    try {
      expect((await host.run({ argv: ['uname', '-a'], plugin: 'kernel' }))?.stdout).toMatch(/^Linux vm 6\./);
      expect(await host.readFile('/etc/localtime')).toBeUndefined();
    } finally {
      await host.close();
    }
  });

  it('opens a .tar.xz (as sos makes them) and a plain .tar', async () => {
    const skip = missingRequirement({ tools: ['tar', 'xz'] });
    if (skip) return;
    const xz = path.join(tmp, 'sosreport-vm.tar.xz');
    execFileSync('tar', ['-cJf', xz, '-C', path.dirname(SOS), path.basename(SOS)]);
    const plain = path.join(tmp, 'plain.tar');
    await createTar({ file: plain, cwd: SOS }, ['.']);
    for (const f of [xz, plain]) {
      const host = await bundleHost(f);
      try {
        expect((await host.run({ argv: ['ip', '-d', 'address'], plugin: 'networking' }))?.stdout).toMatch(/inet 10\.244\.0\.0\/32/);
      } finally {
        await host.close();
      }
    }
  });

  it('says which input is wrong, with a stable code', async () => {
    await expect(bundleHost(path.join(tmp, 'nope'))).rejects.toMatchObject({ code: 'E_BUNDLE_NOT_FOUND' });
    const junk = path.join(tmp, 'junk.tar.gz');
    writeFileSync(junk, 'this is not a tarball\n');
    await expect(bundleHost(junk)).rejects.toMatchObject({ code: 'E_BUNDLE_FORMAT' });
    const notBundle = path.join(tmp, 'not-a-bundle');
    mkdirSync(path.join(notBundle, 'photos'), { recursive: true });
    writeFileSync(path.join(notBundle, 'notes.txt'), 'hello\n');
    await expect(bundleHost(notBundle)).rejects.toMatchObject({ code: 'E_BUNDLE_FORMAT', message: expect.stringMatching(/not a bundle or sosreport/) });
    const truncated = path.join(tmp, 'truncated.tar.gz');
    writeFileSync(truncated, Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x00]));
    await expect(bundleHost(truncated)).rejects.toMatchObject({ code: 'E_BUNDLE_FORMAT' });
  });
});

describe('liveHost', () => {
  it('reads files under --root and lists directories', async () => {
    const root = path.join(tmp, 'node1');
    mkdirSync(path.join(root, 'etc/cni/net.d'), { recursive: true });
    writeFileSync(path.join(root, 'etc/os-release'), 'ID=kylin\nVERSION_ID="V10"\n');
    writeFileSync(path.join(root, 'etc/cni/net.d/10-flannel.conflist'), '{}');
    const host = liveHost({ root });
    expect(await host.readFile('/etc/os-release')).toEqual({ text: 'ID=kylin\nVERSION_ID="V10"\n', source: '/etc/os-release' });
    expect(await host.listDir('/etc/cni/net.d')).toEqual(['/etc/cni/net.d/10-flannel.conflist']);
    expect(await host.readFile('/etc/hostname')).toBeUndefined();
    expect(host.explain('/etc/hostname')).toEqual({ code: 'fileAbsent', data: { path: '/etc/hostname' } });
  });

  it('reads /proc files (size 0) and runs commands without a shell', async () => {
    const host = liveHost();
    expect((await host.readFile('/proc/net/snmp'))?.text).toMatch(/^Udp:/m);
    const echo = await host.run({ argv: ['echo', '$HOME', 'a;b'], plugin: 'x' });
    expect(echo).toEqual({ stdout: '$HOME a;b\n', source: "echo '$HOME' 'a;b'" });
  });

  it('says why a command gave nothing: not installed, failed, timed out', async () => {
    const host = liveHost({ timeoutMs: 300 });
    expect(await host.run({ argv: ['ppd1-no-such-tool', '-x'], plugin: 'x' })).toBeUndefined();
    expect(host.explain('ppd1-no-such-tool -x')).toEqual({ code: 'commandNotFound', data: { command: 'ppd1-no-such-tool' } });
    expect(await host.run({ argv: ['sh', '-c', 'echo boom >&2; exit 3'], plugin: 'x' })).toBeUndefined();
    expect(host.explain("sh -c 'echo boom >&2; exit 3'")).toEqual({ code: 'commandFailed', data: { command: "sh -c 'echo boom >&2; exit 3'", status: '3', error: 'boom' } });
    expect(await host.run({ argv: ['sleep', '5'], plugin: 'x' })).toBeUndefined();
    expect(host.explain('sleep 5')).toEqual({ code: 'commandTimedOut', data: { command: 'sleep 5' } });
    // A command that answers through its exit code keeps its answer.
    expect((await host.run({ argv: ['sh', '-c', 'echo inactive; exit 3'], plugin: 'x' }))?.stdout).toBe('inactive\n');
  });

  it('reads only the tail of a file over the size cap, from a line start', async () => {
    const big = path.join(tmp, 'big.log');
    writeFileSync(big, Array.from({ length: 1000 }, (_, i) => `line ${i}`).join('\n') + '\n');
    const f = await liveHost({ maxFileBytes: 100 }).readFile(big);
    expect(f?.text.startsWith('line ')).toBe(true);
    expect(f?.text.endsWith('line 999\n')).toBe(true);
    expect(f!.text.length).toBeLessThanOrEqual(100);
    expect(existsSync(big)).toBe(true);
  });
});

describe('recordingHost', () => {
  it('keeps what each command printed, an empty answer as empty, and a failure as its error text (as sos does)', async () => {
    const host = recordingHost(liveHost());
    await host.run({ argv: ['echo', 'hello'], plugin: 'a' });
    await host.run({ argv: ['true'], plugin: 'b' });
    await host.run({ argv: ['sh', '-c', 'echo RTNETLINK answers: Network is unreachable >&2; exit 2'], plugin: 'c' });
    await host.run({ argv: ['ppd1-no-such-tool'], plugin: 'd' });
    await host.readFile('/proc/net/snmp');
    expect(host.recorded.commands.map((c) => [c.spec.plugin, c.stdout])).toEqual([
      ['a', 'hello\n'],
      ['b', ''],
      ['c', 'RTNETLINK answers: Network is unreachable\n'],
    ]);
    expect([...host.recorded.files.keys()]).toEqual(['/proc/net/snmp']);
  });
});
