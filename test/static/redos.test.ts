// Every regular expression written in src/ is checked for super-linear backtracking (ReDoS) by
// recheck (issue 9, item 5): podpath runs them over bundles from customers, where a line of 160k
// blanks made one nft regex take 13.9 s. A regex recheck calls vulnerable fails here when V8 also
// needs more than a second for recheck's attack string (about 55k characters; a linear regex takes
// a few milliseconds): recheck's fuzzing can report an attack V8 does not fall for.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { check, type Diagnostics } from 'recheck';
import { describe, expect, it } from 'vitest';
import { regexLiterals, type RegexLiteral } from './regex-literals.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const V8_LIMIT_MS = 1000;

/** Runs the attack in V8 (exec, and a global replace as the parsers do); milliseconds taken. */
function v8Time(r: RegexLiteral, attack: string): number {
  const re = new RegExp(r.source, r.flags);
  const t = performance.now();
  re.lastIndex = 0;
  re.exec(attack);
  attack.replace(new RegExp(r.source, r.flags.includes('g') ? r.flags : `${r.flags}g`), '');
  return performance.now() - t;
}

async function pool<T, R>(items: T[], n: number, fn: (x: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: n }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  }));
  return out;
}

describe('regular expressions in src/ (ReDoS)', () => {
  const all = regexLiterals(ROOT, ['src']);

  it('finds the regexes (the check is not vacuous)', () => {
    expect(all.length).toBeGreaterThan(300);
    expect(all.some((r) => r.file === path.join('src', 'sources', 'packet-filter', 'parse.ts'))).toBe(true);
  });

  it('none backtracks super-linearly', async () => {
    // The same pattern written in several places is checked once (about one in six is a repeat).
    const unique = [...new Map(all.map((r) => [`${r.flags}/${r.source}`, r])).values()];
    const results = await pool(unique, 2, (r) => check(r.source, r.flags, { timeout: 60_000 }));
    const problems: string[] = [];
    results.forEach((res: Diagnostics, i) => {
      const r = unique[i]!;
      const where = `${r.file}:${r.line} /${r.source}/${r.flags}`;
      if (res.status === 'unknown') problems.push(`${where}: recheck could not decide (${res.error.kind})`);
      if (res.status === 'vulnerable') {
        const ms = v8Time(r, res.attack.string);
        if (ms > V8_LIMIT_MS) problems.push(`${where}: ${res.complexity.type} backtracking, V8 took ${Math.round(ms)} ms on ${res.attack.pattern}`);
      }
    });
    expect(problems).toEqual([]);
  }, 600_000);
});
