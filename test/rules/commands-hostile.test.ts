// Issue 9 item 2: fix and undo commands are built from bundle data and pasted into root shells.
// Every template of every rule is filled with hostile values (as an interface name, an address, a
// version: whatever the placeholder is) and with ordinary ones, then each printed line is checked
// by `sh -n` and `bash -n` and run under both with every tool replaced by a stub that records its
// argv. The payloads must never run, and a value must reach the tool as exactly one argument, each
// tool called with the argv meant (the one an ordinary value gives, the value in its place).
// The same harness is first run on the old unquoted filler and must catch it: it cannot pass blind.
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatMessage } from '../../src/engine/i18n.js';
import { refusalNote } from '../../src/engine/shell-fill.js';
import { oneLine } from '../../src/util/terminal-safe.js';
import { COMPOSITE, allTemplates, contextsOf, dataFor, fill, makeSandbox, type Call, type Sandbox } from './command-harness.js';

const SHELLS = ['/bin/sh', '/bin/bash'];
/** An ordinary value no template holds itself: where it lands in an argv is where a value belongs. */
const MARK = 'ppmark0';
let box: Sandbox;
let pwned: string;

beforeAll(() => {
  box = makeSandbox();
  pwned = join(box.dir, 'PWNED');
});
afterAll(() => box.cleanup());

function hostileValues(p: string): { label: string; value: string }[] {
  return [
    { label: 'semicolon and comment', value: `eth0;touch ${p};#` },
    { label: 'redirection by a builtin', value: `eth0;:>${p};#` },
    { label: 'command substitution', value: `$(touch ${p})` },
    { label: 'backquotes', value: `\`touch ${p}\`` },
    { label: 'single quote', value: `eth0';touch ${p};'` },
    { label: 'double quote', value: `eth0";touch ${p};"` },
    { label: 'newline', value: `eth0\ntouch ${p}` },
    { label: 'ESC[8m hiding the rest', value: `eth0\u001b[8m;touch ${p};#` },
    { label: 'carriage return', value: `eth0\rtouch ${p}` },
    { label: 'bidi override', value: `eth0\u202e;touch ${p};#` },
    { label: 'spaces', value: 'eth0 lro on' },
    { label: 'pipe', value: `eth0|touch ${p}` },
    { label: 'and-list', value: `eth0&&touch ${p}` },
    { label: 'background', value: `eth0&touch ${p}&` },
    { label: 'glob', value: 'eth*' },
    { label: 'tilde', value: '~root' },
    { label: 'variable', value: '${HOME}$PATH' },
    { label: 'option', value: '--reset' },
    { label: 'dot-dot path', value: '../../../etc/cron.d/x' },
    { label: 'backslash', value: 'eth0\\;x' },
  ];
}

/** Whether a refusal is the only safe answer: a value sh can carry as one word must be carried, not refused. */
function mustBeCarried(contexts: string[], v: string): boolean {
  const plainForSh = oneLine(v) === v && v !== '' && !v.startsWith('-');
  return plainForSh && contexts.every((c) => c === 'word' || c === 'comment');
}

function checkPrinted(line: string): void {
  expect(line, 'one line').not.toMatch(/[\n\r]/);
  expect(oneLine(line), 'no control characters in a printed command').toBe(line);
}

describe('the harness catches the old filler', () => {
  it('an unquoted fill of `ethtool -K {nic} lro off` runs the payload (so a pass below means something)', async () => {
    const template = 'ethtool -K {nic} lro off';
    for (const value of [`eth0;touch ${pwned};#`, `$(touch ${pwned})`]) {
      rmSync(pwned, { force: true });
      await box.run(formatMessage(template, { nic: value }));
      expect(existsSync(pwned), value).toBe(true);
    }
    rmSync(pwned, { force: true });
  });

  it('an unquoted fill splits a value with spaces: the argv is not the one meant (so the argv check below means something)', async () => {
    const template = 'ethtool -K {nic} lro off';
    const value = 'eth0 lro on';
    const meant = (await box.run(formatMessage(template, { nic: MARK }))).calls.map((c) => ({ tool: c.tool, argv: c.argv.map((a) => (a === MARK ? value : a)) }));
    expect(meant).toEqual([{ tool: 'ethtool', argv: ['-K', value, 'lro', 'off'] }]);
    expect((await box.run(formatMessage(template, { nic: value }))).calls).not.toEqual(meant);
  });
});

