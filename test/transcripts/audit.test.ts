// Issue 11 audit: defects found in the transcript reading, each with the paste that showed it.
// Pieces under test/fixtures/transcript-pieces/ (README there names each one's source).
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { splitTranscript } from '../../src/sources/transcript/split.js';
import { runDoctorTranscript, transcriptCaptures, transcriptEvidence } from '../../src/app/doctor-transcript.js';
import { analyzeCapture } from '../../src/pcap/analyze/run.js';
import { captureFindings } from '../../src/app/pcap.js';
import type { CaptureSummary } from '../../src/evidence/capture-summary.js';

const PIECES = 'test/fixtures/transcript-pieces';
const piece = (name: string): string => readFileSync(`${PIECES}/${name}`, 'utf8');
const evidenceOf = (text: string, name = 't.txt') => transcriptEvidence({ text, name, notes: [] });
/** Doctor on a paste given on standard input. */
const runDoctorTranscriptText = (text: string) => runDoctorTranscript({ from: '-', lang: 'en', stdin: Readable.from([Buffer.from(text)]) });

describe('ip neigh pasted without its command is recognised by its shape', () => {
  it('calico#5460: PERMANENT, REACHABLE, STALE and FAILED entries are neighbours, not routes', async () => {
    const text = piece('calico-5460-ip-neigh.txt');
    expect(splitTranscript(text, 't.txt').segments.map((s) => s.kind)).toEqual(['ip-neigh']);
    const ev = await evidenceOf(text);
    expect(ev.facts.routes).toBeUndefined();
    const items = ev.facts.neighbours?.items ?? [];
    expect(items).toHaveLength(15);
    expect(items.find((n) => n.address === '224.0.0.22')).toMatchObject({ dev: 'vxlan.calico', states: ['FAILED'] });
    expect(items.find((n) => n.address === '192.168.178.0')).toMatchObject({ dev: 'vxlan.calico', lladdr: '66:76:38:5d:31:cd', states: ['PERMANENT'] });
    expect(ev.facts.neighbours?.source).toBe('t.txt:1');
  });

  it('a route table is still a route table', () => {
    const routes = ['default via 10.10.10.1 dev ens192 proto static metric 100', '10.10.10.0/24 dev ens192 proto kernel scope link src 10.10.10.50 metric 100', '192.168.178.0/26 via 192.168.178.0 dev vxlan.calico onlink'];
    expect(splitTranscript(`${routes.join('\n')}\n`, 't.txt').segments.map((s) => s.kind)).toEqual(['ip-route']);
  });
});

/** What the checksum rules see of a capture: frames, and bad sums by layer and cause. */
const sums = (s: CaptureSummary) => ({
  frames: s.packets.frames,
  bad: Object.fromEntries(s.checksums.layers.filter((l) => l.bad > 0).map((l) => [l.layer, l.badByCause])),
});
const ruleLines = (fs: { ruleId: string; severity: string }[]) => fs.map((f) => `${f.ruleId} ${f.severity}`);

