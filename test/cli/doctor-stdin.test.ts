// `podpath doctor --from -`: a paste on standard input, through the built bundle as a user runs it
// (`pbpaste | podpath doctor --from -`). The paste is kubernetes#71261's, as in test/fixtures/transcripts.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { podpathArgs } from '../helpers/podpath.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const PASTE = readFileSync(`${root}test/fixtures/transcripts/k8s-71261-conntrack-table-full/transcript.txt`, 'utf8');

function podpath(args: string[], input: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [...podpathArgs(), ...args], { cwd: root, env: { ...process.env, NO_COLOR: '1', LANG: 'C', LC_ALL: '' } });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('error', reject);
    p.on('close', (code) => resolve({ code: code ?? 2, stdout, stderr }));
    p.stdin.end(input);
  });
}

describe('podpath doctor --from - (a paste on standard input, child process)', { timeout: 60_000 }, () => {
  it('judges the paste: the fault named, evidence cited as stdin:LINE, exit 1', async () => {
    const r = await podpath(['doctor', '--from', '-'], PASTE);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/conntrack-near-full/);
    expect(r.stdout).toMatch(/stdin:\d+/);
  });

  it('-o json: the same finding, its evidence citing stdin lines that hold its text', async () => {
    const r = await podpath(['doctor', '--from', '-', '-o', 'json'], PASTE);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as { findings: { ruleId: string; evidence: { source: string; text: string }[] }[] };
    const f = report.findings.find((x) => x.ruleId === 'conntrack-near-full')!;
    const lines = PASTE.split('\n');
    for (const e of f.evidence) {
      const no = Number(/^stdin:(\d+)$/.exec(e.source)?.[1]);
      expect(lines[no - 1], e.source).toContain(e.text.slice(0, 40));
    }
  });

  it('an empty paste: inconclusive (exit 3), not "No problems found"', async () => {
    const r = await podpath(['doctor', '--from', '-'], '');
    expect(r.code).toBe(3);
    expect(r.stdout).not.toMatch(/No problems found/);
    expect(r.stdout).toMatch(/Inconclusive/);
  });

  it('--from - among other sources: a one-line usage error, exit 2', async () => {
    const r = await podpath(['doctor', '--from', '-', '--from', 'x.txt'], PASTE);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(/^podpath: E_USAGE: --from - \(standard input\) judges one transcript/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});
