// The capture views as text: made from the summaries of real captures (test/fixtures/evidence/
// captures: seed 004's SYN back-off, the lab's 0xffff outer checksums) and from a capture diff the
// real diff engine measured over seed 003's packets (a size limit and a blackhole), through
// `podpath report` reading the JSON `pcap analyze --json` / `pcap diff --json` write.
import { describe, expect, it } from 'vitest';
import { buildHtmlReportInput } from '../../app/report.js';
import { captureDiffFindings, captureFindings } from '../../app/pcap.js';
import { analyzeJsonText } from '../capture-json.js';
import { diffJson } from '../capture-diff-json.js';
import type { CaptureDiffPart, CapturePart } from './model.js';
import { renderHtmlReport } from './render.js';
import { recordedSummary, type RecordedCapture } from '../../../test/fixtures/evidence/captures/load.js';
import { sizeLimitAndBlackhole } from '../../../test/fixtures/evidence/captures/scenarios.js';

function analyzed(names: RecordedCapture[], lang: 'en' | 'zh' = 'en', edit?: (s: ReturnType<typeof recordedSummary>) => void) {
  const files = names.map((n) => {
    const summary = recordedSummary(n);
    edit?.(summary);
    return { summary, findings: captureFindings(summary, lang) };
  });
  const input = buildHtmlReportInput([{ from: 'analyze.json', text: analyzeJsonText(files, 1, 'test') }], { now: new Date(0) });
  return { page: renderHtmlReport(input), part: input.parts[0] as CapturePart, files };
}

describe('pcap analyze -o html / podpath report ANALYZE.json', () => {
  it('draws the SYN back-off of seed 004 on a time axis, each retry where the capture saw it', () => {
    const { page, part, files } = analyzed(['syn-backoff-63s-server']);
    const hs = files[0]!.summary.handshakes.notable[0]!;
    expect(hs.syns.length).toBeGreaterThan(3);
    // The findings judged again in both languages, the same as the document's.
    expect(part.files[0]!.findings.map((f) => f.ruleId)).toEqual(files[0]!.findings.map((f) => f.ruleId));
    expect(part.files[0]!.translation?.map((f) => f.ruleId)).toEqual(files[0]!.findings.map((f) => f.ruleId));
    const chart = /<svg[^>]*id="c0-hs"[\s\S]*?<\/svg>/.exec(page)![0];
    const syns = [...chart.matchAll(/class="ev ev-(send|retry)"[^>]*data-t="([\d.]+)"/g)].map((m) => Number(m[2]));
    expect(syns).toEqual(hs.syns.map((t) => Math.round(t * 100) / 100));
    // The gaps written above the SYNs double: the kernel's back-off.
    const gaps = [...chart.matchAll(/<text class="gap"[^>]*>\+([\d.,]+) s<\/text>/g)].map((m) => Number(m[1]!.replace(',', '')));
    expect(gaps.length).toBeGreaterThanOrEqual(hs.syns.length - 1);
    expect(gaps[2]! / gaps[1]!).toBeCloseTo(2, 0);
    expect(page).toMatch(new RegExp(`<p class="hs-line" data-total="${files[0]!.summary.handshakes.total}" data-completed="${files[0]!.summary.handshakes.completed}"`));
  });

  it('shows the checksums per layer and sender with the wrong ones marked, and the packets per size', () => {
    // The lab's 0xffff outer sums (recorded); its summary predates the per-sender tallies, so one
    // sender's tally (seed 000: one sender bad, the other fine) is added here in code.
    const { page, files } = analyzed(['vxlan-nat-checksum-receiver'], 'en', (x) => {
      x.checksums.senders = [{ layer: 'outer-udp', healthy: 3, tallies: [{ src: '192.168.78.14', ok: 0, bad: 2 }, { src: '192.168.77.11', ok: 9, bad: 0 }] }];
    });
    const s = files[0]!.summary;
    for (const l of s.checksums.layers.filter((x) => x.bad > 0)) expect(page).toContain(`<tr class="differs"><th scope="row" class="mono">${l.layer}</th><td class="num">${l.ok}</td><td class="num">${l.bad}</td>`);
    expect(page).toContain('<tr class="differs" data-bad="2"><th scope="row" class="mono">192.168.78.14</th><td class="num">0</td><td class="num">2</td></tr><tr><th scope="row" class="mono">192.168.77.11</th>');
    expect(page).toContain(`<p class="ffff" data-count="${s.checksums.tunnelFfff.count}">`);
    // Seed 004's capture: every bad-looking group in the table (offload artefacts, each with an example).
    const seed = analyzed(['syn-backoff-63s-server']);
    expect(seed.page.match(/<table class="bad-groups">[\s\S]*?<\/table>/)![0].match(/<tr><td/g)).toHaveLength(seed.files[0]!.summary.checksums.badGroups.length);
    // The bars add up to the flows' packets.
    const bars = [...page.matchAll(/<rect class="bar"[^>]*data-count="(\d+)"/g)].reduce((n, m) => n + Number(m[1]), 0);
    expect(bars).toBe(s.sizes.flows.reduce((n, f) => n + f.packets, 0));
    expect(page).toContain('data-verdict="findings"');
  });

  it('escapes a hostile file name and flow', () => {
    const { page } = analyzed(['syn-backoff-63s-server'], 'en', (s) => {
      s.file = '<script>alert(1)</script>\u202e.pcap';
      s.sizes.flows[0]!.flow = '"><img src=x onerror=alert(1)>';
    });
    expect(page).not.toContain('<script>alert');
    expect(page).not.toContain('<img src=x');
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;\\u202e.pcap');
  });
});

describe('pcap diff -o html / podpath report DIFF.json', () => {
  it('puts each run of lost packets on a time axis and the directions in a table (seed 003 measured by the diff engine)', () => {
    const d = sizeLimitAndBlackhole();
    const findings = captureDiffFindings(d, 'zh');
    const input = buildHtmlReportInput([{ from: 'diff.json', text: JSON.stringify(diffJson(d, findings, 1, 'test')) }], { now: new Date(0) });
    const part = input.parts[0] as CaptureDiffPart;
    // Judged again: the same findings, English lead, Chinese the other language (the document was Chinese).
    expect(part.findings.map((f) => f.ruleId)).toEqual(findings.map((f) => f.ruleId));
    expect(part.translation?.map((f) => f.message)).toEqual(findings.map((f) => f.message));
    const page = renderHtmlReport(input);
    expect(page).toMatch(new RegExp(`<tr class="differs" data-lost="${d.forward.lost}">`));
    const runs = [...d.forward.runs, ...d.reverse.runs];
    expect(runs.length).toBeGreaterThan(0);
    const chart = /<svg[^>]*id="diff-loss"[\s\S]*?<\/svg>/.exec(page)![0];
    const lost = [...chart.matchAll(/class="ev ev-loss"[^>]*data-t="([\d.]+)"/g)].map((m) => Number(m[1]));
    expect(lost).toEqual(runs.map((r) => Math.round((r.start - d.overlap.start) * 100) / 100).sort((a, b) => a - b));
    expect(page).toMatch(/<span class="i" lang="zh">[^<]*1400/);
  });
});
