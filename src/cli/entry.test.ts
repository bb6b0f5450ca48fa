import { describe, expect, it } from 'vitest';
import { isSea, programName } from './entry.js';

describe('entry', () => {
  it('usage is printed as `kubectl podpath` when run as the kubectl plugin', () => {
    expect(programName(['node', '/usr/local/bin/kubectl-podpath'], {})).toBe('kubectl podpath');
    expect(programName(['node', '/opt/podpath/podpath.mjs'], { PODPATH_KUBECTL_PLUGIN: '1' })).toBe('kubectl podpath');
    expect(programName(['node', '/opt/podpath/podpath.mjs'], {})).toBe('podpath');
    expect(programName(['node'], {})).toBe('podpath');
  });
  it('is not a SEA when run from source', () => {
    expect(isSea()).toBe(false);
  });
});