describe('printed fix and undo commands under hostile values', () => {
  const templates = allTemplates();

  it('covers every rule and knows every composite placeholder', () => {
    expect(new Set(templates.map((t) => t.ruleId)).size).toBeGreaterThanOrEqual(20);
    const used = new Set(templates.flatMap((t) => [...t.template.matchAll(/\{([A-Za-z_]\w*)\}/g)].map((m) => m[1])));
    for (const name of Object.keys(COMPOSITE)) expect(used.has(name), name).toBe(true);
  });

  for (const t of templates) {
    it(`${t.ruleId} ${t.where}: ${t.template.slice(0, 60)}`, async () => {
      const template = box.rebase(t.template);
      // Ordinary values: printed, parsed, run, and the value reaches the tools.
      const normal = fill(template, 'flannel.1');
      expect(normal.ok, JSON.stringify(normal)).toBe(true);
      if (!normal.ok) return;
      checkPrinted(normal.text);
      expect(normal.text).not.toMatch(/\{[A-Za-z_]\w*\}/);
      for (const sh of SHELLS) {
        expect((await box.run(normal.text.replace(/^/, 'set -n\n'), sh)).status, `${sh} -n: ${normal.text}`).toBe(0);
        const r = await box.run(normal.text, sh);
        expect(r.stderr, `${sh}: ${normal.text}`).not.toMatch(/not found|syntax error|unexpected/i);
        const data = dataFor(template, 'flannel.1');
        if (contextsOf(template, data).includes('word') && !t.template.trimStart().startsWith('#')) {
          expect(r.calls.flatMap((c) => c.argv), `${sh}: ${normal.text}`).toContain('flannel.1');
        }
      }
      // What each tool is meant to get: its argv with a plain marker as the value; under a hostile
      // value the same calls, the marker replaced by the value whole (nothing split off, added or lost).
      const meant = new Map<string, Call[]>();
      const marked = fill(template, MARK);
      if (marked.ok) for (const sh of SHELLS) meant.set(sh, (await box.run(marked.text, sh)).calls);
      for (const { label, value } of hostileValues(pwned)) {
        const data = dataFor(template, value);
        const filled = fill(template, value);
        const where = `${label}: ${filled.ok ? filled.text : 'refused'}`;
        if (!filled.ok) {
          expect(mustBeCarried(contextsOf(template, data), value), `refused although sh can carry it: ${where}`).toBe(false);
          for (const lang of ['en', 'zh'] as const) {
            const note = refusalNote(filled.refusal, lang);
            checkPrinted(note);
            expect(note.startsWith('# ')).toBe(true);
          }
          continue;
        }
        checkPrinted(filled.text);
        for (const sh of SHELLS) {
          expect((await box.run(`set -n\n${filled.text}`, sh)).status, `${sh} -n ${where}`).toBe(0);
          rmSync(pwned, { force: true });
          const before = readdirSync(box.cwd).sort();
          const r = await box.run(filled.text, sh);
          expect(existsSync(pwned), `${sh} ran the payload: ${where}`).toBe(false);
          expect(readdirSync(box.cwd).sort(), `${sh} created a file: ${where}`).toEqual(before);
          expect(r.stderr, `${sh}: ${where}`).not.toMatch(/not found|syntax error|unexpected/i);
          if (contextsOf(template, data).includes('word') && !t.template.trimStart().startsWith('#')) {
            // Exactly one argument: the value whole, never split, globbed or expanded.
            expect(r.calls.flatMap((c) => c.argv), `${sh}: ${where}`).toContain(value);
          }
          const expected = meant.get(sh)?.map((c) => ({ tool: c.tool, argv: c.argv.map((a) => (a === MARK ? value : a)) }));
          if (expected) expect(r.calls, `${sh}: the argv meant: ${where}`).toEqual(expected);
        }
      }
    });
  }
});
