// doctor live inside network namespaces that reproduce seed 000 (DESIGN.md): two flannel-style
// nodes over a veth "underlay"; the sender's nftables rewrites the outer UDP checksum of every VXLAN
// datagram. Run live in each namespace, doctor must name the sender's dead overlay (RX 0) and the
// receiver's checksum drops, and neither on the same lab without the fault.
import { execFile, execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { missingRequirement } from '../../test/helpers/env.js';
import { podpathArgs } from '../../test/helpers/podpath.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
// Per process, so two test runs at once (several engineers share this host) never meet.
const A = `ppe1-${process.pid}-a`;
const B = `ppe1-${process.pid}-b`;
const skip = missingRequirement({ root: true, tools: ['ip', 'nft', 'ethtool', 'bridge', 'ping'] });

function sh(...argv: string[]): string {
  return execFileSync(argv[0] ?? 'true', argv.slice(1), { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}
function inNs(ns: string, ...argv: string[]): string {
  return sh('ip', 'netns', 'exec', ns, ...argv);
}
function cleanup(): void {
  for (const ns of [A, B]) {
    try {
      sh('ip', 'netns', 'del', ns);
    } catch {
      // absent already
    }
  }
}

function buildLab(): void {
  cleanup();
  sh('ip', 'netns', 'add', A);
  sh('ip', 'netns', 'add', B);
  sh('ip', 'link', 'add', 'eth0', 'netns', A, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', B);
  const nodes = [
    { ns: A, me: 1, sub: 0 },
    { ns: B, me: 2, sub: 1 },
  ];
  for (const n of nodes) {
    inNs(n.ns, 'ip', 'link', 'set', 'lo', 'up');
    inNs(n.ns, 'ip', 'addr', 'add', `172.31.252.${n.me}/24`, 'dev', 'eth0');
    inNs(n.ns, 'ip', 'link', 'set', 'eth0', 'up');
    inNs(n.ns, 'ip', 'link', 'add', 'flannel.1', 'type', 'vxlan', 'id', '1', 'local', `172.31.252.${n.me}`, 'dev', 'eth0', 'dstport', '8472', 'nolearning');
    inNs(n.ns, 'ip', 'addr', 'add', `10.187.${n.sub}.0/32`, 'dev', 'flannel.1');
    inNs(n.ns, 'ip', 'link', 'set', 'flannel.1', 'up');
    inNs(n.ns, 'ip', 'link', 'add', 'cni0', 'type', 'bridge');
    inNs(n.ns, 'ip', 'addr', 'add', `10.187.${n.sub}.1/24`, 'dev', 'cni0');
    inNs(n.ns, 'ip', 'link', 'set', 'cni0', 'up');
    inNs(n.ns, 'sysctl', '-qw', 'net.ipv4.ip_forward=1');
  }
  const mac = (ns: string) => (inNs(ns, 'cat', '/sys/class/net/flannel.1/address').trim());
  for (const [self, peer] of [
    [nodes[0], nodes[1]],
    [nodes[1], nodes[0]],
  ] as const) {
    inNs(self.ns, 'ip', 'route', 'add', `10.187.${peer.sub}.0/24`, 'via', `10.187.${peer.sub}.0`, 'dev', 'flannel.1', 'onlink');
    inNs(self.ns, 'ip', 'neigh', 'add', `10.187.${peer.sub}.0`, 'lladdr', mac(peer.ns), 'dev', 'flannel.1', 'nud', 'permanent');
    inNs(self.ns, 'bridge', 'fdb', 'add', mac(peer.ns), 'dev', 'flannel.1', 'dst', `172.31.252.${peer.me}`, 'self', 'permanent');
  }
}

function ping(): void {
  try {
    inNs(A, 'ping', '-c', '3', '-i', '0.2', '-W', '1', '10.187.1.1');
  } catch {
    // lost pings are the point of the faulty lab
  }
}

interface Report {
  findings: { ruleId: string; messageId: string; message: string }[];
}
function doctorIn(ns: string, only: string): Promise<{ code: number; report: Report }> {
  return new Promise((resolve, reject) => {
    execFile('ip', ['netns', 'exec', ns, process.execPath, ...podpathArgs(), 'doctor', '-o', 'json', '--only', only], { cwd: root }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 2) : 0;
      try {
        resolve({ code, report: JSON.parse(stdout) as Report });
      } catch {
        reject(new Error(`doctor in ${ns} exited ${code}: ${stderr}`));
      }
    });
  });
}

const RULES = 'overlay-rx-zero,udp-csum-errors,peer-pod-routes-missing,overlay-address-misrouted';

describe.skipIf(skip !== undefined)('doctor live in a seed-000 lab (network namespaces)', { timeout: 90_000 }, () => {
  beforeAll(() => buildLab());
  afterAll(() => cleanup());

  it('healthy lab: no overlay finding on either node', async () => {
    ping();
    const [a, b] = await Promise.all([doctorIn(A, RULES), doctorIn(B, RULES)]);
    expect(a.report.findings, JSON.stringify(a.report.findings)).toEqual([]);
    expect(b.report.findings, JSON.stringify(b.report.findings)).toEqual([]);
    expect([a.code, b.code]).toEqual([0, 0]);
  });

  it('bad outer UDP checksum from A: A\'s flannel.1 never receives, B counts InCsumErrors', async () => {
    inNs(A, 'ethtool', '-K', 'eth0', 'tx', 'off');
    inNs(A, 'nft', 'add', 'table', 'ip', 'ppe1');
    inNs(A, 'nft', 'add', 'chain', 'ip', 'ppe1', 'post', '{ type filter hook postrouting priority 0; policy accept; }');
    inNs(A, 'nft', 'add', 'rule', 'ip', 'ppe1', 'post', 'udp', 'dport', '8472', 'udp', 'checksum', 'set', '0x1234');
    // Replace A's device so its counters start from zero, as on seed 000's new nodes.
    inNs(A, 'ip', 'link', 'del', 'flannel.1');
    inNs(A, 'ip', 'link', 'add', 'flannel.1', 'type', 'vxlan', 'id', '1', 'local', '172.31.252.1', 'dev', 'eth0', 'dstport', '8472', 'nolearning');
    inNs(A, 'ip', 'addr', 'add', '10.187.0.0/32', 'dev', 'flannel.1');
    inNs(A, 'ip', 'link', 'set', 'flannel.1', 'up');
    const macB = inNs(B, 'cat', '/sys/class/net/flannel.1/address').trim();
    inNs(A, 'ip', 'route', 'add', '10.187.1.0/24', 'via', '10.187.1.0', 'dev', 'flannel.1', 'onlink');
    inNs(A, 'ip', 'neigh', 'add', '10.187.1.0', 'lladdr', macB, 'dev', 'flannel.1', 'nud', 'permanent');
    inNs(A, 'bridge', 'fdb', 'add', macB, 'dev', 'flannel.1', 'dst', '172.31.252.2', 'self', 'permanent');
    ping();
    const [a, b] = await Promise.all([doctorIn(A, RULES), doctorIn(B, RULES)]);
    expect(a.code).toBe(1);
    expect(a.report.findings.map((f) => f.ruleId)).toEqual(['overlay-rx-zero']);
    expect(a.report.findings[0]?.message).toMatch(/^flannel\.1 has sent [1-9]\d* packets and received none/);
    expect(b.code).toBe(1);
    expect(b.report.findings.map((f) => f.ruleId)).toEqual(['udp-csum-errors']);
    expect(b.report.findings[0]?.message).toMatch(/^Udp InCsumErrors = [1-9]\d* since boot/);
  });
});
