// A real sosreport of a node with a flannel-style VXLAN device, made by sos itself inside a network
// namespace this test creates, read back through bundleHost and collectNodeFacts.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { collectNodeFacts } from '../collect.js';
import { bundleHost } from '../host/bundle.js';
import { missingRequirement } from '../../../test/helpers/env.js';

const NS = `ppd1-sos${process.pid % 10000}`;
const HOST_END = `ppd1-h${process.pid % 10000}`;
const ip = (...args: string[]) => execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });

function cleanup(): void {
  for (const args of [['netns', 'del', NS], ['link', 'del', HOST_END]]) {
    try {
      ip(...args);
    } catch {
      // already gone
    }
  }
}

describe('a real sosreport (sos report inside a namespace)', { timeout: 180_000 }, () => {
  it('is read from its .tar.xz: kernel, sysctls from sysctl -a, /proc/net from proc/<pid>/net, the VXLAN link', async () => {
    if (missingRequirement({ root: true, tools: ['sos', 'ip', 'xz'] })) return;
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'ppd1-sos-'));
    try {
      cleanup();
      ip('netns', 'add', NS);
      ip('link', 'add', HOST_END, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', NS);
      ip('-n', NS, 'addr', 'add', '192.168.77.2/24', 'dev', 'eth0');
      ip('-n', NS, 'link', 'set', 'eth0', 'up');
      ip('-n', NS, 'link', 'add', 'flannel.1', 'type', 'vxlan', 'id', '1', 'local', '192.168.77.2', 'dev', 'eth0', 'dstport', '8472', 'nolearning');
      ip('-n', NS, 'link', 'set', 'flannel.1', 'mtu', '1450', 'up');
      ip('-n', NS, 'addr', 'add', '10.244.0.0/32', 'dev', 'flannel.1');
      execFileSync('ip', ['netns', 'exec', NS, 'sos', 'report', '--batch', '--tmp-dir', tmp, '-o', 'networking,kernel,process'], { stdio: 'ignore', timeout: 150_000 });
      const tarball = readdirSync(tmp).find((n) => /^sosreport-.*\.tar\.xz$/.test(n));
      expect(tarball).toBeDefined();
      const file = path.join(tmp, tarball!);

      const host = await bundleHost(file);
      try {
        const snmp = await host.readFile('/proc/net/snmp');
        expect(snmp?.source).toMatch(/^proc\/(net|\d+\/net)\/snmp$/);
        expect(snmp?.text).toMatch(/^Udp: InDatagrams/m);
      } finally {
        await host.close();
      }

      const facts = await collectNodeFacts({ from: file });
      expect(facts.kernel?.release).toBe(os.release());
      expect(facts.kernel?.source).toBe('sos_commands/kernel/uname_-a');
      expect(facts.sysctls?.values['net.ipv4.conf.flannel/1.rp_filter']).toMatch(/^[012]$/);
      expect(facts.kernelLog?.sources).toContain('sos_commands/kernel/dmesg');
      const vx = facts.links?.items.find((l) => l.name === 'flannel.1');
      expect(vx?.kind).toBe('vxlan');
      expect(vx?.vxlan).toMatchObject({ id: 1, port: 8472, local: '192.168.77.2' });
      expect(facts.missing.map((m) => m.evidence)).toContain('os');
    } finally {
      cleanup();
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});
