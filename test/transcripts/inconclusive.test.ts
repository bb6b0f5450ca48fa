// Issue 11: where too little could be judged, doctor says so (exit 3) in every format and the
// fleet never counts that node healthy. calico#3271's paste is one `calicoctl get ippool`.
import { describe, expect, it } from 'vitest';
import { runDoctorTranscript } from '../../src/app/doctor-transcript.js';
import { runFleet } from '../../src/app/fleet.js';
import { renderFleet } from '../../src/report/fleet.js';
import { renderJson } from '../../src/report/json.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { EXIT_INCONCLUSIVE } from '../../src/report/model.js';
import { renderText } from '../../src/report/text.js';

const THIN = 'test/fixtures/transcripts/calico-3271-vxlan-down-ippool-only/transcript.txt';
const FAULT = 'test/fixtures/transcripts/k8s-71261-conntrack-table-full/transcript.txt';
const judge = (from: string) => runDoctorTranscript({ from, lang: 'en' });

describe('inconclusive', () => {
  it('says "Inconclusive: N of M rules could be judged" with the commands that would judge the rest, exit 3', async () => {
    const { report, exitCode } = await judge(THIN);
    expect(exitCode).toBe(EXIT_INCONCLUSIVE);
    const text = renderText(report, { color: false });
    expect(text).toMatch(/Inconclusive: \d+ of \d+ rules could be judged/);
    expect(text).not.toMatch(/No problems found/);
    expect(text).toMatch(/ethtool -k|ip -d link|iptables-save/);
    expect(renderMarkdown(report)).toMatch(/Inconclusive: \d+ of \d+ rules could be judged/);
    const json = JSON.parse(renderJson(report)) as { verdict: { status: string; judged: number; total: number; wanted: { commands: string[] }[] } };
    expect(json.verdict.status).toBe('inconclusive');
    expect(json.verdict.judged).toBeLessThan(json.verdict.total);
    expect(json.verdict.wanted.flatMap((w) => w.commands).length).toBeGreaterThan(0);
  });

  it('the fleet summary never counts an inconclusive node healthy', async () => {
    const { entries, exitCode } = await runFleet({ sources: [THIN], lang: 'en', judge });
    expect(exitCode).toBe(EXIT_INCONCLUSIVE);
    const text = renderFleet(entries, 'text', { lang: 'en', color: false });
    expect(text).toMatch(/1 inconclusive/);
    expect(text).not.toMatch(/1 healthy/);
    expect(renderFleet(entries, 'markdown', { lang: 'en' })).toMatch(/inconclusive/);
    const both = await runFleet({ sources: [THIN, FAULT], lang: 'en', judge });
    expect(both.exitCode).toBe(1);
  });
});
