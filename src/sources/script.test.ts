import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { EvidenceKey, NodeFacts } from '../evidence/node-facts.js';
import { collectNodeFacts } from './collect.js';
import { missingRequirement } from '../../test/helpers/env.js';
import { collectScript } from './script.js';
import { hostSources } from './registry.js';

const FIX = fileURLToPath(new URL('../../test/fixtures/sources/', import.meta.url));
const tmp = mkdtempSync(path.join(os.tmpdir(), 'ppd1-script-test-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function fakeRoot(): string {
  const root = path.join(tmp, 'root');
  const put = (from: string, to: string) => {
    mkdirSync(path.dirname(path.join(root, to)), { recursive: true });
    cpSync(path.join(FIX, from), path.join(root, to));
  };
  put('os/seed001-kylin-v10-tercel-os-release', 'etc/os-release');
  put('packages/seed000-kylin-dnf.rpm.log', 'var/log/dnf.rpm.log');
  put('boot/kylin-v10-grub2.cfg', 'etc/grub2.cfg');
  put('boot/kylin-grubenv', 'boot/grub2/grubenv');
  put('boot/kylin-default-grub', 'etc/default/grub');
  put('network-manager/seed001-k8s.conf', 'etc/NetworkManager/conf.d/k8s.conf');
  put('cni/10-calico.conflist', 'etc/cni/net.d/10-calico.conflist');
  put('modules/proc-modules', 'proc/modules');
  // A file name with a space must survive the sh globbing.
  mkdirSync(path.join(root, 'usr/lib/NetworkManager/conf.d'), { recursive: true });
  writeFileSync(path.join(root, 'usr/lib/NetworkManager/conf.d/00 server.conf'), '[keyfile]\nunmanaged-devices=interface-name:docker0\n');
  return root;
}

describe('collect --script', () => {
  it('is a sh script that lists every command and file pattern of the sources', () => {
    const script = collectScript();
    expect(script.startsWith('#!/bin/sh\n')).toBe(true);
    expect(script).toContain('pp_cmd kernel uname_-a uname -a');
    expect(script).toContain("pp_cmd rpm rpm_-qa_kernel rpm -qa 'kernel*'");
    expect(script).toContain("pp_files '/etc/cni/net.d/*'");
    execFileSync('sh', ['-n', '-c', script]);
  });

  it('run with sh into a directory, gathers what the sources read: the same facts as reading the node directly', async () => {
    const root = fakeRoot();
    const out = path.join(tmp, 'out');
    const scriptFile = path.join(tmp, 'podpath-collect.sh');
    writeFileSync(scriptFile, collectScript());
    execFileSync('sh', [scriptFile, out, root], { stdio: ['ignore', 'ignore', 'pipe'] });
    expect(readdirSync(path.join(out, 'sos_commands'))).toContain('kernel');
    expect(existsSync(path.join(out, 'usr/lib/NetworkManager/conf.d/00 server.conf'))).toBe(true);
    const keys: EvidenceKey[] = ['kernel', 'os', 'kernelPackages', 'boot', 'networkManager', 'cni', 'modules'];
    const viaScript = await collectNodeFacts({ from: out, needs: keys });
    const direct = await collectNodeFacts({ root, needs: keys });
    const pick = (f: NodeFacts) => JSON.parse(JSON.stringify(Object.fromEntries(keys.map((k) => [k, f[k]])), (k, v: unknown) => (k === 'source' || k === 'sources' || k === 'file' ? undefined : v)));
    expect(pick(viaScript)).toEqual(pick(direct));
    expect(viaScript.os?.id).toBe('kylin');
    expect(viaScript.boot?.defaultKernel).toBe('4.19.90-52.49.v2207.ky10.x86_64');
    expect(viaScript.networkManager?.unmanagedSpecs.map((s) => s.spec)).toEqual(['interface-name:docker0', ...['cali*', 'tunl*', 'vxlan.calico', 'flannel*', 'veth*', 'cni0', 'docker0'].map((n) => `interface-name:${n}`)]);
    expect(viaScript.cni?.plugin).toBe('calico');
    expect(viaScript.kernel?.source).toBe('sos_commands/kernel/uname_-a');
    expect(hostSources.length).toBeGreaterThan(5);
  });

  it('inside a namespace with a flannel-style VXLAN device, also gathers ethtool per NIC and ip route get per overlay target', async () => {
    if (missingRequirement({ root: true, tools: ['ip', 'ethtool'] })) return;
    const ns = `ppd1-sc${process.pid % 10000}`;
    const peer = `ppd1-sh${process.pid % 10000}`;
    const ip = (...args: string[]) => execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    const cleanup = () => {
      for (const args of [['netns', 'del', ns], ['link', 'del', peer]]) {
        try {
          ip(...args);
        } catch {
          // already gone
        }
      }
    };
    try {
      cleanup();
      ip('netns', 'add', ns);
      ip('link', 'add', peer, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns);
      ip('-n', ns, 'addr', 'add', '192.168.78.2/24', 'dev', 'eth0');
      ip('-n', ns, 'link', 'set', 'eth0', 'up');
      ip('-n', ns, 'link', 'add', 'flannel.1', 'type', 'vxlan', 'id', '1', 'local', '192.168.78.2', 'dev', 'eth0', 'dstport', '8472', 'nolearning');
      ip('-n', ns, 'link', 'set', 'flannel.1', 'mtu', '1450', 'up');
      ip('-n', ns, 'addr', 'add', '10.244.0.0/32', 'dev', 'flannel.1');
      ip('-n', ns, 'route', 'add', '10.244.1.0/24', 'via', '10.244.1.0', 'dev', 'flannel.1', 'onlink');
      const out = path.join(tmp, 'ns-out');
      const scriptFile = path.join(tmp, 'podpath-collect-ns.sh');
      writeFileSync(scriptFile, collectScript());
      execFileSync('ip', ['netns', 'exec', ns, 'sh', scriptFile, out], { stdio: ['ignore', 'ignore', 'pipe'] });
      expect(existsSync(path.join(out, 'sos_commands/networking/ethtool_-k_flannel.1'))).toBe(true);
      expect(existsSync(path.join(out, 'sos_commands/networking/ip_route_get_10.244.1.0'))).toBe(true);
      const facts = await collectNodeFacts({ from: out, needs: ['links', 'routeGets'] });
      expect(facts.links?.items.find((l) => l.name === 'flannel.1')?.vxlan).toMatchObject({ id: 1, port: 8472 });
      const gets = Object.fromEntries((facts.routeGets ?? []).map((g) => [g.target, g]));
      expect(gets['10.244.0.0']).toMatchObject({ type: 'local', dev: 'lo' });
      expect(gets['10.244.1.0']).toMatchObject({ dev: 'flannel.1', source: 'sos_commands/networking/ip_route_get_10.244.1.0' });
    } finally {
      cleanup();
    }
  });
});
