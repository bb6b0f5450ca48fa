import { describe, expect, it } from 'vitest';
import { judgeProbeReport } from '../app/probe.js';
import { probeReport } from '../../test/fixtures/evidence/probes/load.js';
import { renderProbeText } from './probe-text.js';
import { probeJsonDocument } from './probe-json.js';

describe('podpath probe text report (lab recordings)', () => {
  it('bad-udp-checksum: the numbers per direction, then the rule that places the loss (as the README shows)', () => {
    const text = renderProbeText(judgeProbeReport(probeReport('bad-udp-checksum'), 'en'));
    expect(text).toContain('overlay: this node -> 192.168.77.12\n  LOST UDP echo: 0/10 back\n');
    expect(text).toContain('overlay: 192.168.77.12 -> this node\n  LOST UDP echo: 0/10 back, 10 counted by the receiver\n');
    expect(text).toMatch(/underlay: this node -> 192\.168\.77\.12\n {2}ok {2}UDP echo: 10\/10 back, rtt avg [\d.]+ ms\n/);
    expect(text).toContain("● udp-checksum-drop  Probes or their answers are dropped for a bad UDP checksum\n");
    expect(text).toContain("reached 192.168.77.12's NIC, dropped by 192.168.77.12's kernel: InCsumErrors +13 = bad UDP checksum");
    expect(text).toContain('192.168.77.12: /proc/net/snmp Udp InCsumErrors +13, InErrors +13');
    // The reverse direction: our answers carry the bad checksum and the peer's kernel drops them.
    expect(text).toContain("Overlay (VXLAN) probes from 192.168.77.12 reach this node, but this node's answers reach 192.168.77.12 with a wrong outer UDP checksum and 192.168.77.12 drops them");
    expect(text).toContain('  - underlay-rate-blackhole: no rate ramp among the probes (run with --max-rate)');
  });

  it('--lang zh: the report\'s own words and the rules\' messages in Chinese', () => {
    const text = renderProbeText(judgeProbeReport(probeReport('bad-udp-checksum'), 'zh'));
    expect(text).toContain('overlay: 本节点 -> 192.168.77.12\n  丢失 UDP 回显:0/10 返回\n');
    expect(text).toContain('探测报文或其应答因 UDP 校验和错误被丢弃');
    expect(text).toContain('到达了 192.168.77.12 的网卡,被 192.168.77.12 的内核丢弃:InCsumErrors +13 = UDP 校验和错误');
    expect(text).toContain('探测结果中没有速率爬升(加 --max-rate 运行)');
    // None of the report's own English words is left (evidence lines quote measured text as is).
    const own = text.split('\n').filter((l) => !/^ {6}(probe |\$)/.test(l)).join('\n');
    expect(own).not.toMatch(/UDP echo|size sweep|rate ramp|back,|Skipped|No rule|LOST|error:|passed/);
  });

  it('size sweep and rate ramp lines, and the policer estimate', () => {
    const sweep = renderProbeText(judgeProbeReport(probeReport('underlay-size-limit'), 'en'));
    expect(sweep).toContain('  LIMIT size sweep: largest UDP payload that crosses is 1472 bytes; 1473 never arrives');
    const ramp = renderProbeText(judgeProbeReport(probeReport('underlay-rate-blackhole'), 'en'));
    expect(ramp).toMatch(/ {2}LOSS rate ramp: loss starts between 14\.2 Mbit\/s and 17\.8 Mbit\/s\n {7}policer: sustained limit about 8\.1 Mbit\/s, burst about 992 kB \(holds at [^\n]+\)\n {7}blackhole: then nothing at all crossed; recovered after 2\.0 s/);
    expect(ramp).toContain('underlay-rate-blackhole');
    const zh = renderProbeText(judgeProbeReport(probeReport('underlay-rate-blackhole'), 'zh'));
    expect(zh).toMatch(/丢包 速率爬升:丢包出现在 14\.2 Mbit\/s 与 17\.8 Mbit\/s 之间\n {7}限速器:持续速率约 8\.1 Mbit\/s/);
  });

  it('shows what the peer sent safely: control characters in its names and errors are escaped', () => {
    const r = probeReport('healthy');
    const hostile = { ...r, peer: '10.0.0.1\u001b[2J', errors: ['boom\n\u001b]0;owned\u0007'] };
    const text = renderProbeText(judgeProbeReport(hostile, 'en'));
    expect(text.includes('\u001b') || text.includes('\u0007')).toBe(false);
    expect(text).toContain('error: boom');
  });
});

describe('podpath probe JSON', () => {
  it('holds the measurements, no verdict, and the findings', () => {
    const doc = probeJsonDocument(judgeProbeReport(probeReport('firewall-vxlan-port'), 'en'), '0.0.0-test');
    expect(doc).toMatchObject({ schema: 'podpath.probe', schemaVersion: 2, podpathVersion: '0.0.0-test', lang: 'en', peer: '192.168.77.12' });
    expect(doc.directions.map((d) => [d.from, d.sender, d.devices.local.overlay ?? '-'])).toEqual([
      ['this node', 'local', '-'], ['192.168.77.12', 'peer', '-'], ['this node', 'local', 'flannel.1'], ['192.168.77.12', 'peer', 'flannel.1'],
    ]);
    expect(JSON.stringify(doc.directions)).not.toMatch(/echoVerdict|summary|"place"/);
    expect(doc.findings.map((f) => `${f.ruleId}/${f.messageId}`)).toEqual(['probe-path-loss/receiver', 'probe-path-loss/returnPathBeforeDecap', 'probe-path-loss/receiverDecap']);
    expect(doc.results.find((x) => x.ruleId === 'udp-checksum-drop')?.status).toBe('pass');
  });
});

describe('judgeProbeReport exit codes', () => {
  it('0 clean, 1 loss or findings, 2 when the run failed part way', () => {
    expect(judgeProbeReport(probeReport('healthy'), 'en').exitCode).toBe(0);
    expect(judgeProbeReport(probeReport('bad-udp-checksum'), 'en').exitCode).toBe(1);
    expect(judgeProbeReport(probeReport('underlay-size-limit'), 'en').exitCode).toBe(1);
    expect(judgeProbeReport({ ...probeReport('healthy'), errors: ['the peer went away'] }, 'en').exitCode).toBe(2);
  });
});
