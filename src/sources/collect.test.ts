import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NodeFacts } from '../evidence/node-facts.js';
import { collectFromHost, collectNodeFacts } from './collect.js';
import { liveHost } from './host/live.js';
import { recordingHost } from './host/recording.js';
import { writeBundle } from './bundle/writer.js';
import { missingRequirement } from '../../test/helpers/env.js';

const FIX = fileURLToPath(new URL('../../test/fixtures/', import.meta.url));
const SOS = path.join(FIX, 'bundles/sos-4.0-netns');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'ppd1-collect-test-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A fake Kylin node root (the lab's --root), from the seed fixtures. */
const ROOT = path.join(tmp, 'kylin-root');
beforeAll(() => {
  const put = (from: string, to: string) => {
    mkdirSync(path.dirname(path.join(ROOT, to)), { recursive: true });
    cpSync(path.join(FIX, 'sources', from), path.join(ROOT, to));
  };
  put('os/seed001-kylin-v10-tercel-os-release', 'etc/os-release');
  put('packages/seed000-kylin-dnf.rpm.log', 'var/log/dnf.rpm.log');
  put('boot/kylin-v10-grub2.cfg', 'boot/grub2/grub.cfg');
  put('boot/kylin-grubenv', 'boot/grub2/grubenv');
  put('boot/kylin-default-grub', 'etc/default/grub');
  put('network-manager/seed001-k8s.conf', 'etc/NetworkManager/conf.d/k8s.conf');
  put('network-manager/NetworkManager.conf', 'etc/NetworkManager/NetworkManager.conf');
  put('cni/10-flannel.conflist', 'etc/cni/net.d/10-flannel.conflist');
  put('cni/seed001-subnet.env', 'run/flannel/subnet.env');
  put('cni/net-conf.json', 'etc/kube-flannel/net-conf.json');
  put('modules/proc-modules', 'proc/modules');
  put('kernel-log/seed-002-messages', 'var/log/messages');
});

/** NodeFacts without what differs by where it was read (source refs, times, origin, wording of reasons). */
function comparable(facts: NodeFacts): unknown {
  const strip = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(strip);
    if (v && typeof v === 'object') {
      return Object.fromEntries(
        Object.entries(v).filter(([k]) => !['source', 'sources', 'file', 'collectedAt', 'origin'].includes(k)).map(([k, x]) => [k, strip(x)]),
      );
    }
    return v;
  };
  // A line cut while collecting live (a long process command line on this machine) is stored cut in
  // the bundle, so reading the bundle back finds nothing to cut: the cut is said in podpath.json.
  const notes = (facts.notes ?? []).filter((n) => n.code !== 'E_LINE_CUT');
  return { ...(strip(facts) as object), notes: notes.length ? strip(notes) : undefined, missing: facts.missing.map((m) => m.evidence).sort() };
}

describe('collectNodeFacts from a real sosreport', () => {
  it('parses what sos collected and says what it did not', async () => {
    const facts = await collectNodeFacts({ from: SOS });
    expect(NodeFacts.safeParse(facts).success).toBe(true);
    expect(facts.origin).toEqual({ kind: 'bundle', path: SOS });
    expect(facts.kernel).toMatchObject({ release: '6.18.44-fc-v657', source: 'sos_commands/kernel/uname_-a' });
    // No /proc/sys/net in a sosreport: the values come from sysctl -a.
    expect(facts.sysctls?.values['net.ipv4.conf.flannel/1.rp_filter']).toBe('0');
    expect(facts.sysctls?.sources).toEqual(['sos_commands/kernel/sysctl_-a']);
    expect(facts.kernelLog?.sources).toContain('sos_commands/kernel/dmesg');
    expect(facts.networkManager?.running).toBe(false);
    // One entry per reason, as a code with data, and the English text for JSON readers.
    expect(facts.missing.filter((m) => m.evidence === 'os')).toEqual([{ evidence: 'os', code: 'fileNotInBundle', data: { path: '/etc/os-release' }, reason: '/etc/os-release is not in the bundle' }]);
    expect(facts.missing.filter((m) => m.evidence === 'boot').map((m) => m.reason).join('; ')).toMatch(/grub/);
    expect(facts.missing.filter((m) => m.evidence === 'cni').map((m) => m.reason).join('; ')).toMatch(/\/etc\/cni\/net\.d/);
  });

  it('runs only the sources of the evidence asked for', async () => {
    const facts = await collectNodeFacts({ from: SOS, needs: ['kernel'] });
    expect(facts.kernel?.release).toBe('6.18.44-fc-v657');
    expect(facts.sysctls).toBeUndefined();
    expect(facts.kernelLog).toBeUndefined();
    expect(facts.missing).toEqual([]);
    const none = await collectNodeFacts({ from: SOS, needs: ['probes', 'os'] });
    expect(none.missing).toContainEqual({ evidence: 'probes', code: 'noSourceCollects', data: {}, reason: 'no source collects it' });
    expect(none.missing.map((m) => m.evidence)).toContain('os');
  });

  it('reads a NodeFacts .json as a fixture and refuses one that is not', async () => {
    const facts = await collectNodeFacts({ from: SOS, needs: ['kernel'] });
    const file = path.join(tmp, 'facts.json');
    const fs = await import('node:fs/promises');
    await fs.writeFile(file, JSON.stringify(facts));
    expect((await collectNodeFacts({ from: file })).origin).toEqual({ kind: 'fixture', path: file });
    await fs.writeFile(file, '{"schemaVersion": 7}');
    await expect(collectNodeFacts({ from: file })).rejects.toMatchObject({ code: 'E_FACTS_INVALID' });
  });
});

