// As ESLint's build: every rule is a file of its own with its test file beside it and a doc page generated from its
// current meta (regenerated here in memory and compared); no page is left for a removed rule.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { validateRuleMeta } from '../../src/engine/validate-meta.js';
import { renderRuleDoc, renderRuleIndex } from '../../src/report/rule-docs.js';
import { allRules } from '../../src/rules/index.js';
import { renderRuleIds } from '../../src/report/rule-ids-file.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const stale = 'stale: run `npm run docs` and commit docs/rules/';

describe('rules are tested and documented', () => {
  it('has rules', () => {
    expect(allRules.length).toBeGreaterThanOrEqual(9);
  });
  for (const rule of allRules) {
    const id = rule.meta.id;
    it(`${id}: meta is valid`, () => {
      expect(validateRuleMeta(rule)).toEqual([]);
    });
    // One rule a file, its test beside it, both named by its id, in the folder of its kind.
    const file = `src/rules/${rule.meta.kind}/${id}`;
    it(`${id}: is ${file}.ts with ${file}.test.ts`, () => {
      expect(existsSync(`${root}${file}.ts`), `${file}.ts is missing`).toBe(true);
      expect(existsSync(`${root}${file}.test.ts`), `${file}.test.ts is missing`).toBe(true);
    });
    it(`${id}: docs/rules/${id}.md is fresh`, () => {
      const path = `${root}docs/rules/${id}.md`;
      expect(existsSync(path), `docs/rules/${id}.md is missing: run \`npm run docs\``).toBe(true);
      expect(readFileSync(path, 'utf8'), stale).toBe(renderRuleDoc(rule));
    });
  }
  it('src/rules/ids.ts lists every rule id (the lab names rules by these types)', () => {
    expect(readFileSync(`${root}src/rules/ids.ts`, 'utf8'), stale).toBe(renderRuleIds(allRules));
  });
  it('docs/rules/README.md is fresh', () => {
    expect(readFileSync(`${root}docs/rules/README.md`, 'utf8'), stale).toBe(renderRuleIndex(allRules));
  });
  it('no page for a rule that does not exist', () => {
    const ids = new Set(allRules.map((r) => `${r.meta.id}.md`));
    const orphans = readdirSync(`${root}docs/rules`).filter((f) => f.endsWith('.md') && f !== 'README.md' && !ids.has(f));
    expect(orphans, stale).toEqual([]);
  });
});
