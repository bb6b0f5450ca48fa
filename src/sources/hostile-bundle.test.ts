// The whole path from bundle to report on hostile lines (issue 9, item 5): every file of a real
// sosreport fixture gets lines of 200,000 blanks, tabs and repeated words ending in characters
// that make a regex's tail fail; doctor (text, JSON, Markdown) and diff run as children. With the
// quadratic regexes one doctor run took 23 s on this bundle; now about a second. The bound is the
// test timeout, generous but far below what quadratic work needs.
import { execFile } from 'node:child_process';
import { appendFileSync, cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { podpathArgs } from '../../test/helpers/podpath.js';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const FIXTURE = path.join(ROOT, 'test/fixtures/bundles/sos-4.0-netns');

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? files(p) : e.isFile() ? [p] : [];
  });
}

describe('doctor and diff on a bundle of hostile lines', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'podpath-h9-lines-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('finish, with the usual exit codes and no internal error', async () => {
    const bundle = path.join(dir, 'b');
    cpSync(FIXTURE, bundle, { recursive: true });
    const junk = ['', `${' '.repeat(200_000)}x`, `${'\t'.repeat(200_000)}\r`, `${'a '.repeat(100_000)}\u2028`, `${'a='.repeat(100_000)}(`, `${'0.'.repeat(100_000)}\0`, ''].join('\n');
    for (const f of files(bundle)) appendFileSync(f, junk);
    const run = (args: string[]) =>
      promisify(execFile)(process.execPath, [...podpathArgs(), ...args], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 }).then(
        (r) => ({ code: 0, ...r }),
        (e: { code: number; stdout: string; stderr: string }) => e,
      );
    for (const args of [['doctor', '--from', bundle], ['doctor', '--from', bundle, '-o', 'json'], ['doctor', '--from', bundle, '-o', 'markdown'], ['diff', bundle, FIXTURE]]) {
      const r = await run(args);
      expect([0, 1], `${args.join(' ')}: ${r.stderr}`).toContain(r.code);
      expect(r.stderr).not.toMatch(/E_INTERNAL|\n\s+at /);
    }
  }, 40_000);
});