describe('collectNodeFacts on the seed 000 node bundle', () => {
  it('shows the running kernel is the newest, installed the day of the trouble, with the older builds still bootable', async () => {
    const facts = await collectNodeFacts({ from: path.join(FIX, 'bundles/seed000-kylin-52.49') });
    expect(facts.kernel?.release).toBe('4.19.90-52.49.v2207.ky10.x86_64');
    expect(facts.os).toMatchObject({ id: 'kylin', prettyName: 'Kylin Linux Advanced Server V10 (Lance)' });
    expect(facts.boot).toMatchObject({ source: 'etc/grub2.cfg', defaultIndex: 0, defaultKernel: facts.kernel?.release });
    expect(facts.boot?.entries[2]).toEqual({ index: 2, title: 'Kylin Linux Advanced Server (4.19.90-52.22.v2207.ky10.x86_64) V10 (Lance)', kernel: '4.19.90-52.22.v2207.ky10.x86_64' });
    expect(facts.kernelPackages?.history[0]).toMatchObject({ time: '2025-08-07T01:34:25Z', action: 'install', name: 'kernel', version: facts.kernel?.release, source: 'var/log/dnf.rpm.log' });
    expect(facts.kernelPackages?.installed).toContain('kernel-4.19.90-52.22.v2207.ky10.x86_64');
    expect(facts.kernelPackages?.sources).toEqual(['var/log/dnf.rpm.log', 'sos_commands/rpm/rpm_-qa_kernel']);
  });
});

describe('collect --root, write a bundle, read it back', () => {
  it('reads the fake Kylin node: kernel history, boot order, NetworkManager, flannel, the seed 002 warning', async () => {
    const facts = await collectNodeFacts({ root: ROOT, needs: ['os', 'kernelPackages', 'boot', 'networkManager', 'cni', 'kernelLog', 'modules'] });
    expect(facts.os?.id).toBe('kylin');
    expect(facts.kernelPackages?.history[0]).toMatchObject({ action: 'install', name: 'kernel', version: '4.19.90-52.49.v2207.ky10.x86_64', source: '/var/log/dnf.rpm.log' });
    expect(facts.boot).toMatchObject({ source: '/boot/grub2/grub.cfg', defaultIndex: 0, defaultKernel: '4.19.90-52.49.v2207.ky10.x86_64' });
    expect(facts.boot?.entries).toHaveLength(4);
    expect(facts.networkManager?.unmanagedSpecs).toContainEqual({ spec: 'interface-name:flannel*', source: '/etc/NetworkManager/conf.d/k8s.conf' });
    expect(facts.cni).toMatchObject({ plugin: 'flannel', flannelSubnetEnv: { subnet: '10.187.0.1/24', mtu: 1450 }, flannelNetConf: { backendType: 'vxlan' } });
    expect(facts.kernelLog?.matches.filter((m) => m.source === '/var/log/messages').length).toBeGreaterThan(5);
    expect(facts.modules?.loaded).toContain('br_netfilter');
  });

  it('gives the same facts from the bundle directory, .tar.gz and .tar.xz as it did live', async () => {
    const host = recordingHost(liveHost({ root: ROOT }));
    const live = await collectFromHost(host);
    const dir = path.join(tmp, 'bundle-dir');
    const written = await writeBundle(dir, host.recorded, live);
    expect(written.commands).toBeGreaterThan(3);
    expect(written.files).toBeGreaterThan(8);
    expect(existsSync(path.join(dir, 'sos_commands/kernel/uname_-a'))).toBe(true);
    expect(existsSync(path.join(dir, 'etc/NetworkManager/conf.d/k8s.conf'))).toBe(true);
    expect(JSON.parse(readFileSync(path.join(dir, 'podpath.json'), 'utf8'))).toEqual(JSON.parse(JSON.stringify(live)));

    const fromDir = await collectNodeFacts({ from: dir });
    expect(comparable(fromDir)).toEqual(comparable(live));
    // Every source a bundle reading names is a file in the bundle.
    const refs = JSON.stringify(fromDir).match(/"sources?":("[^"]*"|\[[^\]]*\])/g) ?? [];
    for (const ref of refs.flatMap((r) => JSON.parse(r.replace(/^"sources?":/, '')) as string | string[])) {
      expect(existsSync(path.join(dir, ref)), ref).toBe(true);
    }

    const formats = ['bundle.tar.gz'];
    if (!missingRequirement({ tools: ['tar', 'xz'] })) formats.push('bundle.tar.xz');
    for (const name of formats) {
      const file = path.join(tmp, name);
      await writeBundle(file, host.recorded, live);
      const fromTar = await collectNodeFacts({ from: file });
      expect({ ...fromTar, collectedAt: '', origin: {} }).toEqual({ ...fromDir, collectedAt: '', origin: {} });
    }
    await expect(writeBundle(dir, host.recorded, live)).rejects.toMatchObject({ code: 'E_OUTPUT_EXISTS' });
  });

  it('rewrites a real sosreport into our layout without losing facts', async () => {
    const host = recordingHost(await (await import('./host/bundle.js')).bundleHost(SOS));
    const first = await collectFromHost(host);
    await host.close();
    const dir = path.join(tmp, 'resos');
    await writeBundle(dir, host.recorded, first);
    const again = await collectNodeFacts({ from: dir });
    expect(comparable(again)).toEqual(comparable(first));
  });
});
