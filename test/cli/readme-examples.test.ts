// The README's examples went stale ("Skipped (24)" where doctor gives 28, "lists the 25 rules" where
// there are 79). This test runs every README example whose command reads committed fixtures and
// compares the lines the README shows with today's output, and checks the README's numbers and rule
// names against the rule registry. Examples from a live lab (doctor --peer, probe, lab) cannot run
// here and are not checked.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { allRules } from '../../src/rules/index.js';
import { NODE_FACTS_SCHEMA_VERSION } from '../../src/evidence/node-facts.js';
import { PCAP_JSON_SCHEMA_VERSION } from '../../src/report/capture-json.js';
import { podpathArgs } from '../helpers/podpath.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const README = readFileSync(path.join(ROOT, 'README.md'), 'utf8');

interface Example {
  /** The arguments after `$ podpath`. */
  args: string[];
  /** The output lines the README shows; `...` alone stands for any lines, `...` in a line for any text. */
  shown: string[];
}

/** Fenced blocks that start with `$ podpath ...` and hold nothing but that command's output. */
function examples(readme: string): Example[] {
  const out: Example[] = [];
  for (const m of readme.matchAll(/^```\n(\$ podpath [^\n]*)\n([\s\S]*?)^```$/gm)) {
    const body = m[2]!.replace(/\n$/, '').split('\n');
    // A block with a second command (an `echo $?`, another run) is a session, not one command's output.
    if (body.some((l) => l.startsWith('$ '))) continue;
    out.push({ args: m[1]!.slice('$ podpath '.length).replace(/\s+#.*$/, '').trim().split(/\s+/), shown: body });
  }
  return out;
}

/** Runnable here: every argument that looks like a path names a committed file. */
const runnable = (e: Example) => e.args.some((a) => a.startsWith('test/fixtures/')) && e.args.every((a) => !a.includes('/') || existsSync(path.join(ROOT, a)));

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Where the shown lines stop matching the output, or undefined when they all match in order: a
 * shown line must be the next output line (after what a `...` line skipped); `...` inside a line
 * matches any text there.
 */
function mismatch(shown: readonly string[], output: readonly string[]): string | undefined {
  const at = (si: number, oi: number): boolean => {
    if (si === shown.length) return oi === output.length;
    const line = shown[si]!;
    if (line.trim() === '...') {
      for (let k = oi; k <= output.length; k++) if (at(si + 1, k)) return true;
      return false;
    }
    if (oi >= output.length) return false;
    const re = new RegExp(`^${line.split('...').map(escape).join('.*')}$`);
    return re.test(output[oi]!) && at(si + 1, oi + 1);
  };
  if (at(0, 0)) return undefined;
  // Name the first shown line with no match anywhere after the previous one (the stale one, usually).
  let oi = 0;
  for (const line of shown) {
    if (line.trim() === '...') continue;
    const re = new RegExp(`^${line.split('...').map(escape).join('.*')}$`);
    const k = output.findIndex((o, i) => i >= oi && re.test(o));
    if (k < 0) return `README shows "${line}", the output has no such line after line ${oi}`;
    oi = k + 1;
  }
  return 'README lines match, but not in the order or to the end the output has them';
}

function podpath(args: string[]): Promise<string> {
  return new Promise((resolve) => {
    execFile(process.execPath, [...podpathArgs(), ...args], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1', LC_ALL: 'C', LANG: 'C' }, maxBuffer: 64 << 20 }, (_err, stdout) => resolve(stdout));
  });
}

describe('README examples match what podpath prints today', () => {
  const runs = examples(README).filter(runnable);

  it('finds the examples that run on committed fixtures (doctor on seed 000, pcap analyze)', () => {
    expect(runs.map((e) => e.args[0])).toEqual(expect.arrayContaining(['doctor', 'pcap']));
  });

  it.each(runs.map((e) => [e.args.join(' '), e] as const))('podpath %s', async (_name, e) => {
    const output = (await podpath(e.args)).replace(/\n$/, '').split('\n');
    expect(mismatch(e.shown, output)).toBeUndefined();
  }, 60_000);

  it('the matcher catches a stale count (so a pass above means something)', () => {
    const output = ['Skipped (28):', '  - a: b', 'passed: 0/29 rules; 1 finding'];
    expect(mismatch(['Skipped (28):', '...'], output)).toBeUndefined();
    expect(mismatch(['Skipped (24):', '...'], output)).toMatch(/Skipped \(24\)/);
    expect(mismatch(['Skipped (28):', '  - a: ...', 'passed: 0/29 rules; 1 findings'], output)).toMatch(/1 findings/);
  });
});

describe("README's numbers and rule names", () => {
  it('`podpath rules` lists as many rules as the registry holds, and as the README says', async () => {
    const said = /`podpath rules` lists the (\d+) rules/.exec(README);
    expect(said, 'the README says how many rules `podpath rules` lists').not.toBeNull();
    const listed = JSON.parse(await podpath(['rules', '--json'])) as unknown[] | { rules: unknown[] };
    const n = Array.isArray(listed) ? listed.length : listed.rules.length;
    expect(n).toBe(allRules.length);
    expect(Number(said![1])).toBe(allRules.length);
  });

  it('every rule the field-report table names exists', () => {
    const ids = new Set(allRules.map((r) => r.meta.id));
    const table = README.split('\n').filter((l) => /^\| 00\d:/.test(l));
    expect(table.length).toBe(5);
    const named = table.flatMap((l) => [...l.matchAll(/`([a-z0-9]+(?:-[a-z0-9]+)+)`/g)].map((m) => m[1]!));
    expect(named.length).toBeGreaterThan(10);
    for (const id of named) expect(ids.has(id), id).toBe(true);
  });

  it('the schema versions the README states are the ones written', () => {
    expect(/Facts JSON \([^)]*\) is schemaVersion (\d+)/.exec(README)?.[1]).toBe(String(NODE_FACTS_SCHEMA_VERSION));
    expect(/`--json` is schemaVersion (\d+), findings in/.exec(README)?.[1]).toBe(String(PCAP_JSON_SCHEMA_VERSION));
  });
});
