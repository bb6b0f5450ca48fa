// Issue 11: real users' pastes from public threads, each judged as its thread established, and the
// five seed reports given to `doctor --from` as the text files they are.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runDoctorTranscript } from '../../src/app/doctor-transcript.js';
import { EXIT_INCONCLUSIVE } from '../../src/report/model.js';
import { renderText } from '../../src/report/text.js';

const DIR = 'test/fixtures/transcripts';
const SEEDS = 'test/fixtures/seeds';
const cases = readdirSync(DIR, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();

const judge = (from: string) => runDoctorTranscript({ from, lang: 'en' });
/** No printed command keeps a placeholder the user cannot fill (`<N>`, `{dev}`). */
const noPlaceholders = (lines: string[]) => {
  for (const l of lines) expect(l, l).not.toMatch(/<[A-Z]{1,8}>|\{[a-zA-Z]\w*\}/);
};

describe('real transcripts are judged as their threads established', () => {
  it('has at least 20 cases', () => expect(cases.length).toBeGreaterThanOrEqual(20));
  for (const c of cases) {
    const meta = parse(readFileSync(join(DIR, c, 'meta.yaml'), 'utf8')) as { expected_first_rule: string };
    const expected = meta.expected_first_rule.split(' ')[0]!;
    it(`${c}: ${expected}`, async () => {
      const { report, exitCode } = await judge(join(DIR, c, 'transcript.txt'));
      const ids = report.findings.map((f) => f.ruleId);
      if (expected === 'healthy') {
        // The node in the text was fine: no fault may be named; "inconclusive" is honest too.
        expect(ids).toEqual([]);
        expect([0, EXIT_INCONCLUSIVE]).toContain(exitCode);
      } else if (expected === 'inconclusive') {
        expect(ids).toEqual([]);
        expect(exitCode).toBe(EXIT_INCONCLUSIVE);
        expect(report.verdict?.status).toBe('inconclusive');
        expect(report.verdict?.wanted.length).toBeGreaterThan(0);
        expect(renderText(report, { color: false })).toMatch(/Inconclusive: \d+ of \d+ rules could be judged/);
      } else {
        expect(ids[0], ids.join(', ')).toBe(expected);
        expect(exitCode).toBe(1);
        // Every fact cites the transcript line it came from.
        for (const e of report.findings[0]!.evidence) expect(e.source).toMatch(/transcript\.txt:\d+/);
      }
      for (const f of report.findings) noPlaceholders(f.remediation.flatMap((r) => [...r.commands, ...r.undo]));
    });
  }
});

describe('the five seed reports, as they are', () => {
  const seed = (n: string) => join(SEEDS, readdirSync(SEEDS).find((f) => f.startsWith(n))!);

  it('000: the kernel build, with the dnf line and the grub entry to boot', async () => {
    const { report } = await judge(seed('000'));
    const f = report.findings[0]!;
    expect(f.ruleId).toBe('kernel-bad-udp-checksum');
    const ev = f.evidence.map((e) => e.text).join('\n');
    expect(ev).toMatch(/InstaLLed:kernel-4\.19\.90-52\.49/);
    expect(ev).toMatch(/2 : Kylin Linux Advanced Server \(4\.19\.90-52\.22/);
    const cmds = f.remediation.flatMap((r) => r.commands);
    expect(cmds).toContain('grub2-set-default 2');
    noPlaceholders(cmds);
  });

  it('001: NetworkManager, and the route to the local flannel address', async () => {
    const { report } = await judge(seed('001'));
    const ids = report.findings.map((f) => f.ruleId);
    expect(ids[0]).toBe('networkmanager-manages-cni');
    expect(ids).toContain('peer-pod-routes-missing');
  });

  it('002: LRO and skb_warn_bad_offload, with the LRO remedy', async () => {
    const { report } = await judge(seed('002'));
    const f = report.findings[0]!;
    expect(f.ruleId).toBe('kernel-log-bad-offload');
    const cmds = f.remediation.flatMap((r) => r.commands).join('\n');
    expect(cmds).toMatch(/lro off/);
    noPlaceholders(f.remediation.flatMap((r) => [...r.commands, ...r.undo]));
  });

  it('003: the 1472-byte limit and the rate cut-off, from the nc and iperf3 lines', async () => {
    const { report } = await judge(seed('003'));
    const ids = report.findings.map((f) => f.ruleId);
    expect(ids.slice(0, 2).sort()).toEqual(['underlay-rate-blackhole', 'underlay-size-limit']);
    const size = report.findings.find((f) => f.ruleId === 'underlay-size-limit')!;
    expect(size.message).toMatch(/1472/);
    const rate = report.findings.find((f) => f.ruleId === 'underlay-rate-blackhole')!;
    expect(rate.message).toMatch(/22\.1 Mbit\/s/);
  });

  it('004: the 0xffff outer checksum and the back-off', async () => {
    const { report } = await judge(seed('004'));
    const f = report.findings[0]!;
    expect(f.ruleId).toBe('vxlan-nat-checksum');
    expect(f.message).toMatch(/0xffff/);
    expect(f.messageId).toBe('seenInCaptureRetried');
    expect(f.message).toMatch(/1, 2, 4, 8 s apart/);
  });

  it('calico#3145: each frame quoted once, though it is both a bad outer sum and the retried SYN', async () => {
    const { report } = await judge(join(DIR, 'calico-3145-vxlan-63s-bad-cksum-ffff', 'transcript.txt'));
    const f = report.findings.find((x) => x.ruleId === 'vxlan-nat-checksum')!;
    const lines = f.evidence.map((e) => `${e.source} ${e.text}`);
    expect(lines.length).toBeGreaterThan(1);
    expect(lines).toEqual([...new Set(lines)]);
  });
});
