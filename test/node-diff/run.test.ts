// The node diff use case without the CLI: both sides read through `load`, the exit code decided here.
import { describe, expect, it } from 'vitest';
import { runNodeDiff } from '../../src/app/node-diff/run.js';
import { makeFacts } from '../../src/engine/facts.js';
import type { NodeFacts, ReadNote } from '../../src/evidence/node-facts.js';
import { PodpathError } from '../../src/util/errors.js';
import { seed000Pair } from '../fixtures/evidence/kb/seed000.js';

const { healthy, broken } = seed000Pair();
const loader = (byPath: Record<string, NodeFacts>) => async (path: string) => {
  const f = byPath[path];
  if (!f) throw new PodpathError('E_NO_SUCH_FILE', `${path}: no such file`);
  return f;
};

describe('runNodeDiff', () => {
  it('exit 1 when something relevant differs (seed 000), 0 when nothing does', async () => {
    const load = loader({ a: healthy, b: broken });
    expect(await runNodeDiff({ a: 'a', b: 'b', load })).toMatchObject({ exitCode: 1, diff: { relevantCount: 3 } });
    expect(await runNodeDiff({ a: 'a', b: 'a', load })).toMatchObject({ exitCode: 0, diff: { relevantCount: 0 } });
  });
  it('exit 3 when nothing differs but a side\'s bundle was cut short; its notes are told, with the side', async () => {
    const cut = makeFacts({ ...healthy, notes: [{ code: 'E_BUNDLE_TRUNCATED', message: 'the tarball ends early' }] });
    const told: [string, string, ReadNote][] = [];
    const run = await runNodeDiff({ a: 'a', b: 'cut', load: loader({ a: healthy, cut }), onNote: (side, path, n) => told.push([side, path, n]) });
    expect(run.exitCode).toBe(3);
    expect(told).toEqual([['B', 'cut', { code: 'E_BUNDLE_TRUNCATED', message: 'the tarball ends early' }]]);
  });
  it('names the side of an unreadable input, and refuses two nodes with nothing in common', async () => {
    await expect(runNodeDiff({ a: 'a', b: 'nope', load: loader({ a: healthy }) })).rejects.toThrow(/^B \(nope\): nope: no such file$/);
    const onlyKernel = makeFacts({ kernel: healthy.kernel });
    const onlyLinks = makeFacts({ links: healthy.links });
    await expect(runNodeDiff({ a: 'k', b: 'l', load: loader({ k: onlyKernel, l: onlyLinks }) })).rejects.toMatchObject({ code: 'E_DIFF_NOTHING_COMPARABLE' });
  });
});
