// Issue 9 item 22: skip reasons were three levels of parentheses deep and named internal keys
// (`no routeGets (no links known ...)`). Now: `no <evidence name>: <why>`, one level at most, in
// both languages; checked on every skip reason doctor gives for two real bundles.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { EVIDENCE_NAMES, evidenceName } from '../evidence/names.js';
import { legacyReasonZh } from './legacy-reason-zh.js';
import { flatReason, missingReason } from './skip-reason.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

function depth(text: string): number {
  let d = 0;
  let max = 0;
  for (const ch of text.replace(/`[^`]*`/g, '')) {
    if (ch === '(') max = Math.max(max, ++d);
    else if (ch === ')') d--;
  }
  return max;
}

function skipReasons(bundle: string): string[] {
  let out: string;
  try {
    out = execFileSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'doctor', '--from', bundle, '-o', 'json'], { cwd: root, encoding: 'utf8' });
  } catch (e) {
    out = (e as { stdout: string }).stdout;
  }
  return (JSON.parse(out) as { results: { status: string; reason?: string }[] }).results.filter((r) => r.status === 'skipped').map((r) => r.reason ?? '');
}

const KEYS = Object.keys(EVIDENCE_NAMES).filter((k) => /[A-Z]/.test(k) || ['nics', 'fdb', 'snmp'].includes(k));

describe('skip reasons', () => {
  it('a source reason said flat', () => {
    const links = 'no interfaces (ip -s -d link: not in the bundle (no sos_commands/networking/ip_-s_-d_link); ip -d address: not in the bundle (no sos_commands/networking/ip_-d_address))';
    expect(missingReason('links', links)).toBe('no links: `ip -s -d link` is not in the bundle (sos_commands/networking/ip_-s_-d_link), `ip -d address` is not in the bundle (sos_commands/networking/ip_-d_address)');
    expect(missingReason('routeGets', undefined)).toBe('no `ip route get` answers');
    expect(flatReason('modules (/proc/modules: unavailable (kernel without loadable modules?); lsmod: unavailable)')).toBe('modules (/proc/modules: unavailable, kernel without loadable modules?, lsmod: unavailable)');
    expect(flatReason('no rate ramp among the probes (run with --max-rate)')).toBe('no rate ramp among the probes (run with --max-rate)');
  });

  it('every evidence key has a name in both languages, and no name is a camelCase key', () => {
    for (const [key, name] of Object.entries(EVIDENCE_NAMES)) {
      expect(name.en, key).not.toMatch(/^[a-z]+[A-Z]/);
      expect(name.zh, key).toMatch(/[\u4e00-\u9fff]/);
    }
    expect(evidenceName('packetFilter.nft')).toBe('nft ruleset');
    expect(evidenceName('packetFilter.someNewPart')).toBe('packet filter rules: some new part');
  });

  it('on real bundles: one level of parentheses at most, no internal key, translated', { timeout: 60_000 }, () => {
    const reasons = [...skipReasons('test/fixtures/bundles/seed000-kylin-52.49'), ...skipReasons('test/fixtures/bundles/sos-4.0-netns')];
    expect(reasons.length).toBeGreaterThan(20);
    for (const r of reasons) {
      expect(depth(r), r).toBeLessThanOrEqual(1);
      expect(r.replace(/`[^`]*`/g, ''), r).not.toMatch(new RegExp(`\\bno (${KEYS.join('|')})\\b`));
      const zh = legacyReasonZh(r).replace(/`[^`]*`/g, '');
      expect(zh, r).toMatch(/[\u4e00-\u9fff]/);
      expect(zh, r).not.toMatch(/\b(no|not|is|in|the|bundle|gave|answer|run|with)\b/);
    }
  });
});
