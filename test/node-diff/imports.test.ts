// The node diff is a use case that reads evidence, not rule code: it may use the project's knowledge
// data (src/rules/data/: known bad kernel builds, fix versions) and nothing else under src/rules/.
// The doctor report's model renders what the use case derived and derives nothing itself.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') && !p.endsWith('.test.ts') ? [p] : [];
  });
}

/** Every module a file imports, as a path relative to the repository. */
function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/^\s*import\s[^;]*?from\s+'(\.[^']+)'/gm)].map((m) => relative(ROOT, resolve(file, '..', m[1]!)));
}

describe('imports', () => {
  it('the node diff (use case and renderers) uses no rule code, only src/rules/data/', () => {
    const mine = [...files(join(ROOT, 'src/app/node-diff')), join(ROOT, 'src/report/node-diff-text.ts'), join(ROOT, 'src/report/node-diff-json.ts'), join(ROOT, 'src/cli/node-diff.ts')];
    const bad = mine.flatMap((f) => imports(f).filter((i) => i.startsWith('src/rules/') && !i.startsWith('src/rules/data/')).map((i) => `${relative(ROOT, f)} -> ${i}`));
    expect(bad).toEqual([]);
  });
  it('the node diff renderers do not import the use case', () => {
    const bad = ['src/report/node-diff-text.ts', 'src/report/node-diff-json.ts'].flatMap((f) => imports(join(ROOT, f)).filter((i) => i.startsWith('src/app/')));
    expect(bad).toEqual([]);
  });
  it('the doctor report model imports no rules (kubernetesNode comes from the use case)', () => {
    expect(imports(join(ROOT, 'src/report/model.ts')).filter((i) => i.startsWith('src/rules/'))).toEqual([]);
  });
  it('the network view is evidence: it imports only evidence and util', () => {
    expect(imports(join(ROOT, 'src/evidence/network-view.ts')).filter((i) => !/^src\/(evidence|util)\//.test(i))).toEqual([]);
  });
});