describe('tcpdump text is the same capture evidence as the pcap file it was printed from', () => {
  // test/fixtures/pcap/*.tcpdump-vv.txt: `tcpdump -# -nn -vv -r FILE` of the real captures beside them.
  for (const name of ['vxlan-veth-offload', 'sll2-any', 'vxlan']) {
    it(`${name}: numbered (-#) records, inner packets kept inner, bad sums given the pcap's causes`, async () => {
      const pcap = await analyzeCapture(`test/fixtures/pcap/${name}.pcap`, `${name}.pcap`);
      const text = `[root@node1 ~]# tcpdump -# -nn -vv -r ${name}.pcap\n${readFileSync(`test/fixtures/pcap/${name}.tcpdump-vv.txt`, 'utf8')}`;
      const caps = transcriptCaptures(splitTranscript(text, 't.txt'));
      expect(caps).toHaveLength(1);
      const fromText = sums(caps[0]!);
      const fromPcap = sums(pcap);
      expect(fromText.frames).toBe(fromPcap.frames);
      // The text has no verdict tcpdump did not print (a right IPv4 header sum): compare the layers it has.
      expect(Object.keys(fromText.bad).length).toBeGreaterThan(name === 'vxlan' ? -1 : 0);
      for (const [layer, causes] of Object.entries(fromText.bad)) expect([layer, causes]).toEqual([layer, fromPcap.bad[layer]]);
      expect(Object.keys(fromText.bad).sort()).toEqual(Object.keys(fromPcap.bad).sort());
      expect(ruleLines(captureFindings(caps[0]!))).toEqual(ruleLines(captureFindings(pcap)));
    });
  }

  it('vxlan-veth-offload pasted without its command: offload artefacts (info), never checksum-unknown warnings', async () => {
    const { report } = await runDoctorTranscriptText(readFileSync('test/fixtures/pcap/vxlan-veth-offload.tcpdump-vv.txt', 'utf8'));
    const ids = report.findings.map((f) => `${f.ruleId} ${f.severity}`);
    expect(ids).toContain('checksum-artefacts info');
    expect(ids.filter((i) => /checksum-(?:unknown|wire)/.test(i))).toEqual([]);
  });

  it('a numbered capture without -v (tcpdump -# -nn) is recognised by its shape and read record by record', () => {
    const text = piece('vxlan-tcpdump-numbered.txt');
    const t = splitTranscript(text, 't.txt');
    expect(t.segments.map((s) => s.kind)).toEqual(['tcpdump']);
    const cap = transcriptCaptures(t)[0]!;
    expect(cap.packets.frames).toBe(2);
    expect(cap.frameLines).toEqual([1, 3]);
  });
});

describe('capture findings from tcpdump text cite the line of the frame that proves them', () => {
  it('vxlan-veth-offload, pasted first in the transcript: each "frame N" line cites the line of record N, not line 1', async () => {
    const text = readFileSync('test/fixtures/pcap/vxlan-veth-offload.tcpdump-vv.txt', 'utf8');
    const lines = text.split('\n');
    const { report } = await runDoctorTranscriptText(text);
    const ev = report.findings.filter((f) => f.ruleId.startsWith('checksum-')).flatMap((f) => f.evidence);
    const framed = ev.filter((e) => /\bframe \d+/.test(e.text));
    expect(framed.length).toBeGreaterThan(1);
    for (const e of framed) {
      const frame = /\bframe (\d+)/.exec(e.text)![1]!;
      const no = Number(/^stdin:(\d+)$/.exec(e.source)?.[1]);
      expect(lines[no - 1], `${e.source} ${e.text}`).toMatch(new RegExp(`^\\s*${frame}  \\d\\d:`));
    }
    expect(new Set(framed.map((e) => e.source)).size).toBeGreaterThan(1);
  });

  it('calico#3145: the handshake and 0xffff findings cite the lines of their frames', async () => {
    const file = 'test/fixtures/transcripts/calico-3145-vxlan-63s-bad-cksum-ffff/transcript.txt';
    const lines = readFileSync(file, 'utf8').split('\n');
    const { report } = await runDoctorTranscript({ from: file, lang: 'en' });
    const hs = report.findings.filter((f) => f.location?.frames && (f.ruleId.startsWith('handshake-') || f.ruleId === 'checksum-vxlan-ffff'));
    expect(hs.length).toBeGreaterThanOrEqual(2);
    for (const f of hs) {
      for (const e of f.evidence) {
        const no = Number(/:(\d+)$/.exec(e.source)![1]);
        expect(lines[no - 1], `${f.ruleId} ${e.source}`).toMatch(/^\s*\d\d:\d\d:\d\d\.\d{6} IP /);
      }
    }
  });
});

