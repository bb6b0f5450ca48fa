import { describe, expect, it } from 'vitest';
import { loadFixture } from '../engine/rule-tester.js';
import { runRules } from '../engine/run-rules.js';
import { allRules } from '../rules/index.js';
import { parseFormat, render } from './index.js';
import { buildReport } from './model.js';
import { networkView } from '../evidence/network-view.js';
import { renderExplain, renderRuleDoc } from './rule-docs.js';

const now = new Date('2026-11-23T04:00:00Z');
function reportFor(name: string, lang: 'en' | 'zh' = 'en') {
  const facts = loadFixture(name);
  return buildReport(facts, runRules(allRules, { node: facts }, { lang }), { lang, version: '0.0.0-test', now, kubernetesNode: networkView(facts).kubernetesNode.value });
}

describe('text report', () => {
  const r = reportFor('seed-000-kylin-bad-udp-checksum.json');
  const text = render(r, 'text');
  it('groups findings by severity, most severe first', () => {
    const critical = text.indexOf('CRITICAL (1)');
    const error = text.indexOf('ERROR (1)');
    const warning = text.indexOf('WARNING (1)');
    expect(critical).toBeGreaterThan(0);
    expect(error).toBeGreaterThan(critical);
    expect(warning).toBeGreaterThan(error);
  });
  it('shows evidence with its source, the fix with its undo, references', () => {
    expect(text).toContain('      /etc/grub2.cfg: 2 : Kylin Linux Advanced Server (4.19.90-52.22.v2207.ky10.x86_64) V10 (Lance)');
    expect(text).toMatch(/Fix: Boot the good kernel: make boot entry 2 the default and reboot[^\n]*\n {6}\$ grub2-set-default 2\n/);
    expect(text).toMatch(/Undo:\n {6}\$ grub2-set-default 0\n {6}\$ reboot/);
    expect(text).toContain('References: seeds/000_694fb590af4e1503.txt');
  });
  it('ends with skipped rules and their reasons, then the passed count', () => {
    expect(text).toMatch(new RegExp(`Skipped \\(\\d+\\):\\n( {2}- [a-z-]+: [^\\n]+\\n)+passed: \\d+/${allRules.length} rules; 3 findings\\n$`));
  });
  it('colours only when asked', () => {
    expect(text.includes('\u001b[')).toBe(false);
    expect(render(r, 'text', { color: true })).toContain('\u001b[1m\u001b[31mCRITICAL');
  });
  it('speaks Chinese', () => {
    const zh = render(reportFor('seed-000-kylin-bad-udp-checksum.json', 'zh'), 'text');
    expect(zh).toContain('严重 (1)');
    expect(zh).toContain('当前运行的内核 4.19.90-52.49.v2207.ky10.x86_64');
    expect(zh).toContain('撤销:');
  });
  it('says when the host is not a Kubernetes node', () => {
    const facts = loadFixture('seed-002-lro-forwarding.json', { links: { source: 'ip -d link', items: [] }, cni: undefined });
    const text2 = render(buildReport(facts, runRules(allRules, { node: facts }), { lang: 'en', version: 't', now, kubernetesNode: networkView(facts).kubernetesNode.value }), 'text');
    expect(text2.split('\n')[1]).toMatch(/^This host does not look like a Kubernetes node/);
  });
});

describe('markdown and json reports', () => {
  it('markdown has a section per severity and fenced fixes', () => {
    const md = render(reportFor('seed-002-lro-forwarding.json'), 'markdown');
    expect(md).toMatch(/^# podpath doctor: 10-10-99-144, kernel 3\.10\.0-693\.el7\.x86_64/);
    expect(md).toContain('## ERROR (2)');
    expect(md).toContain('### `lro-on-forwarding-host`: Large receive offload on a host that forwards packets');
    expect(md).toContain('```sh\nethtool -K eth0 lro off\n');
    expect(md).toContain('- `/var/log/messages`: `Jul 21 00:30:09 10-10-99-144 kernel: [<ffffffff815cc08c>] ip_forward+0x37c/0x480`');
  });
  it('json is versioned and complete', () => {
    const r = JSON.parse(render(reportFor('seed-004-calico-vxlan-nat-checksum.json'), 'json'));
    expect(r).toMatchObject({ schema: 'podpath.doctor', schemaVersion: 1, podpathVersion: '0.0.0-test', generatedAt: '2026-11-23T04:00:00.000Z', lang: 'en' });
    expect(r.summary).toMatchObject({ rules: allRules.length, findings: 1, bySeverity: { critical: 0, error: 1, warning: 0, info: 0 } });
    expect(r.summary.passed + r.summary.failed + r.summary.skipped).toBe(allRules.length);
    expect(r.findings[0].remediation[0].undo).toEqual(['ethtool -K vxlan.calico tx-checksum-ip-generic on']);
  });
  it('refuses an unknown format', () => {
    expect(parseFormat('md')).toBe('markdown');
    expect(parseFormat('html')).toBe('html');
    expect(() => parseFormat('pdf')).toThrow(/E_BAD_FORMAT|unknown output format/);
  });
});

describe('rule docs', () => {
  const rule = allRules.find((r) => r.meta.id === 'vxlan-nat-checksum');
  it('renders both languages, fixes with undo, references', () => {
    if (!rule) throw new Error('rule missing');
    const doc = renderRuleDoc(rule);
    expect(doc).toMatch(/^<!-- generated/);
    expect(doc).toContain('## English');
    expect(doc).toContain('## 中文');
    expect(doc).toContain('ethtool -K {dev} tx-checksum-ip-generic on');
    expect(doc).toContain('- gh:projectcalico/calico#3145');
    expect(doc).toContain('> **Unconfirmed**: The 5.6.13 stable fix is UNCONFIRMED');
    expect(renderExplain(rule, 'zh')).toMatch(/^# vxlan-nat-checksum: NAT 破坏/);
  });
});
