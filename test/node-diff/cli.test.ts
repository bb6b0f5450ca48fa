// `podpath diff` as a user runs it: a child process, real files (facts JSON and a real sosreport
// directory), exit codes 0/1/2 and the one-line error.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadKbNode } from '../fixtures/evidence/kb/load.js';
import { seed000Pair } from '../fixtures/evidence/kb/seed000.js';
import { podpathArgs } from '../helpers/podpath.js';

const run = promisify(execFile);
const SOS = 'test/fixtures/bundles/sos-4.0-netns';

async function podpath(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [...podpathArgs(), ...args], { env: { ...process.env, NO_COLOR: '1' } });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: err.code ?? -1, stdout: err.stdout ?? '', stderr: err.stderr ?? '' };
  }
}

describe('podpath diff (CLI)', () => {
  let dir = '';
  const file = (name: string) => join(dir, name);

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ppe2-diff-'));
    const { healthy, broken } = seed000Pair();
    writeFileSync(file('seed000-a.json'), JSON.stringify(healthy));
    writeFileSync(file('seed000-b.json'), JSON.stringify(broken));
    writeFileSync(file('good.json'), JSON.stringify(loadKbNode('good')));
    writeFileSync(file('not-facts.json'), JSON.stringify({ hello: 'world' }));
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('exit 1 and the kernel build first for seed 000', async () => {
    const r = await podpath('diff', file('seed000-a.json'), file('seed000-b.json'));
    expect(r.code).toBe(1);
    const lines = r.stdout.split('\n');
    const first = lines.findIndex((l) => l.startsWith('!!'));
    expect(lines[first]).toBe('!! kernel.release');
    expect(lines[first + 1]).toContain('A: 4.19.90-52.22.v2207.ky10.x86_64');
    expect(lines[first + 2]).toContain('B: 4.19.90-52.49.v2207.ky10.x86_64');
  });

  it('--json carries the same ranking', async () => {
    const r = await podpath('diff', '--json', file('seed000-a.json'), file('seed000-b.json'));
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout) as { relevantCount: number; differences: { key: string; relevance: string }[] };
    expect(doc.differences[0]).toMatchObject({ key: 'kernel.release', relevance: 'high' });
    expect(doc.relevantCount).toBe(3);
  });

  it('exit 0 when nothing relevant differs: a real sosreport against itself', async () => {
    const r = await podpath('diff', SOS, SOS);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('No relevant difference.');
  });

  it('exit 2 with one line naming the side for a missing file or a file that is not facts', async () => {
    const missing = await podpath('diff', file('good.json'), file('nope.json'));
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    expect(missing.stderr).toMatch(/^podpath: E_[A-Z_]+: B \(.*nope\.json\): /);
    const bad = await podpath('diff', file('not-facts.json'), file('good.json'));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^podpath: E_FACTS_INVALID: A \(/);
  });
});
