// Issue 9 item 22: argument errors from the command-line parser (commander) in the form the README
// promises, `podpath: E_USAGE: message; see \`podpath <command> --help\``: one line, exit 2, and an
// argument's control characters shown as escapes. --help itself still exits 0.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { podpathArgs } from '../helpers/podpath.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

function podpath(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [...podpathArgs(), ...args], { cwd: root, env: { ...process.env, NO_COLOR: '1' } }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 2) : 0, stdout, stderr });
    });
  });
}

const CASES: [string[], RegExp][] = [
  [['doctor', '--frm', 'x'], /^podpath: E_USAGE: unknown option '--frm' \(Did you mean --from\?\); see `podpath doctor --help`$/],
  [['doctor', '--lang'], /^podpath: E_USAGE: option '--lang <zh\|en>' argument missing; see `podpath doctor --help`$/],
  [['explain'], /^podpath: E_USAGE: missing required argument 'id'; see `podpath explain --help`$/],
  [['pcap', 'analyze'], /^podpath: E_USAGE: missing required argument 'files'; see `podpath pcap analyze --help`$/],
  [['rules', 'extra'], /^podpath: E_USAGE: too many arguments for 'rules'\. Expected 0 arguments but got 1; see `podpath rules --help`$/],
  [['no-such-command'], /^podpath: E_USAGE: unknown command 'no-such-command'; see `podpath --help`$/],
  [['doctor', '--x\u001b[8m\nforged'], /^podpath: E_USAGE: unknown option '--x\\x1b\[8m\\nforged'; see `podpath doctor --help`$/],
];

describe('usage errors', { timeout: 60_000 }, () => {
  for (const [args, want] of CASES) {
    it(`podpath ${JSON.stringify(args)}`, async () => {
      const r = await podpath(args);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      const lines = r.stderr.trimEnd().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(want);
    });
  }
  it('--help still prints the help and exits 0', async () => {
    const r = await podpath(['doctor', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: podpath doctor/);
  });
});
