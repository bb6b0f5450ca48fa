// Issue 9 item 22: `podpath explain` printed raw Markdown (###, **, ```sh) to a terminal. Now text:
// plain when piped, with bold headings and wrapped paragraphs on a terminal; --markdown gives the
// Markdown page. Evidence keys are named in words (no `nics`).
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { renderExplainText } from '../../src/report/rule-docs.js';
import { ruleById } from '../../src/rules/index.js';
import { podpathArgs } from '../helpers/podpath.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

function podpath(args: string[]): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [...podpathArgs(), ...args], { cwd: root, env: { ...process.env, NO_COLOR: '' } }, (err, stdout) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 2) : 0, stdout });
    });
  });
}

describe('podpath explain', { timeout: 60_000 }, () => {
  it('piped: plain text, no Markdown markup, no escape sequence, evidence in words', async () => {
    const r = await podpath(['explain', 'lro-on-forwarding-host']);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(/^#|\*\*|```/m);
    // eslint-disable-next-line no-control-regex
    expect(r.stdout).not.toMatch(/\u001b/);
    expect(r.stdout).toMatch(/^needs: NIC offload features$/m);
    expect(r.stdout).toMatch(/^ {4}\$ ethtool -K \{nic\} lro off$/m);
  });

  it('--markdown: the Markdown page', async () => {
    const r = await podpath(['explain', 'lro-on-forwarding-host', '--markdown']);
    expect(r.stdout).toMatch(/^# lro-on-forwarding-host/);
    expect(r.stdout).toMatch(/^```sh$/m);
  });

  it('on a terminal: bold headings and paragraphs wrapped to its width', () => {
    const text = renderExplainText(ruleById('lro-on-forwarding-host')!, 'en', { color: true, width: 60 });
    expect(text).toContain('\u001b[1mExplanation');
    // eslint-disable-next-line no-control-regex
    const plain = text.replace(/\u001b\[[0-9;]*m/g, '');
    const prose = plain.split('\n').filter((l) => l.startsWith('  ') && !l.trimStart().startsWith('$'));
    expect(prose.length).toBeGreaterThan(5);
    expect(plain.split('\n').filter((l) => l.startsWith('  ') && !l.includes('$')).some((l) => l.length > 60)).toBe(false);
  });
});
