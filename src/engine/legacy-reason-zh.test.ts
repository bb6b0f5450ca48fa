// The skip reasons doctor gives for real bundles (seed 000's Kylin bundle, a real sos 4.0 report),
// translated: no English connective phrase may remain, the commands and paths must.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { legacyReasonZh } from './legacy-reason-zh.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

function skipReasons(bundle: string): string[] {
  let out: string;
  try {
    out = execFileSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'doctor', '--from', bundle, '-o', 'json'], { cwd: root, encoding: 'utf8' });
  } catch (e) {
    out = (e as { stdout: string }).stdout; // exit 1: findings
  }
  const doc = JSON.parse(out) as { results: { status: string; reason?: string }[] };
  return doc.results.filter((r) => r.status === 'skipped').map((r) => r.reason ?? '');
}

describe('skip reasons in Chinese', () => {
  it('translates the phrases of every skip reason of real bundles, keeping commands and paths', () => {
    const reasons = [...skipReasons('test/fixtures/bundles/seed000-kylin-52.49'), ...skipReasons('test/fixtures/bundles/sos-4.0-netns')];
    expect(reasons.length).toBeGreaterThan(10);
    for (const r of reasons) {
      const zh = legacyReasonZh(r);
      expect(zh, r).not.toMatch(/not in the bundle|cannot tell|module not loaded|peer was probed|\bno [a-z]|unavailable|not found|[Pp]ermission denied/);
      expect(zh, r).toMatch(/[\u4e00-\u9fff]/);
      // Every command or path the English names is still there.
      for (const path of r.match(/sos_commands\/[\w./-]+/g) ?? []) expect(zh).toContain(path);
    }
  });

  it('translates the reasons the rules give themselves', () => {
    expect(legacyReasonZh('no ip route get for 10.244.1.0')).toBe('没有 10.244.1.0 的 ip route get');
    expect(legacyReasonZh('nothing to hold flannel.1 MTU against')).toBe('没有可与 flannel.1 的 MTU 对比的值');
    expect(legacyReasonZh('no kernelLog (dmesg: Operation not permitted)')).toBe('缺少 kernelLog (dmesg: 不允许的操作)');
    expect(legacyReasonZh('no snmp (permission denied)')).toBe('缺少 snmp (权限不足)');
    expect(legacyReasonZh('conntrack -S statistics not collected')).toBe('未采集 conntrack -S 统计');
  });

  it('translates every reason the rules and sources write as a fixed phrase', () => {
    const reasons = [
      'NetworkManager state unknown (no nmcli, no systemctl answer)',
      'conntrack count or max not collected',
      'no TCP or DNS probe among the probes',
      'no UDP echo among the probes',
      'no Udp InCsumErrors in /proc/net/snmp',
      'no Udp table',
      'no VXLAN device among the links',
      'no nmcli device list and no links to compare with unmanaged-devices',
      'no rate ramp among the probes (run with --max-rate)',
      'no size sweep among the probes',
      'no sysctls and no links: cannot tell whether this host forwards',
      "vxlan.calico uses dstport 4789 and flannel's net-conf.json is not visible",
      'no counters for flannel.1, eth0',
      'nothing to hold flannel.1 MTU against (no underlay link, subnet.env, CNI config or pod interface)',
      'no routeGets (no VXLAN device with an IPv4 address or route: nothing to ask `ip route get` about)',
      'no grub configuration (/boot/grub2/grub.cfg: unavailable) and no grubby',
      'no package log or package list (/var/log/dnf.rpm.log: unavailable; rpm and dpkg unavailable)',
      'modules (/proc/modules: unavailable (kernel without loadable modules?); lsmod: unavailable)',
      'links have no addresses: ip -d address: unavailable',
      '/proc/version: not uname -a output',
    ];
    for (const r of reasons) {
      // No English connective word may remain outside backquoted commands.
      const zh = legacyReasonZh(r).replace(/`[^`]*`/g, '');
      expect(zh, r).not.toMatch(/\b(no|not|and|with|among|cannot|nothing|uses|have|unavailable|run)\b/);
      expect(zh, r).toMatch(/[\u4e00-\u9fff]/);
    }
  });
});
