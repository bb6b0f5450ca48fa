// Skip reasons are codes rendered through the catalogues: `no <evidence name>: <why>, <why>` said
// flat (issue 9 item 22: no nested parentheses, no internal keys), in the run's language, from
// the codes the sources recorded, never by translating English text.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { EVIDENCE_NAMES, evidenceName } from '../evidence/names.js';
import { recordMissing, wantedInputs } from '../evidence/missing-reasons.js';
import type { ReasonRef } from '../util/i18n.js';
import { makeFacts } from '../evidence/load-facts.js';
import { reasonText } from './reasons.js';
import { runRules } from './run-rules.js';
import { defineRule } from './types.js';
import { podpathArgs } from '../../test/helpers/podpath.js';

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

function skipReasons(bundle: string, lang: 'en' | 'zh'): string[] {
  let out: string;
  try {
    out = execFileSync(process.execPath, [...podpathArgs(), 'doctor', '--from', bundle, '-o', 'json', '--lang', lang], { cwd: root, encoding: 'utf8' });
  } catch (e) {
    out = (e as { stdout: string }).stdout;
  }
  return (JSON.parse(out) as { results: { status: string; reason?: string }[] }).results.filter((r) => r.status === 'skipped').map((r) => r.reason ?? '');
}

const KEYS = Object.keys(EVIDENCE_NAMES).filter((k) => /[A-Z]/.test(k) || ['nics', 'fdb', 'snmp'].includes(k));

const needsLinks = defineRule({
  meta: {
    id: 'needs-links', title: { en: 't', zh: 't' }, kind: 'node', severity: 'info', needs: ['links'],
    messages: { m: { en: 'm', zh: 'm' } }, explanation: { en: 'x', zh: 'x' },
    remediation: [{ description: { en: 'd', zh: 'd' }, commands: ['true'], undo: ['true'] }], references: ['r'],
  },
  check() {},
});

describe('skip reasons', () => {
  it('a source\'s reasons said flat after the evidence name, in either language', () => {
    const missing = [
      recordMissing({ evidence: 'links', code: 'commandNotInBundle', data: { command: 'ip -s -d link', where: 'sos_commands/networking/ip_-s_-d_link' } }),
      recordMissing({ evidence: 'links', code: 'commandNotInBundle', data: { command: 'ip -d address', where: 'sos_commands/networking/ip_-d_address' } }),
    ];
    const facts = makeFacts({ missing });
    expect(runRules([needsLinks], { node: facts }).results[0]?.reason).toBe(
      'no links: `ip -s -d link` is not in the bundle (sos_commands/networking/ip_-s_-d_link), `ip -d address` is not in the bundle (sos_commands/networking/ip_-d_address)',
    );
    expect(runRules([needsLinks], { node: facts }, { lang: 'zh' }).results[0]?.reason).toBe(
      '缺少 网络接口:包中没有 `ip -s -d link`(sos_commands/networking/ip_-s_-d_link), 包中没有 `ip -d address`(sos_commands/networking/ip_-d_address)',
    );
    expect(missing[0]?.reason).toBe('`ip -s -d link` is not in the bundle (sos_commands/networking/ip_-s_-d_link)');
    expect(reasonText({ code: 'missingEvidence', data: { evidence: 'routeGets' } }, 'en')).toBe('no `ip route get` answers');
  });

  it('doctor\'s JSON gives the reasons as codes too, and they name what to collect to judge the rest', { timeout: 60_000 }, () => {
    let out: string;
    try {
      out = execFileSync(process.execPath, [...podpathArgs(), 'doctor', '--from', 'test/fixtures/bundles/sos-4.0-netns', '-o', 'json', '--lang', 'zh'], { cwd: root, encoding: 'utf8' });
    } catch (e) {
      out = (e as { stdout: string }).stdout;
    }
    const results = (JSON.parse(out) as { results: { ruleId: string; status: string; reasons?: ReasonRef[] }[] }).results;
    const firewall = results.find((r) => r.ruleId === 'firewall-vxlan-port');
    expect(firewall?.reasons).toEqual([{ code: 'missingEvidence', data: { evidence: 'packetFilter' }, because: [
      { code: 'commandNotInBundle', data: { command: 'iptables-save', where: 'sos_commands/networking/iptables-save' } },
      { code: 'commandNotInBundle', data: { command: 'nft list ruleset', where: 'sos_commands/networking/nft_list_ruleset' } },
    ] }, { code: 'noRejectLogged' }]); // it ran on the kernel log (a sufficient set), which named no rejected VXLAN
    const wanted = wantedInputs(results.flatMap((r) => r.reasons ?? []));
    expect(wanted.commands).toEqual(expect.arrayContaining(['iptables-save', 'nft list ruleset', 'ip route get 10.244.0.0']));
  });

  it('a code this build does not know still shows, as its code and data', () => {
    expect(reasonText({ code: 'fromTheFuture', data: { path: '/x' } }, 'zh')).toBe('fromTheFuture path=/x');
  });

  it('every evidence key has a name in both languages, and no name is a camelCase key', () => {
    for (const [key, name] of Object.entries(EVIDENCE_NAMES)) {
      expect(name.en, key).not.toMatch(/^[a-z]+[A-Z]/);
      expect(name.zh, key).toMatch(/[\u4e00-\u9fff]/);
    }
    expect(evidenceName('packetFilter.nft')).toBe('nft ruleset');
    expect(evidenceName('packetFilter.someNewPart')).toBe('packet filter rules: some new part');
  });

  it('on real bundles: one level of parentheses at most, no internal key; the Chinese from the codes', { timeout: 120_000 }, () => {
    const bundles = ['test/fixtures/bundles/seed000-kylin-52.49', 'test/fixtures/bundles/sos-4.0-netns'];
    const en = bundles.flatMap((b) => skipReasons(b, 'en'));
    expect(en.length).toBeGreaterThan(20);
    for (const r of en) {
      expect(depth(r), r).toBeLessThanOrEqual(1);
      expect(r.replace(/`[^`]*`/g, ''), r).not.toMatch(new RegExp(`\\bno (${KEYS.join('|')})\\b`));
    }
    const zh = bundles.flatMap((b) => skipReasons(b, 'zh'));
    expect(zh).toHaveLength(en.length);
    for (const r of zh) {
      const words = r.replace(/`[^`]*`/g, '');
      expect(words, r).toMatch(/[\u4e00-\u9fff]/);
      expect(words, r).not.toMatch(/\b(no|not|is|in|the|bundle|gave|answer|run|with)\b/);
    }
    // The paths the English names are all there in the Chinese.
    for (const path of en.join('\n').match(/sos_commands\/[\w./-]+/g) ?? []) expect(zh.join('\n')).toContain(path);
  });
});