describe('a transcript whose only evidence is martian-source log lines', () => {
  // Neither thread established a cause; what podpath may say from such lines alone is pinned here.
  for (const [name, count, dev, lines] of [
    ['weave-3327-martian-dmesg.txt', 2, 'datapath', ['1', '3']],
    ['kube-router-812-martian-syslog.txt', 1, 'tun-102522758', ['1']],
  ] as const) {
    it(`${name}: the reverse-path filter dropped packets on ${dev}, from the log lines alone, each cited`, async () => {
      const { report, exitCode } = await runDoctorTranscriptText(piece(name));
      expect(report.findings.map((f) => f.ruleId)).toEqual(['rp-filter-strict']);
      const f = report.findings[0]!;
      expect(f.messageId).toBe('martiansLogged');
      expect(f.message).toContain(`${count} martian source line(s) on ${dev}`);
      // No `ip link` and no sysctls in the text: neither the device's kind nor the values before are guessed.
      expect(f.message).not.toMatch(/overlay/);
      expect(f.remediation[0]!.undo[0]).toMatch(/^sysctl -w net\.ipv4\.conf\.all\.rp_filter="\$\{RP_FILTER_ALL:\?/);
      expect(f.remediation[0]!.undo[0]).not.toMatch(/rp_filter=1\b/);
      // The `ll header:` lines under each record are not martians of their own.
      expect(f.evidence.map((e) => e.source)).toEqual(lines.map((n) => `stdin:${n}`));
      expect(exitCode).toBe(1);
      // A finding is a verdict: not "inconclusive", though almost nothing else could be judged.
      expect(report.verdict?.status).not.toBe('inconclusive');
      expect(report.results.find((r) => r.ruleId === 'ip-forward-off')?.status).toBe('skipped');
    });
  }

  it('without a martian line the rule is skipped, not passed', async () => {
    const { report } = await runDoctorTranscriptText('[13225.481477] IPv4: something else on dev datapath\n');
    expect(report.results.find((r) => r.ruleId === 'rp-filter-strict')?.status).toBe('skipped');
  });
});

describe('ethtool -S and ip -o addr give facts', () => {
  it('ethq#7: ethtool -S counters of eth0 (checksum errors, drops) beside its driver, cited', async () => {
    const text = piece('ethq-7-be2net-ethtool-S.txt');
    const ev = await evidenceOf(text);
    const nic = ev.facts.nics?.find((n) => n.name === 'eth0');
    expect(nic?.driver).toBe('be2net');
    expect(nic?.stats).toMatchObject({ rx_crc_errors: 0, rx_ip_checksum_errs: 12655, rx_udp_checksum_errs: 8890, rx_dropped_too_short: 5710 });
    expect(Object.keys(nic?.stats ?? {})).toHaveLength(37);
    expect(nic?.sources).toEqual(['t.txt:2', 't.txt:14']);
  });

  it('ethtool -S pasted without its command is recognised by its "NIC statistics:" line', () => {
    const text = piece('ethq-7-be2net-ethtool-S.txt').split('\n').slice(13).join('\n');
    expect(splitTranscript(text, 't.txt').segments.map((s) => s.kind)).toEqual(['ethtool-S']);
  });

  it('sos 4.0: ip -o addr puts its addresses on the links ip -s -d link lists', async () => {
    const ev = await evidenceOf(piece('sos-ip-o-addr.txt'));
    const links = ev.facts.links?.items ?? [];
    expect(links.find((l) => l.name === 'eth0')?.addresses).toEqual([{ family: 'inet', address: '192.168.77.2', prefixLen: 24, scope: 'global' }]);
    expect(links.find((l) => l.name === 'flannel.1')?.addresses.map((a) => a.address)).toEqual(['10.244.0.0', 'fe80::ccd7:2bff:fe34:1c8f']);
    expect(ev.facts.missing.map((m) => m.evidence)).not.toContain('links.addresses');
  });

  it('ip -o addr pasted without its command is recognised by its shape', () => {
    const lines = piece('sos-ip-o-addr.txt').split('\n');
    const text = lines.slice(lines.indexOf('[root@vm ~]# ip -o addr') + 1).join('\n');
    expect(splitTranscript(text, 't.txt').segments.map((s) => s.kind)).toEqual(['ip-addr']);
  });
});
