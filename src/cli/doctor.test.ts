// `podpath doctor` end to end through a child process, as a user runs it: exit codes and the top finding.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { podpathArgs } from '../../test/helpers/podpath.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const fixture = (name: string) => `test/fixtures/evidence/${name}`;

function podpath(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [...podpathArgs(), ...args], { cwd: root, env: { ...process.env, NO_COLOR: '1', ...env } }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 2) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

// Each child process starts tsx (~2 s): generous timeouts, independent runs in parallel.
describe('podpath doctor (child process)', { timeout: 60_000 }, () => {
  it('seed 000 facts: exit 1, top finding kernel-bad-udp-checksum (critical)', async () => {
    const r = await podpath(['doctor', '--facts', fixture('seed-000-kylin-bad-udp-checksum.json'), '-o', 'json']);
    expect(r.code, r.stderr).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({ schema: 'podpath.doctor', schemaVersion: 1 });
    expect(report.findings[0]).toMatchObject({ ruleId: 'kernel-bad-udp-checksum', severity: 'critical' });
    expect(report.findings.map((f: { ruleId: string }) => f.ruleId)).toEqual(expect.arrayContaining(['overlay-rx-zero', 'udp-csum-errors']));
    expect(report.results.find((x: { ruleId: string }) => x.ruleId === 'lro-on-forwarding-host')).toMatchObject({ status: 'skipped', reason: 'no NIC offload features' });
  });
  it('healthy facts: exit 0, no findings, skipped rules say why', async () => {
    const r = await podpath(['doctor', '--facts', fixture('healthy-flannel-node.json'), '-o', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.findings).toEqual([]);
    expect(report.node.kubernetesNode).toBe(true);
    expect(report.summary.passed).toBeGreaterThan(10);
    for (const s of report.results.filter((x: { status: string }) => x.status === 'skipped')) expect(s.reason).toMatch(/\S/);
  });
  it('seed 001 in Chinese text: NetworkManager finding, skipped and passed lines', async () => {
    const r = await podpath(['doctor', '--facts', fixture('seed-001-networkmanager-flannel.json'), '--lang', 'zh', '--only', 'networkmanager-manages-cni,peer-pod-routes-missing,lro-on-forwarding-host']);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/错误 \(2\)/);
    expect(r.stdout).toMatch(/NetworkManager 正在运行/);
    expect(r.stdout).toMatch(/已跳过 \(1\):\n {2}- lro-on-forwarding-host: 缺少 网卡卸载特性/);
    expect(r.stdout).toMatch(/通过: 0\/3/);
    expect(r.stdout.includes('\u001b[')).toBe(false);
  });
  it('errors: exit 2 with one line', async () => {
    const [missing, unknown, format] = await Promise.all([
      podpath(['doctor', '--facts', 'test/fixtures/evidence/nope.json']),
      podpath(['doctor', '--facts', fixture('healthy-flannel-node.json'), '--only', 'no-such-rule']),
      podpath(['doctor', '--facts', fixture('healthy-flannel-node.json'), '-o', 'yaml']),
    ]);
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim().split('\n').pop()).toBe('podpath: E_FACTS_READ: cannot read test/fixtures/evidence/nope.json: ENOENT');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/E_UNKNOWN_RULE: unknown rule id: no-such-rule/);
    expect(format.code).toBe(2);
    expect(format.stderr).toMatch(/E_BAD_FORMAT/);
  });
  it('rules lists every rule; explain prints one, in the locale\'s language', async () => {
    const [list, explain, bad] = await Promise.all([
      podpath(['rules']),
      podpath(['explain', 'vxlan-nat-checksum'], { LANG: 'zh_CN.UTF-8', LC_ALL: '' }),
      podpath(['explain', 'nope']),
    ]);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^\s*kernel-bad-udp-checksum\s+CRITICAL\s+Kernel build known to send bad UDP checksums\s+\[kernel version\]$/m);
    expect(explain.code).toBe(0);
    expect(explain.stdout).toMatch(/^vxlan-nat-checksum: NAT 破坏 VXLAN 外层 UDP 校验和/);
    expect(explain.stdout).toMatch(/ethtool -K \{dev\} tx-checksum-ip-generic on/);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/E_UNKNOWN_RULE/);
  });
});
