// `npm run docs`: writes docs/rules/<id>.md for every rule and docs/rules/README.md as the index,
// from rule meta; removes pages of rules that no longer exist.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderRuleDoc, renderRuleIndex } from '../src/report/rule-docs.js';
import { allRules } from '../src/rules/index.js';

const dir = fileURLToPath(new URL('../docs/rules/', import.meta.url));
mkdirSync(dir, { recursive: true });
const wanted = new Set(allRules.map((r) => `${r.meta.id}.md`));
for (const f of readdirSync(dir)) if (f.endsWith('.md') && f !== 'README.md' && !wanted.has(f)) rmSync(dir + f);
for (const r of allRules) writeFileSync(`${dir}${r.meta.id}.md`, renderRuleDoc(r));
writeFileSync(`${dir}README.md`, renderRuleIndex(allRules));
process.stdout.write(`wrote ${allRules.length} rule pages and the index to docs/rules/\n`);

// The README's limits table, from src/util/limits.ts.
import { readFileSync } from 'node:fs';
import { withLimitsTable } from '../src/report/limits-table.js';
const readmePath = fileURLToPath(new URL('../README.md', import.meta.url));
const updated = withLimitsTable(readFileSync(readmePath, 'utf8'));
if (updated === undefined) throw new Error('README.md has no limits markers');
writeFileSync(readmePath, updated);
process.stdout.write('wrote the limits table into README.md\n');
