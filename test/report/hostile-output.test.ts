// Issue 9 item 6 (and the evidence clipping of item 8): a bundle built here whose hostname,
// interface names, file names, directory name and log lines carry ESC sequences, CR, LF, U+2028
// and bidi overrides, and a 1 MiB uname line. The text, Markdown, diff and fleet outputs of the real
// CLI must hold no control character and no forged line (every hostile newline is followed by
// FORGED: no output line may start with it), yet show the hostile text (escaped), so the test
// cannot pass by losing it; Markdown must not let a name open markup; JSON keeps the raw values.
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIMITS } from '../../src/util/limits.js';
import { podpathArgs } from '../helpers/podpath.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const fixture = join(root, 'test/fixtures/bundles/sos-4.0-netns');

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
/** An interface name as Linux allows it (no '/', ':' or whitespace, < 16 bytes), but a terminal obeys it. */
const IFACE = 'e\u001b[8mx\u202e';
const HOST = 'vm\u001b]0;pwn\u0007\u001b[8m<script>x</script>[a](http://e)|`|\rFORGED\u2028FORGED';
const LOG_LINE = '[    5.000000] IPv4: martian source 10.244.1.2 from 10.244.0.3, on dev flannel.1\u001b[2K\rFORGED\u001b[31m \u202eFORGED';
const DIR = 'node\nFORGED \u001b[8m\u2028FORGED';

let tmp: string;
let bundle: string;

function podpath(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [...podpathArgs(), ...args], { cwd: root, env: { ...process.env, NO_COLOR: '1', LANG: 'C', LC_ALL: '' }, maxBuffer: 256 * 1024 * 1024 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 2) : 0, stdout, stderr });
    });
  });
}

function rewriteTree(dir: string, edit: (text: string, file: string) => string): void {
  for (const name of readdirSync(dir)) {
    let p = join(dir, name);
    if (name.includes('eth0')) {
      // File names carry the interface name too (sos names ethtool output after it).
      const renamed = join(dir, name.replaceAll('eth0', IFACE));
      renameSync(p, renamed);
      p = renamed;
    }
    if (statSync(p).isDirectory()) rewriteTree(p, edit);
    else writeFileSync(p, edit(readFileSync(p, 'utf8'), p));
  }
}

function checkSafe(output: string, what: string): void {
  const bad = CONTROL.exec(output);
  expect(bad, `${what}: control character U+${bad?.[0].codePointAt(0)?.toString(16)} at ${bad?.index}`).toBeNull();
  for (const line of output.split('\n')) expect(line, `${what}: forged line`).not.toMatch(/^[\s|>#*`-]*FORGED/);
  // The hostile text reached the output, escaped: the test is not passing because it vanished.
  expect(output, `${what} shows the hostile text`).toMatch(/\\x1b\[8m|\\u2028|\\u202e/);
}

/** Markdown without its code spans and fences: what a renderer would interpret as markup. */
function markupOf(md: string): string {
  let inFence = '';
  const lines: string[] = [];
  for (const line of md.split('\n')) {
    const f = /^`{3,}/.exec(line)?.[0];
    if (f && (inFence === '' || (line.trim() === inFence && f.length >= inFence.length))) {
      inFence = inFence === '' ? f : '';
      continue;
    }
    if (inFence === '') lines.push(line.replace(/(`+)[\s\S]*?\1/g, ''));
  }
  return lines.join('\n');
}

function checkMarkdown(md: string, what: string): void {
  const markup = markupOf(md);
  expect(markup, `${what}: raw HTML from a name`).not.toMatch(/<script>/);
  expect(markup, `${what}: a link from a name`).not.toMatch(/(^|[^\\])\]\(http/);
  expect(markup, `${what}: a code span from a name`).not.toMatch(/(^|[^\\])`\|/);
}

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'pph9out-hostile-'));
  bundle = join(tmp, DIR);
  cpSync(fixture, bundle, { recursive: true });
  rewriteTree(bundle, (text, file) => {
    let t = text.replaceAll('eth0', IFACE);
    if (file.endsWith('uname_-a')) t = `Linux ${HOST.replace(/\s/g, '_')} 6.18.44-${'x'.repeat(1 << 20)} #1 SMP x86_64 GNU/Linux\n`;
    if (file.endsWith('etc/hostname')) t = `${HOST}\n`;
    // all = 1 makes every overlay interface strict: rp-filter-strict names them (the hostile one too).
    if (file.endsWith('sysctl_-a')) t = t.replace('net.ipv4.conf.all.rp_filter = 0', 'net.ipv4.conf.all.rp_filter = 1');
    if (file.endsWith('kernel/dmesg')) t += `${LOG_LINE}\n`;
    return t;
  });
});

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('reports of a bundle full of control characters', { timeout: 120_000 }, () => {
  it('text: no control character, no forged line, long evidence clipped', async () => {
    const r = await podpath(['doctor', '--from', bundle]);
    expect(r.code, r.stderr).toBeLessThan(2);
    checkSafe(r.stdout, 'text');
    expect(r.stdout).toContain('rp-filter-strict');
    expect(r.stdout).toMatch(/more characters\)/);
    expect(Math.max(...r.stdout.split('\n').map((l) => l.length))).toBeLessThan(LIMITS.evidenceLine.value * 8);
  });

  it('Markdown: no control character, no forged line, no markup from a name', async () => {
    const r = await podpath(['doctor', '--from', bundle, '-o', 'markdown']);
    checkSafe(r.stdout, 'markdown');
    checkMarkdown(r.stdout, 'markdown');
  });

  it('JSON keeps the raw values (JSON escapes them), evidence clipped', async () => {
    const r = await podpath(['doctor', '--from', bundle, '-o', 'json']);
    expect(CONTROL.test(r.stdout)).toBe(false);
    const doc = JSON.parse(r.stdout) as { node: { origin: { path: string } }; findings: { message: string; evidence: { text: string }[] }[] };
    expect(doc.node.origin.path).toContain(DIR);
    expect(doc.findings.some((f) => f.message.includes(IFACE))).toBe(true);
    for (const f of doc.findings) for (const e of f.evidence) expect(e.text.length).toBeLessThan(LIMITS.evidenceLine.value + 40);
  });

  it('diff: no control character, no forged line', async () => {
    const r = await podpath(['diff', fixture, bundle, '--all', '--evidence']);
    expect(r.code, r.stderr).toBeLessThan(2);
    checkSafe(r.stdout, 'diff');
  });

  it('fleet, text and Markdown: no control character, no forged line', async () => {
    const text = await podpath(['doctor', '--from', fixture, '--from', bundle]);
    checkSafe(text.stdout, 'fleet text');
    const md = await podpath(['doctor', '--from', fixture, '--from', bundle, '-o', 'markdown']);
    checkSafe(md.stdout, 'fleet markdown');
    checkMarkdown(md.stdout, 'fleet markdown');
  });

  it('an error naming the bundle is one line', async () => {
    const broken = join(tmp, `broken\n${DIR}.tar.gz`);
    writeFileSync(broken, 'not a tarball');
    const r = await podpath(['doctor', '--from', broken]);
    expect(r.code).toBe(2);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(CONTROL.test(r.stderr)).toBe(false);
  });
});
