// Capture findings print a next step such as `podpath pcap diff {file} receiver.pcap`. From a
// transcript `{file}` was the citation `transcript.txt:1`, which is no path, so the printed line
// failed when pasted. The test takes the printed lines from doctor's real output and runs them in
// sh, with `podpath` on PATH (the bundle under test) and the captures they name made beforehand.
import { execFile, execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { podpathArgs } from '../helpers/podpath.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
// tcpdump -vv text of VXLAN with bad UDP checksums (rke2#1541): a checksum-wire finding (its step: capture
// on the sender with `tcpdump -w sender.pcap`, then diff that with this capture).
const TRANSCRIPT = join(root, 'test/fixtures/transcripts/rke2-1541-calico-clusterip-bad-cksum/transcript.txt');
// tcpdump -vv text of a SYN retried for 63 s (calico#3145): a handshake-no-answer finding.
const TRANSCRIPT_SYN = join(root, 'test/fixtures/transcripts/calico-3145-vxlan-63s-bad-cksum-ffff/transcript.txt');
const PCAP = join(root, 'test/fixtures/pcap/vxlan.pcap');

let dir: string;
let bin: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pp-next-step-'));
  bin = join(dir, 'bin');
  execFileSync('mkdir', [bin]);
  const shim = join(bin, 'podpath');
  writeFileSync(shim, `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${podpathArgs().map((a) => JSON.stringify(a)).join(' ')} "$@"\n`);
  chmodSync(shim, 0o755);
  // The captures the steps name, as the user would have taken them (`tcpdump -w`).
  for (const name of ['receiver.pcap', 'server.pcap', 'sender.pcap', 'mine.pcap']) copyFileSync(PCAP, join(dir, name));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The `$ podpath pcap ...` lines of doctor's text report on a transcript. */
function printedSteps(transcript: string): Promise<string[]> {
  return new Promise((resolve) => {
    execFile(process.execPath, [...podpathArgs(), 'doctor', '--from', transcript, '--lang', 'en'], { cwd: root, env: { ...process.env, NO_COLOR: '1' } }, (_err, stdout) => {
      resolve(stdout.split('\n').map((l) => l.trim()).filter((l) => l.startsWith('$ podpath pcap ')).map((l) => l.slice(2)));
    });
  });
}

function runLine(line: string, env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('/bin/sh', ['-c', line], { cwd: dir, env: { ...process.env, ...env, PATH: `${bin}:${process.env.PATH ?? ''}`, NO_COLOR: '1' } }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 99) : 0, stdout, stderr });
    });
  });
}

describe('the next step a capture finding prints from a transcript runs as printed', () => {
  it.each([
    ['checksum-wire', TRANSCRIPT, 'podpath pcap diff '],
    ['handshake-no-answer', TRANSCRIPT_SYN, 'podpath pcap diff '],
  ])('%s: the pcap diff line names no transcript line, and runs once the capture is given', async (_rule, transcript, prefix) => {
    const steps = (await printedSteps(transcript)).filter((l) => l.startsWith(prefix));
    expect(steps.length).toBeGreaterThan(0);
    for (const line of steps) {
      expect(line).not.toMatch(/transcript\.txt:\d+/);
      // Pasted as printed, without the capture: sh stops on the unset name and runs nothing.
      const bare = await runLine(line);
      expect(bare.code, line).not.toBe(0);
      expect(bare.stderr).toMatch(/CAPTURE/);
      expect(bare.stdout).toBe('');
      // With the capture the step asks for, podpath runs the diff: a result, no error.
      const r = await runLine(line, { CAPTURE: 'mine.pcap' });
      expect(r.stderr, line).not.toMatch(/E_[A-Z_]+/);
      expect([0, 1], `${line}\n${r.stderr}`).toContain(r.code);
      expect(r.stdout).toMatch(/^(sender|receiver) +mine\.pcap /m);
      expect(r.stdout).toMatch(/^Delivery$/m);
    }
  }, 60_000);
});
